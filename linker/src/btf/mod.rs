//! The BTF model: a string table plus a list of types, parsed from and encoded to the
//! `.BTF` section format of `../shared/spec/btf.rst` (sections 2 "BTF Type and String
//! Encoding" and 3 "BTF Kernel API" for the header), in either byte order.
//!
//! Invariants: type id 0 is `void` and is not stored; `types[i]` has id `i + 1`. The
//! string table always starts with the empty string at offset 0 and every string ends
//! in NUL; `name_off`s are byte offsets into it. [`Btf::parse`] validates every offset,
//! kind, `vlen` and type reference and never panics on bad bytes; [`Btf::encode`] writes
//! the same bytes back for a parsed section (round trip). The builder half
//! ([`Btf::add_string`] deduplicates, [`Btf::add_type`] returns the new id) is what
//! codegen uses to emit BTF. [`dump`] gives bpftool's `format raw` text form,
//! [`ext`] the `.BTF.ext` model, [`dedup`] the merge-time deduplication, [`compat`] and
//! [`map_def`] the linker's checks of a global's declarations.

pub mod compat;
pub mod dedup;
pub mod dump;
pub mod ext;
pub mod flat;
pub mod map_def;
mod parse;
pub(crate) mod prededup;
mod scc;
mod strindex;

use crate::object::Endian;
use diag::{Diagnostic, codes};

pub const BTF_MAGIC: u16 = 0xeb9f;
pub const BTF_VERSION: u8 = 1;
pub const BTF_HEADER_LEN: u32 = 24;

/// `BTF_INT_*` encoding bits (`btf.rst` 2.2.1).
pub const BTF_INT_SIGNED: u8 = 1;
pub const BTF_INT_CHAR: u8 = 2;
pub const BTF_INT_BOOL: u8 = 4;

/// The kind numbers, one table (`btf.rst` 2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Int = 1,
    Ptr = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Fwd = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    Datasec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

impl Kind {
    pub const ALL: [Kind; 19] = [
        Kind::Int,
        Kind::Ptr,
        Kind::Array,
        Kind::Struct,
        Kind::Union,
        Kind::Enum,
        Kind::Fwd,
        Kind::Typedef,
        Kind::Volatile,
        Kind::Const,
        Kind::Restrict,
        Kind::Func,
        Kind::FuncProto,
        Kind::Var,
        Kind::Datasec,
        Kind::Float,
        Kind::DeclTag,
        Kind::TypeTag,
        Kind::Enum64,
    ];

    pub fn from_u32(v: u32) -> Option<Kind> {
        Kind::ALL.get((v as usize).checked_sub(1)?).copied()
    }

    /// The name bpftool prints (`BTF_KIND_` stripped).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "INT",
            Kind::Ptr => "PTR",
            Kind::Array => "ARRAY",
            Kind::Struct => "STRUCT",
            Kind::Union => "UNION",
            Kind::Enum => "ENUM",
            Kind::Fwd => "FWD",
            Kind::Typedef => "TYPEDEF",
            Kind::Volatile => "VOLATILE",
            Kind::Const => "CONST",
            Kind::Restrict => "RESTRICT",
            Kind::Func => "FUNC",
            Kind::FuncProto => "FUNC_PROTO",
            Kind::Var => "VAR",
            Kind::Datasec => "DATASEC",
            Kind::Float => "FLOAT",
            Kind::DeclTag => "DECL_TAG",
            Kind::TypeTag => "TYPE_TAG",
            Kind::Enum64 => "ENUM64",
        }
    }
}

/// Linkage of a FUNC (stored in its `vlen`) or a VAR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Linkage {
    Static = 0,
    Global = 1,
    Extern = 2,
}

impl Linkage {
    pub fn from_u32(v: u32) -> Option<Linkage> {
        match v {
            0 => Some(Linkage::Static),
            1 => Some(Linkage::Global),
            2 => Some(Linkage::Extern),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Linkage::Static => "static",
            Linkage::Global => "global",
            Linkage::Extern => "extern",
        }
    }
}

