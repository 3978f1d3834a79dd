//! Translation of C types into the IR module's debug type table (the input of BTF,
//! btf.rst "Type encoding").
//!
//! Invariants: each C type gets one debug entry (memoized per `QualType`); a struct or
//! union gets its entry before its members are translated, so self-referential types
//! (`struct node { struct node *next; }`) terminate; incomplete structs/unions become
//! `Fwd`; qualifiers become `Const`/`Volatile`/`Restrict` wrappers; typedef sugar is
//! kept (BTF names `__u32` and friends, as clang does).
//! - A struct member that points to a struct or union refers to a `Fwd` of it unless
//!   that record is emitted in full for another reason (patched in [`DebugTypeMap::finish`]),
//!   as LLVM's BTF writer does: a program that touches `struct task_struct` does not drag
//!   the whole kernel type graph into its BTF.

use std::collections::BTreeMap;

use crate::types::{IntKind, QualType, Quals, Type, TypeTable};
use ir::debuginfo::{DebugType, DebugTypes, Member, Param};
use ir::entities::DebugTypeId;

/// Memoized translation from the type table into a module's debug types.
#[derive(Debug, Default)]
pub struct DebugTypeMap {
    memo: BTreeMap<QualType, DebugTypeId>,
    /// Full struct/union entries by record.
    full: BTreeMap<crate::types::RecordId, DebugTypeId>,
    /// Forward declarations by record.
    fwd: BTreeMap<crate::types::RecordId, DebugTypeId>,
    /// Member pointer types made to point at a forward declaration, by their type.
    member_ptrs: BTreeMap<QualType, (DebugTypeId, crate::types::RecordId)>,
    /// Translating a BTF map definition (`.maps`): libbpf reads key/value sizes
    /// through its member pointers, so their pointees are emitted in full.
    in_map: bool,
}

