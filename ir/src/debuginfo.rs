//! The debug type table: a small graph of C types that codegen turns into BTF
//! (btf.rst, "Type encoding"), plus the source files and line texts for BTF line_info.
//!
//! Invariants: every `DebugTypeId` inside a type refers to an entry of the same table;
//! anonymous structs/unions/enums have an empty name; bit offsets of members are from
//! the start of the enclosing struct (BTF's `offset` in bits), `bitfield_size == 0`
//! means "not a bitfield". Cycles are allowed only through `Ptr` (as in C).

use std::collections::BTreeMap;

use cranelift_entity::PrimaryMap;

use crate::entities::DebugTypeId;

/// A member of a struct or union.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Member {
    pub name: String,
    pub ty: DebugTypeId,
    pub bit_offset: u32,
    pub bitfield_size: u32,
}

/// A parameter of a function prototype.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Param {
    pub name: String,
    pub ty: DebugTypeId,
}

/// A C type, as BTF needs it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum DebugType {
    Void,
    Int {
        name: String,
        size: u32,
        signed: bool,
        is_char: bool,
        is_bool: bool,
    },
    /// A floating-point type (BTF_KIND_FLOAT): only described, never computed with.
    Float {
        name: String,
        size: u32,
    },
    Ptr(DebugTypeId),
    Array {
        elem: DebugTypeId,
        len: u32,
    },
    Struct {
        name: String,
        size: u32,
        members: Vec<Member>,
    },
    Union {
        name: String,
        size: u32,
        members: Vec<Member>,
    },
    Enum {
        name: String,
        size: u32,
        signed: bool,
        values: Vec<(String, i64)>,
    },
    Typedef {
        name: String,
        ty: DebugTypeId,
    },
    Const(DebugTypeId),
    Volatile(DebugTypeId),
    Restrict(DebugTypeId),
    FuncProto {
        ret: DebugTypeId,
        params: Vec<Param>,
        variadic: bool,
    },
    Fwd {
        name: String,
        union: bool,
    },
}

impl DebugType {
    /// The type ids this type refers to, in printing order.
    pub fn refs(&self) -> Vec<DebugTypeId> {
        match self {
            DebugType::Void
            | DebugType::Int { .. }
            | DebugType::Float { .. }
            | DebugType::Enum { .. }
            | DebugType::Fwd { .. } => Vec::new(),
            DebugType::Ptr(t)
            | DebugType::Const(t)
            | DebugType::Volatile(t)
            | DebugType::Restrict(t) => {
                vec![*t]
            }
            DebugType::Array { elem, .. } => vec![*elem],
            DebugType::Typedef { ty, .. } => vec![*ty],
            DebugType::Struct { members, .. } | DebugType::Union { members, .. } => {
                members.iter().map(|m| m.ty).collect()
            }
            DebugType::FuncProto { ret, params, .. } => {
                let mut v = vec![*ret];
                v.extend(params.iter().map(|p| p.ty));
                v
            }
        }
    }
}

/// The module's table of debug types.
pub type DebugTypes = PrimaryMap<DebugTypeId, DebugType>;

/// A source file named by `SourceLoc::file`, with the texts of the lines that
/// instructions point at (BTF line_info carries the line text).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct DebugFile {
    pub name: String,
    pub lines: BTreeMap<u32, String>,
}

impl DebugFile {
    pub fn new(name: impl Into<String>) -> Self {
        DebugFile {
            name: name.into(),
            lines: BTreeMap::new(),
        }
    }
}