/// A STRUCT/UNION member. `bit_offset` and `bitfield_size` are the decoded fields; with
/// the type's `kind_flag` clear the encoded offset is `bit_offset` alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    pub name_off: u32,
    pub type_id: u32,
    pub bit_offset: u32,
    pub bitfield_size: u8,
}

/// An ENUM value (32-bit) or an ENUM64 value (stored as its 64 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub name_off: u32,
    pub val: u64,
}

/// A FUNC_PROTO parameter (`type_id` 0 with `name_off` 0 as the last one means `...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name_off: u32,
    pub type_id: u32,
}

/// A DATASEC entry: a VAR (or FUNC for `.ksyms`) at `offset` with `size` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarSecInfo {
    pub type_id: u32,
    pub offset: u32,
    pub size: u32,
}

/// The kind-specific part of a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeData {
    Int {
        size: u32,
        encoding: u8,
        offset: u8,
        bits: u8,
    },
    Ptr {
        type_id: u32,
    },
    Array {
        elem_type: u32,
        index_type: u32,
        nelems: u32,
    },
    Struct {
        size: u32,
        members: Vec<Member>,
    },
    Union {
        size: u32,
        members: Vec<Member>,
    },
    /// `kind_flag` says signed; values are the 32-bit values zero-extended.
    Enum {
        size: u32,
        values: Vec<EnumValue>,
    },
    Fwd,
    Typedef {
        type_id: u32,
    },
    Volatile {
        type_id: u32,
    },
    Const {
        type_id: u32,
    },
    Restrict {
        type_id: u32,
    },
    Func {
        type_id: u32,
        linkage: Linkage,
    },
    FuncProto {
        ret_type: u32,
        params: Vec<Param>,
    },
    Var {
        type_id: u32,
        linkage: Linkage,
    },
    Datasec {
        size: u32,
        vars: Vec<VarSecInfo>,
    },
    Float {
        size: u32,
    },
    DeclTag {
        type_id: u32,
        component_idx: i32,
    },
    TypeTag {
        type_id: u32,
    },
    Enum64 {
        size: u32,
        values: Vec<EnumValue>,
    },
}

impl TypeData {
    /// The type a typedef or a const/volatile/restrict/type-tag modifier stands for.
    pub fn modified(&self) -> Option<u32> {
        match self {
            TypeData::Typedef { type_id }
            | TypeData::Volatile { type_id }
            | TypeData::Const { type_id }
            | TypeData::Restrict { type_id }
            | TypeData::TypeTag { type_id } => Some(*type_id),
            _ => None,
        }
    }
}

/// One BTF type: its name, its `kind_flag` bit and its kind-specific data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BtfType {
    pub name_off: u32,
    /// Bitfield offsets in STRUCT/UNION, union-ness in FWD, signedness in ENUM/ENUM64.
    pub kind_flag: bool,
    pub data: TypeData,
}

impl BtfType {
    pub fn new(name_off: u32, data: TypeData) -> Self {
        BtfType {
            name_off,
            kind_flag: false,
            data,
        }
    }

    pub fn with_kind_flag(mut self, flag: bool) -> Self {
        self.kind_flag = flag;
        self
    }

    pub fn kind(&self) -> Kind {
        match &self.data {
            TypeData::Int { .. } => Kind::Int,
            TypeData::Ptr { .. } => Kind::Ptr,
            TypeData::Array { .. } => Kind::Array,
            TypeData::Struct { .. } => Kind::Struct,
            TypeData::Union { .. } => Kind::Union,
            TypeData::Enum { .. } => Kind::Enum,
            TypeData::Fwd => Kind::Fwd,
            TypeData::Typedef { .. } => Kind::Typedef,
            TypeData::Volatile { .. } => Kind::Volatile,
            TypeData::Const { .. } => Kind::Const,
            TypeData::Restrict { .. } => Kind::Restrict,
            TypeData::Func { .. } => Kind::Func,
            TypeData::FuncProto { .. } => Kind::FuncProto,
            TypeData::Var { .. } => Kind::Var,
            TypeData::Datasec { .. } => Kind::Datasec,
            TypeData::Float { .. } => Kind::Float,
            TypeData::DeclTag { .. } => Kind::DeclTag,
            TypeData::TypeTag { .. } => Kind::TypeTag,
            TypeData::Enum64 { .. } => Kind::Enum64,
        }
    }