impl DebugTypeMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// The debug type of `qt`, created on first use.
    pub fn get(&mut self, tt: &TypeTable, out: &mut DebugTypes, qt: QualType) -> DebugTypeId {
        if let Some(&id) = self.memo.get(&qt) {
            return id;
        }
        if !qt.quals.is_empty() {
            // Outermost qualifier first: const, then volatile, then restrict.
            let mut inner = qt.unqual();
            let q = qt.quals;
            let mut layers = Vec::new();
            if q.is_restrict {
                layers.push(2u8);
            }
            if q.is_volatile {
                layers.push(1u8);
            }
            if q.is_const {
                layers.push(0u8);
            }
            let mut id = self.get(tt, out, inner);
            let mut acc = Quals::NONE;
            for l in layers {
                let mut next = Quals::NONE;
                match l {
                    0 => next.is_const = true,
                    1 => next.is_volatile = true,
                    _ => next.is_restrict = true,
                }
                acc = acc.union(next);
                inner = QualType {
                    id: qt.id,
                    quals: acc,
                };
                id = match self.memo.get(&inner) {
                    Some(&x) => x,
                    None => {
                        let t = match l {
                            0 => DebugType::Const(id),
                            1 => DebugType::Volatile(id),
                            _ => DebugType::Restrict(id),
                        };
                        let x = out.push(t);
                        self.memo.insert(inner, x);
                        x
                    }
                };
            }
            return id;
        }
        let id = match tt.get(qt.id).clone() {
            Type::Void => out.push(DebugType::Void),
            Type::Bool => out.push(DebugType::Int {
                name: "_Bool".into(),
                size: 1,
                signed: false,
                is_char: false,
                is_bool: true,
            }),
            Type::Int(k) => out.push(int_type(k)),
            // BTF has no complex kind: clang describes such a member as `void` (id 0).
            Type::Complex(_) => out.push(DebugType::Void),
            Type::Float(k) => out.push(DebugType::Float {
                name: k.name().into(),
                size: k.size() as u32,
            }),
            Type::Ptr(p) => {
                // Reserve the entry first: the pointee may point back at us.
                let id = out.push(DebugType::Void);
                self.memo.insert(qt, id);
                let inner = self.get(tt, out, p);
                out[id] = DebugType::Ptr(inner);
                return id;
            }
            Type::Array { elem, len } => {
                let e = self.get(tt, out, elem);
                let len = len.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
                out.push(DebugType::Array { elem: e, len })
            }
            Type::Func(f) => {
                let ret = self.get(tt, out, f.ret);
                let params = f
                    .params
                    .iter()
                    .map(|p| Param {
                        name: String::new(),
                        ty: self.get(tt, out, *p),
                    })
                    .collect();
                out.push(DebugType::FuncProto {
                    ret,
                    params,
                    variadic: f.variadic,
                })
            }
            Type::Record(r) => {
                let def = tt.record(r).clone();
                let name = def.name.clone().unwrap_or_default();
                if !def.complete {
                    out.push(DebugType::Fwd {
                        name,
                        union: def.is_union,
                    })
                } else {
                    let id = out.push(DebugType::Void);
                    self.memo.insert(qt, id);
                    self.full.insert(r, id);
                    // Unnamed bit-fields (`long: 0;`) are padding: clang emits no BTF
                    // member for them (a zero-width one would look like a whole
                    // `long` past the end of the struct to the kernel).
                    let members = def
                        .fields
                        .iter()
                        .filter(|f| !(f.name.is_none() && f.bit_width.is_some()))
                        .map(|f| Member {
                            name: f.name.clone().unwrap_or_default(),
                            ty: self.member_type(tt, out, f.ty),
                            bit_offset: u32::try_from(f.bit_offset).unwrap_or(u32::MAX),
                            bitfield_size: f.bit_width.unwrap_or(0),
                        })
                        .collect();
                    let size = u32::try_from(def.size).unwrap_or(u32::MAX);
                    out[id] = if def.is_union {
                        DebugType::Union {
                            name,
                            size,
                            members,
                        }
                    } else {
                        DebugType::Struct {
                            name,
                            size,
                            members,
                        }
                    };
                    return id;
                }
            }
            Type::Enum(e) => {
                let def = tt.enum_def(e);
                out.push(DebugType::Enum {
                    name: def.name.clone().unwrap_or_default(),
                    size: u32::try_from(def.underlying.size()).unwrap_or(4),
                    // A declared-only enum has no base type in clang's debug info, which
                    // BTF shows as unsigned.
                    signed: def.complete && def.underlying.is_signed(),
                    values: def.constants.clone(),
                })
            }
            Type::Typedef { name, target } => {
                let t = self.get(tt, out, target);
                out.push(DebugType::Typedef { name, ty: t })
            }
        };
        self.memo.insert(qt, id);
        id
    }

    /// The type of a struct member: a pointer to a record becomes a pointer to its
    /// forward declaration (see the module comment).
    fn member_type(&mut self, tt: &TypeTable, out: &mut DebugTypes, qt: QualType) -> DebugTypeId {
        if self.in_map {
            return self.get(tt, out, qt);
        }
        if let Type::Ptr(p) = tt.get(qt.id)
            && qt.quals.is_empty()
            && p.quals.is_empty()
            && let Type::Record(r) = tt.get(p.id)
        {
            if let Some(&(id, _)) = self.member_ptrs.get(&qt) {
                return id;
            }
            let r = *r;
            let def = tt.record(r);
            let fwd = match self.fwd.get(&r) {
                Some(&f) => f,
                None => {
                    let f = out.push(DebugType::Fwd {
                        name: def.name.clone().unwrap_or_default(),
                        union: def.is_union,
                    });
                    self.fwd.insert(r, f);
                    f
                }
            };
            let id = out.push(DebugType::Ptr(fwd));
            self.member_ptrs.insert(qt, (id, r));
            return id;
        }
        self.get(tt, out, qt)
    }

    /// The debug type of a BTF map definition (a global in `.maps`).
    pub fn get_map(&mut self, tt: &TypeTable, out: &mut DebugTypes, qt: QualType) -> DebugTypeId {
        self.in_map = true;
        let id = self.get(tt, out, qt);
        self.in_map = false;
        id
    }

    /// Points member pointers at the full struct/union where one was emitted.
    pub fn finish(&mut self, out: &mut DebugTypes) {
        for (id, r) in self.member_ptrs.values() {
            if let Some(&full) = self.full.get(r) {
                out[*id] = DebugType::Ptr(full);
            }
        }
    }

    /// A function's prototype with its parameter names (BTF FUNC_PROTO as clang emits
    /// it for a defined function).
    pub fn func_proto(
        &mut self,
        tt: &TypeTable,
        out: &mut DebugTypes,
        fn_ty: QualType,
        param_names: &[String],
    ) -> DebugTypeId {
        let Some(f) = tt.func_type(fn_ty).cloned() else {
            return self.get(tt, out, fn_ty);
        };
        let ret = self.get(tt, out, f.ret);
        let params = f
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| Param {
                name: param_names.get(i).cloned().unwrap_or_default(),
                ty: self.get(tt, out, *p),
            })
            .collect();
        out.push(DebugType::FuncProto {
            ret,
            params,
            variadic: f.variadic,
        })
    }
}

fn int_type(k: IntKind) -> DebugType {
    DebugType::Int {
        name: k.name().to_string(),
        size: u32::try_from(k.size()).unwrap_or(8),
        signed: k.is_signed(),
        is_char: matches!(k, IntKind::Char | IntKind::SChar | IntKind::UChar),
        is_bool: false,
    }
}