    /// `vlen` as encoded (FUNC keeps its linkage there).
    pub fn vlen(&self) -> usize {
        match &self.data {
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => members.len(),
            TypeData::Enum { values, .. } | TypeData::Enum64 { values, .. } => values.len(),
            TypeData::FuncProto { params, .. } => params.len(),
            TypeData::Datasec { vars, .. } => vars.len(),
            TypeData::Func { linkage, .. } => *linkage as usize,
            _ => 0,
        }
    }

    /// The byte size for kinds that have one.
    pub fn size(&self) -> Option<u32> {
        match &self.data {
            TypeData::Int { size, .. }
            | TypeData::Struct { size, .. }
            | TypeData::Union { size, .. }
            | TypeData::Enum { size, .. }
            | TypeData::Enum64 { size, .. }
            | TypeData::Datasec { size, .. }
            | TypeData::Float { size } => Some(*size),
            _ => None,
        }
    }

    /// Calls `f` on every type id this type refers to, in encoding order.
    pub fn for_each_ref(&self, mut f: impl FnMut(u32)) {
        match &self.data {
            TypeData::Ptr { type_id }
            | TypeData::Typedef { type_id }
            | TypeData::Volatile { type_id }
            | TypeData::Const { type_id }
            | TypeData::Restrict { type_id }
            | TypeData::Func { type_id, .. }
            | TypeData::Var { type_id, .. }
            | TypeData::DeclTag { type_id, .. }
            | TypeData::TypeTag { type_id } => f(*type_id),
            TypeData::Array {
                elem_type,
                index_type,
                ..
            } => {
                f(*elem_type);
                f(*index_type);
            }
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => {
                members.iter().for_each(|m| f(m.type_id))
            }
            TypeData::FuncProto { ret_type, params } => {
                f(*ret_type);
                params.iter().for_each(|p| f(p.type_id));
            }
            TypeData::Datasec { vars, .. } => vars.iter().for_each(|v| f(v.type_id)),
            TypeData::Int { .. }
            | TypeData::Enum { .. }
            | TypeData::Enum64 { .. }
            | TypeData::Fwd
            | TypeData::Float { .. } => {}
        }
    }

    /// Rewrites every type id this type refers to through `f`.
    pub fn map_refs(&mut self, mut f: impl FnMut(u32) -> u32) {
        match &mut self.data {
            TypeData::Ptr { type_id }
            | TypeData::Typedef { type_id }
            | TypeData::Volatile { type_id }
            | TypeData::Const { type_id }
            | TypeData::Restrict { type_id }
            | TypeData::Func { type_id, .. }
            | TypeData::Var { type_id, .. }
            | TypeData::DeclTag { type_id, .. }
            | TypeData::TypeTag { type_id } => *type_id = f(*type_id),
            TypeData::Array {
                elem_type,
                index_type,
                ..
            } => {
                *elem_type = f(*elem_type);
                *index_type = f(*index_type);
            }
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => {
                members.iter_mut().for_each(|m| m.type_id = f(m.type_id))
            }
            TypeData::FuncProto { ret_type, params } => {
                *ret_type = f(*ret_type);
                params.iter_mut().for_each(|p| p.type_id = f(p.type_id));
            }
            TypeData::Datasec { vars, .. } => {
                vars.iter_mut().for_each(|v| v.type_id = f(v.type_id))
            }
            TypeData::Int { .. }
            | TypeData::Enum { .. }
            | TypeData::Enum64 { .. }
            | TypeData::Fwd
            | TypeData::Float { .. } => {}
        }
    }

    /// Calls `f` on every string offset (the name and member/value/param names).
    pub fn for_each_string(&self, mut f: impl FnMut(u32)) {
        f(self.name_off);
        match &self.data {
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => {
                members.iter().for_each(|m| f(m.name_off))
            }
            TypeData::Enum { values, .. } | TypeData::Enum64 { values, .. } => {
                values.iter().for_each(|v| f(v.name_off))
            }
            TypeData::FuncProto { params, .. } => params.iter().for_each(|p| f(p.name_off)),
            _ => {}
        }
    }

    /// Rewrites every string offset (the name and member/value/param names) through `f`.
    pub fn map_strings(&mut self, mut f: impl FnMut(u32) -> u32) {
        self.name_off = f(self.name_off);
        match &mut self.data {
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => {
                members.iter_mut().for_each(|m| m.name_off = f(m.name_off))
            }
            TypeData::Enum { values, .. } | TypeData::Enum64 { values, .. } => {
                values.iter_mut().for_each(|v| v.name_off = f(v.name_off))
            }
            TypeData::FuncProto { params, .. } => {
                params.iter_mut().for_each(|p| p.name_off = f(p.name_off))
            }
            _ => {}
        }
    }

    /// Encoded size in bytes (12 for the common part plus the kind's trailer).
    pub fn encoded_len(&self) -> usize {
        12 + match &self.data {
            TypeData::Int { .. } | TypeData::Var { .. } | TypeData::DeclTag { .. } => 4,
            TypeData::Array { .. } => 12,
            TypeData::Struct { members, .. } | TypeData::Union { members, .. } => {
                12 * members.len()
            }
            TypeData::Enum { values, .. } => 8 * values.len(),
            TypeData::Enum64 { values, .. } => 12 * values.len(),
            TypeData::FuncProto { params, .. } => 8 * params.len(),
            TypeData::Datasec { vars, .. } => 12 * vars.len(),
            _ => 0,
        }
    }
}

/// A BTF blob: strings and types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Btf {
    strings: Vec<u8>,
    types: Vec<BtfType>,
    /// Offsets of whole strings already in the table, for [`Btf::add_string`] dedup;
    /// built on first use (parsed input that is only read never needs it).
    string_index: strindex::StrIndex,
    indexed: bool,
    /// Every string offset a type uses names a distinct string (true for tables built
    /// only through `add_string`; parsed tables may repeat strings).
    interned: bool,
}

impl Default for Btf {
    fn default() -> Self {
        Btf::new()
    }
}

fn bad(what: &str, msg: impl AsRef<str>) -> Diagnostic {
    Diagnostic::error(codes::E_BTF_BAD, format!("{what}: {}", msg.as_ref()))
}

/// Endian-aware, bounds-checked reader over a byte slice.
pub(crate) struct Reader<'a> {
    pub data: &'a [u8],
    pub big: bool,
}

impl Reader<'_> {
    pub fn u32(&self, off: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(off..off.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

/// Appends integers in one byte order.
pub(crate) struct Writer {
    pub out: Vec<u8>,
    pub big: bool,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }
    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }
    /// Appends every word of `words` (one conversion loop, not a push per word).
    pub fn u32s(&mut self, words: &[u32]) {
        let start = self.out.len();
        self.out.resize(start + 4 * words.len(), 0);
        let dst = self.out[start..].chunks_exact_mut(4).zip(words);
        if self.big {
            dst.for_each(|(d, w)| d.copy_from_slice(&w.to_be_bytes()));
        } else {
            dst.for_each(|(d, w)| d.copy_from_slice(&w.to_le_bytes()));
        }
    }
}

/// Parses a `.BTF` section into compact types and its string table (borrowed; an empty
/// table reads as the one empty string). `what` names it in errors (e.g. `a.o: .BTF`).
pub fn parse_flat<'a>(
    data: &'a [u8],
    what: &str,
) -> Result<(flat::FlatTypes, &'a [u8]), Diagnostic> {
    parse_flat_into(data, what, flat::FlatTypes::default())
}

/// [`parse_flat`] into the buffers of `reuse` (whose types are dropped).
pub fn parse_flat_into<'a>(
    data: &'a [u8],
    what: &str,
    reuse: flat::FlatTypes,
) -> Result<(flat::FlatTypes, &'a [u8]), Diagnostic> {
    let big = magic_endian(data).ok_or_else(|| bad(what, "bad magic (expected 0xeb9f)"))?;
    let r = Reader { data, big };
    let hdr = |off: usize| r.u32(off).ok_or_else(|| bad(what, "truncated header"));
    let version = *data.get(2).ok_or_else(|| bad(what, "truncated header"))?;
    if version != BTF_VERSION {
        return Err(bad(what, format!("unsupported version {version}")));
    }
    let hdr_len = hdr(4)? as usize;
    if hdr_len < BTF_HEADER_LEN as usize || hdr_len > data.len() {
        return Err(bad(
            what,
            format!(
                "header length {hdr_len} is invalid (section has {} bytes)",
                data.len()
            ),
        ));
    }
    let (type_off, type_len, str_off, str_len) = (
        hdr(8)? as usize,
        hdr(12)? as usize,
        hdr(16)? as usize,
        hdr(20)? as usize,
    );
    let area = |off: usize, len: usize, name: &str| {
        hdr_len
            .checked_add(off)
            .and_then(|s| Some((s, s.checked_add(len)?)))
            .filter(|&(_, e)| e <= data.len())
            .ok_or_else(|| {
                bad(
                    what,
                    format!(
                        "{name} area (offset {off:#x}, length {len:#x}) lies outside the section"
                    ),
                )
            })
    };
    let (ts, te) = area(type_off, type_len, "type")?;
    let (ss, se) = area(str_off, str_len, "string")?;
    let strings = &data[ss..se];
    if !strings.is_empty() && (strings[0] != 0 || strings[strings.len() - 1] != 0) {
        return Err(bad(what, "string table must start and end with a NUL byte"));
    }
    let strings: &[u8] = if strings.is_empty() { &[0] } else { strings };
    let flat = parse::parse_flat(&data[ts..te], big, strings.len() as u32, what, reuse)?;
    Ok((flat, strings))
}

/// The bytes of the string at `off` of table `strings` (without NUL; empty if out of
/// range).
#[inline]
pub(crate) fn str_bytes_in(strings: &[u8], off: u32) -> &[u8] {
    let Some(rest) = strings.get(off as usize..) else {
        return &[];
    };
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    &rest[..end]
}

/// Encodes compact types and a string table as a `.BTF` section, as [`Btf::encode`] does.
pub(crate) fn encode_flat(types: &flat::FlatTypes, strings: &[u8], endian: Endian) -> Vec<u8> {
    let type_len = types.encoded_len();
    let mut w = Writer {
        out: Vec::with_capacity(24 + type_len + strings.len()),
        big: endian == Endian::Big,
    };
    write_header(&mut w, type_len, strings.len());
    for id in 1..=types.len() as u32 {
        types.encode_type(id, &mut w);
    }
    w.out.extend_from_slice(strings);
    w.out
}

/// The 24-byte `.BTF` header (btf.rst 2.1): types right after it, then the strings.
fn write_header(w: &mut Writer, type_len: usize, str_len: usize) {
    w.u16(BTF_MAGIC);
    w.u8(BTF_VERSION);
    w.u8(0);
    w.u32(BTF_HEADER_LEN);
    w.u32(0);
    w.u32(type_len as u32);
    w.u32(type_len as u32);
    w.u32(str_len as u32);
}

/// Appends one type's encoding (common part and trailer).
pub(crate) fn encode_type(t: &BtfType, w: &mut Writer) {
    let info =
        (u32::from(t.kind_flag) << 31) | ((t.kind() as u32) << 24) | (t.vlen() as u32 & 0xffff);
    w.u32(t.name_off);
    w.u32(info);
    match &t.data {
        TypeData::Int {
            size,
            encoding,
            offset,
            bits,
        } => {
            w.u32(*size);
            w.u32((u32::from(*encoding) << 24) | (u32::from(*offset) << 16) | u32::from(*bits));
        }
        TypeData::Ptr { type_id }
        | TypeData::Typedef { type_id }
        | TypeData::Volatile { type_id }
        | TypeData::Const { type_id }
        | TypeData::Restrict { type_id }
        | TypeData::TypeTag { type_id }
        | TypeData::Func { type_id, .. } => w.u32(*type_id),
        TypeData::Fwd => w.u32(0),
        TypeData::Array {
            elem_type,
            index_type,
            nelems,
        } => {
            w.u32(0);
            w.u32(*elem_type);
            w.u32(*index_type);
            w.u32(*nelems);
        }
        TypeData::Struct { size, members } | TypeData::Union { size, members } => {
            w.u32(*size);
            for m in members {
                w.u32(m.name_off);
                w.u32(m.type_id);
                w.u32(if t.kind_flag {
                    (u32::from(m.bitfield_size) << 24) | (m.bit_offset & 0xff_ffff)
                } else {
                    m.bit_offset
                });
            }
        }
        TypeData::Enum { size, values } => {
            w.u32(*size);
            for v in values {
                w.u32(v.name_off);
                w.u32(v.val as u32);
            }
        }
        TypeData::Enum64 { size, values } => {
            w.u32(*size);
            for v in values {
                w.u32(v.name_off);
                w.u32(v.val as u32);
                w.u32((v.val >> 32) as u32);
            }
        }
        TypeData::FuncProto { ret_type, params } => {
            w.u32(*ret_type);
            for p in params {
                w.u32(p.name_off);
                w.u32(p.type_id);
            }
        }
        TypeData::Var { type_id, linkage } => {
            w.u32(*type_id);
            w.u32(*linkage as u32);
        }
        TypeData::Datasec { size, vars } => {
            w.u32(*size);
            for v in vars {
                w.u32(v.type_id);
                w.u32(v.offset);
                w.u32(v.size);
            }
        }
        TypeData::Float { size } => w.u32(*size),
        TypeData::DeclTag {
            type_id,
            component_idx,
        } => {
            w.u32(*type_id);
            w.u32(*component_idx as u32);
        }
    }
}

/// Detects the byte order of a BTF or BTF.ext blob from its magic.
pub(crate) fn magic_endian(data: &[u8]) -> Option<bool> {
    match data.get(..2)? {
        [0x9f, 0xeb] => Some(false),
        [0xeb, 0x9f] => Some(true),
        _ => None,
    }
}

impl Btf {
    /// An empty BTF: only the empty string.
    pub fn new() -> Self {
        Self::with_string_capacity(0, 0)
    }

    /// An empty BTF whose string table has room for `count` strings of `bytes` bytes in
    /// all without growing.
    pub fn with_string_capacity(bytes: usize, count: usize) -> Self {
        let mut strings = Vec::with_capacity(bytes.max(1));
        let mut string_index = strindex::StrIndex::with_capacity(count + 1);
        // The empty string at offset 0, indexed.
        string_index.intern(&mut strings, b"");
        Btf {
            strings,
            types: Vec::new(),
            string_index,
            indexed: true,
            interned: true,
        }
    }

    /// Number of types (not counting `void`); the last id is `len()`.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// The type with id `id` (`None` for 0 = void or out of range).
    pub fn get(&self, id: u32) -> Option<&BtfType> {
        self.types.get((id as usize).checked_sub(1)?)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut BtfType> {
        self.types.get_mut((id as usize).checked_sub(1)?)
    }

    /// Every type with its id, in id order.
    pub fn types(&self) -> impl Iterator<Item = (u32, &BtfType)> {
        self.types
            .iter()
            .enumerate()
            .map(|(i, t)| (i as u32 + 1, t))
    }

    /// True when equal strings always have equal offsets (see the field).
    pub fn strings_interned(&self) -> bool {
        self.interned
    }

    /// The raw string table.
    pub fn strings(&self) -> &[u8] {
        &self.strings
    }

    /// The string at byte offset `off` (offsets may point into the middle of a string).
    pub fn str_at(&self, off: u32) -> Option<&str> {
        let rest = self.strings.get(off as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        std::str::from_utf8(&rest[..end]).ok()
    }

    /// The name of a type (empty for anonymous types and void).
    pub fn name_of(&self, id: u32) -> &str {
        self.get(id)
            .and_then(|t| self.str_at(t.name_off))
            .unwrap_or("")
    }

    /// Adds a string (or finds it) and returns its offset.
    pub fn add_string(&mut self, s: &str) -> u32 {
        self.add_string_bytes(s.as_bytes())
    }

    pub(crate) fn add_string_bytes(&mut self, s: &[u8]) -> u32 {
        if !self.indexed {
            self.reindex_strings();
        }
        self.string_index.intern(&mut self.strings, s)
    }

    /// Appends a type and returns its id.
    pub fn add_type(&mut self, t: BtfType) -> u32 {
        self.types.push(t);
        self.types.len() as u32
    }

    /// Finds the first type of `kind` named `name`.
    pub fn find_by_name(&self, kind: Kind, name: &str) -> Option<u32> {
        self.types()
            .find(|(_, t)| t.kind() == kind && self.str_at(t.name_off) == Some(name))
            .map(|(id, _)| id)
    }

    /// Follows typedefs and CV/type-tag modifiers to the underlying type id.
    pub fn skip_mods_and_typedefs(&self, mut id: u32) -> u32 {
        for _ in 0..64 {
            match self.get(id).and_then(|t| t.data.modified()) {
                Some(next) => id = next,
                None => return id,
            }
        }
        id
    }

    /// Builder helpers for the common kinds; each returns the new type id.
    pub fn add_int(&mut self, name: &str, size: u32, encoding: u8) -> u32 {
        let name_off = self.add_string(name);
        self.add_type(BtfType::new(
            name_off,
            TypeData::Int {
                size,
                encoding,
                offset: 0,
                bits: (size * 8).min(128) as u8,
            },
        ))
    }

    pub fn add_ptr(&mut self, type_id: u32) -> u32 {
        self.add_type(BtfType::new(0, TypeData::Ptr { type_id }))
    }

    pub fn add_func(&mut self, name: &str, proto: u32, linkage: Linkage) -> u32 {
        let name_off = self.add_string(name);
        self.add_type(BtfType::new(
            name_off,
            TypeData::Func {
                type_id: proto,
                linkage,
            },
        ))
    }

    pub fn add_var(&mut self, name: &str, type_id: u32, linkage: Linkage) -> u32 {
        let name_off = self.add_string(name);
        self.add_type(BtfType::new(name_off, TypeData::Var { type_id, linkage }))
    }

    /// Parses a `.BTF` section. `what` names it in errors (e.g. `a.o: .BTF`).
    pub fn parse(data: &[u8], what: &str) -> Result<Btf, Diagnostic> {
        let (flat, strings) = parse_flat(data, what)?;
        Ok(Btf {
            strings: strings.to_vec(),
            types: (1..=flat.len() as u32)
                .filter_map(|id| flat.decode(id))
                .collect(),
            string_index: strindex::StrIndex::default(),
            indexed: false,
            interned: false,
        })
    }

    /// Rebuilds the string-dedup index from the raw table (whole strings only).
    fn reindex_strings(&mut self) {
        self.string_index = strindex::StrIndex::build(&self.strings);
        self.indexed = true;
    }

    /// Encodes to `.BTF` section bytes in the given byte order.
    pub fn encode(&self, endian: Endian) -> Vec<u8> {
        let type_len: usize = self.types.iter().map(BtfType::encoded_len).sum();
        let mut w = Writer {
            out: Vec::with_capacity(24 + type_len + self.strings.len()),
            big: endian == Endian::Big,
        };
        write_header(&mut w, type_len, self.strings.len());
        for t in &self.types {
            encode_type(t, &mut w);
        }
        w.out.extend_from_slice(&self.strings);
        w.out
    }

    /// Replaces the type list (used by dedup and the linker after renumbering).
    pub fn set_types(&mut self, types: Vec<BtfType>) {
        self.types = types;
    }

    /// Makes room for `additional` more types (a merge knows its total up front).
    pub fn reserve_types(&mut self, additional: usize) {
        self.types.reserve_exact(additional);
    }

    /// Takes the type list out, leaving none.
    pub fn take_types(&mut self) -> Vec<BtfType> {
        std::mem::take(&mut self.types)
    }

    /// Appends every type of `other` (ids shifted by `self.len()`), re-adding its
    /// strings to this table; returns the id offset that was applied.
    pub fn append(&mut self, other: &Btf) -> u32 {
        let base = self.types.len() as u32;
        // Dense map from `other`'s string offsets to ours.
        let mut str_map = vec![u32::MAX; other.strings.len()];
        self.types.reserve(other.types.len());
        for t in &other.types {
            let mut t = t.clone();
            t.map_strings(|off| match str_map.get(off as usize) {
                Some(&n) if n != u32::MAX => n,
                Some(_) => {
                    let n = self.add_string_bytes(other.str_bytes(off));
                    str_map[off as usize] = n;
                    n
                }
                None => self.add_string_bytes(other.str_bytes(off)),
            });
            t.map_refs(|r| if r == 0 { 0 } else { r + base });
            self.types.push(t);
        }
        base
    }

    /// The bytes of the string at `off` (without NUL; empty if out of range).
    pub(crate) fn str_bytes(&self, off: u32) -> &[u8] {
        str_bytes_in(&self.strings, off)
    }

    /// Rebuilds the string table keeping only strings that types reference, in order of
    /// first use (what the dedup pass of libbpf leaves behind).
    pub fn compact_strings(&mut self) {
        let old = std::mem::take(self);
        let mut types = old.types.clone();
        for t in &mut types {
            t.map_strings(|off| {
                let s = old.str_bytes(off).to_vec();
                self.add_string_bytes(&s)
            });
        }
        self.types = types;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Btf {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let ptr = b.add_ptr(int);
        let x = b.add_string("x");
        let s = b.add_string("s");
        let st = b.add_type(
            BtfType::new(
                s,
                TypeData::Struct {
                    size: 16,
                    members: vec![
                        Member {
                            name_off: x,
                            type_id: int,
                            bit_offset: 0,
                            bitfield_size: 3,
                        },
                        Member {
                            name_off: x,
                            type_id: ptr,
                            bit_offset: 64,
                            bitfield_size: 0,
                        },
                    ],
                },
            )
            .with_kind_flag(true),
        );
        let e = b.add_string("E");
        b.add_type(
            BtfType::new(
                e,
                TypeData::Enum64 {
                    size: 8,
                    values: vec![EnumValue {
                        name_off: x,
                        val: u64::MAX - 1,
                    }],
                },
            )
            .with_kind_flag(true),
        );
        let proto = b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: int,
                params: vec![Param {
                    name_off: x,
                    type_id: st,
                }],
            },
        ));
        b.add_func("f", proto, Linkage::Global);
        let v = b.add_var("v", int, Linkage::Static);
        let d = b.add_string(".data");
        b.add_type(BtfType::new(
            d,
            TypeData::Datasec {
                size: 4,
                vars: vec![VarSecInfo {
                    type_id: v,
                    offset: 0,
                    size: 4,
                }],
            },
        ));
        b.add_type(BtfType::new(
            x,
            TypeData::DeclTag {
                type_id: st,
                component_idx: -1,
            },
        ));
        b
    }

    #[test]
    fn round_trips_in_both_byte_orders() {
        let b = sample();
        for endian in [Endian::Little, Endian::Big] {
            let bytes = b.encode(endian);
            let back = Btf::parse(&bytes, "t").unwrap();
            assert_eq!(back.types, b.types);
            assert_eq!(back.strings, b.strings);
            assert_eq!(back.encode(endian), bytes);
        }
    }

    #[test]
    fn add_string_dedups() {
        let mut b = Btf::new();
        assert_eq!(b.add_string(""), 0);
        let a = b.add_string("abc");
        assert_eq!(b.add_string("abc"), a);
        assert_ne!(b.add_string("abd"), a);
        assert_eq!(b.str_at(a), Some("abc"));
    }

    #[test]
    fn rejects_bad_references_and_truncation() {
        let mut b = Btf::new();
        b.add_ptr(7);
        let e = Btf::parse(&b.encode(Endian::Little), "x.o: .BTF").unwrap_err();
        assert!(e.message.contains("refers to type id 7"), "{}", e.message);
        let bytes = sample().encode(Endian::Little);
        for len in 0..bytes.len() {
            let _ = Btf::parse(&bytes[..len], "t");
        }
        assert!(Btf::parse(&bytes[..bytes.len() - 1], "t").is_err());
    }
}
