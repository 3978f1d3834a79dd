//! BTF (`.BTF`) from the IR's debug type table: one BTF type per debug type (in table
//! order, so ids are known before the types that refer to them are added — BTF allows
//! forward references), then FUNC per function, VAR per global and one DATASEC per data
//! section.
//!
//! Spec: btf.rst "Type encoding" (INT encodings, STRUCT member offsets with kind_flag
//! for bitfields, ARRAY index type, FUNC linkage 0 static / 1 global, VAR linkage
//! 0 static / 1 global-allocated / 2 extern, DATASEC entries sorted by offset).
//! Like clang: DATASEC size 0 (libbpf fills it in from the ELF section), sections in
//! name order, `char` is a SIGNED 1-byte INT, array index type `__ARRAY_SIZE_TYPE__`.

use std::collections::BTreeMap;

use cranelift_entity::EntityRef;
use ir::DebugType;
use ir::debuginfo::DebugTypes;
use linker::btf::{
    BTF_INT_BOOL, BTF_INT_SIGNED, Btf, BtfType, EnumValue, Linkage, Member, Param, TypeData,
    VarSecInfo,
};

/// BTF built for a module, with the ids codegen needs later.
#[derive(Debug)]
pub struct ModuleBtf {
    pub btf: Btf,
    /// FUNC type id per function (module order); 0 when the function has no prototype.
    pub func_ids: Vec<u32>,
    /// BTF id of each debug type (0 for void), by `DebugTypeId` index.
    pub type_ids: Vec<u32>,
}

/// A global's place in its section, for DATASEC.
#[derive(Clone, Debug)]
pub struct PlacedVar {
    pub name: String,
    pub section: String,
    pub offset: u32,
    pub size: u32,
    pub linkage: ir::Linkage,
    pub debug_type: Option<ir::DebugTypeId>,
}

struct Builder<'a> {
    types: &'a DebugTypes,
    btf: Btf,
    /// BTF id of each debug type (0 for void).
    ids: Vec<u32>,
    index_type: Option<u32>,
}

/// Builds the BTF for `m`; `vars` are the globals with their section offsets.
pub fn build(m: &ir::Module, vars: &[PlacedVar]) -> ModuleBtf {
    let mut b = Builder {
        types: &m.debug_types,
        btf: Btf::new(),
        ids: Vec::new(),
        index_type: None,
    };
    b.assign_ids();
    b.add_types();
    let mut func_ids = Vec::new();
    let has_proto = |f: &ir::Function| {
        f.debug_type
            .is_some_and(|t| matches!(m.debug_types.get(t), Some(DebugType::FuncProto { .. })))
    };
    // The kernel wants func_info for every function or for none: when some have a
    // prototype, the others get one made from their IR signature.
    let any_proto = m.functions.iter().any(has_proto);
    let mut ints: BTreeMap<u32, u32> = BTreeMap::new();
    for f in &m.functions {
        let linkage = match f.linkage {
            ir::Linkage::Local => Linkage::Static,
            _ => Linkage::Global,
        };
        let id = match f.debug_type {
            Some(t) if has_proto(f) => {
                let proto = b.id(t);
                b.btf.add_func(&f.name, proto, linkage)
            }
            _ if any_proto => {
                let mut int = |b: &mut Builder<'_>, bytes: u32| -> u32 {
                    *ints.entry(bytes).or_insert_with(|| {
                        let name = match bytes {
                            1 => "unsigned char",
                            2 => "unsigned short",
                            4 => "unsigned int",
                            _ => "unsigned long",
                        };
                        b.btf.add_int(name, bytes, 0)
                    })
                };
                let ret_type = match f.sig.ret {
                    Some(t) => int(&mut b, t.bytes()),
                    None => 0,
                };
                let params: Vec<Param> = f
                    .sig
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let type_id = int(&mut b, t.bytes());
                        Param {
                            name_off: b.btf.add_string(&format!("arg{i}")),
                            type_id,
                        }
                    })
                    .collect();
                let proto = b
                    .btf
                    .add_type(BtfType::new(0, TypeData::FuncProto { ret_type, params }));
                b.btf.add_func(&f.name, proto, linkage)
            }
            _ => 0,
        };
        func_ids.push(id);
    }
    // VARs in global order, then DATASECs by section name.
    let mut secs: BTreeMap<&str, Vec<VarSecInfo>> = BTreeMap::new();
    let mut ext_secs: BTreeMap<String, Vec<VarSecInfo>> = BTreeMap::new();
    for v in vars {
        // Like clang (BTFDebug::processGlobals), a private constant (`.L` name, no
        // symbol) placed in `.rodata` itself, not in a mergeable `.rodata.*` section,
        // gives `.rodata` a DATASEC, empty when no variable with a type lives there.
        if v.debug_type.is_none() && v.name.starts_with(".L") && v.section == ".rodata" {
            secs.entry(v.section.as_str()).or_default();
        }
        let Some(t) = v.debug_type else { continue };
        let linkage = match v.linkage {
            ir::Linkage::Local => Linkage::Static,
            _ => Linkage::Global,
        };
        let ty = b.id(t);
        let var = b.btf.add_var(&v.name, ty, linkage);
        secs.entry(v.section.as_str())
            .or_default()
            .push(VarSecInfo {
                type_id: var,
                offset: v.offset,
                size: v.size,
            });
    }
    // Externs: kfuncs as FUNC (extern) in `.ksyms`, extern variables as VAR (extern) in
    // their section (`.ksyms` for `__ksym`, `.kconfig`...), as libbpf expects them.
    for x in &m.externs {
        let Some(t) = x.debug_type else { continue };
        // Like clang, only externs the code refers to: libbpf looks every DATASEC entry
        // up in the ELF symbol table, and an unreferenced extern has no symbol.
        let used = m.functions.iter().any(|f| {
            f.func_refs.values().any(|n| *n == x.name)
                || f.global_refs.values().any(|n| *n == x.name)
        });
        if !used {
            continue;
        }
        let (sec, entry, size) = match x.kind {
            ir::ExternKind::Kfunc | ir::ExternKind::Func => {
                if !matches!(m.debug_types.get(t), Some(DebugType::FuncProto { .. })) {
                    continue;
                }
                let proto = b.id(t);
                let id = b.btf.add_func(&x.name, proto, Linkage::Extern);
                if x.kind == ir::ExternKind::Func {
                    continue;
                }
                (".ksyms".to_string(), id, 0)
            }
            ir::ExternKind::Ksym | ir::ExternKind::Var => {
                let ty = b.id(t);
                let size = type_size(&m.debug_types, t, 0);
                let id = b.btf.add_var(&x.name, ty, Linkage::Extern);
                let sec = if x.section.is_empty() {
                    if x.kind == ir::ExternKind::Ksym {
                        ".ksyms".to_string()
                    } else {
                        continue;
                    }
                } else {
                    x.section.clone()
                };
                (sec, id, size)
            }
        };
        // Extern entries sit at offset 0; libbpf assigns their real place.
        ext_secs.entry(sec).or_default().push(VarSecInfo {
            type_id: entry,
            offset: 0,
            size,
        });
    }
    let mut all: BTreeMap<String, Vec<VarSecInfo>> =
        secs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    for (k, v) in ext_secs {
        all.entry(k).or_default().extend(v);
    }
    for (name, mut list) in all {
        list.sort_by_key(|e| e.offset);
        let name_off = b.btf.add_string(&name);
        b.btf.add_type(BtfType::new(
            name_off,
            TypeData::Datasec {
                size: 0,
                vars: list,
            },
        ));
    }
    ModuleBtf {
        btf: b.btf,
        func_ids,
        type_ids: b.ids,
    }
}

impl Builder<'_> {
    fn assign_ids(&mut self) {
        let mut next = 1u32;
        for (_, t) in self.types.iter() {
            if matches!(t, DebugType::Void) {
                self.ids.push(0);
            } else {
                self.ids.push(next);
                next += 1;
            }
        }
    }

    fn id(&self, t: ir::DebugTypeId) -> u32 {
        self.ids.get(t.index()).copied().unwrap_or(0)
    }

    /// The INT used as ARRAY index type, made once (after the table's types).
    fn index_type(&mut self) -> u32 {
        if let Some(id) = self.index_type {
            return id;
        }
        // Its id is one past the table: reserved now, added after the table.
        let id = self.ids.iter().copied().max().unwrap_or(0) + 1;
        self.index_type = Some(id);
        id
    }

    fn add_types(&mut self) {
        let types = self.types;
        for (_, t) in types.iter() {
            let ty = match t {
                DebugType::Void => continue,
                DebugType::Int {
                    name,
                    size,
                    signed,
                    is_char,
                    is_bool,
                } => {
                    // clang: plain `char` (signed on BPF) is SIGNED, `unsigned char` has no
                    // encoding; BTF_INT_CHAR is never used.
                    let _ = is_char;
                    let encoding = if *is_bool {
                        BTF_INT_BOOL
                    } else if *signed {
                        BTF_INT_SIGNED
                    } else {
                        0
                    };
                    let name_off = self.btf.add_string(name);
                    BtfType::new(
                        name_off,
                        TypeData::Int {
                            size: *size,
                            encoding,
                            offset: 0,
                            bits: (size * 8).min(128) as u8,
                        },
                    )
                }
                DebugType::Float { name, size } => {
                    let name_off = self.btf.add_string(name);
                    BtfType::new(name_off, TypeData::Float { size: *size })
                }
                DebugType::Ptr(p) => BtfType::new(
                    0,
                    TypeData::Ptr {
                        type_id: self.id(*p),
                    },
                ),
                DebugType::Array { elem, len } => {
                    let index_type = self.index_type();
                    BtfType::new(
                        0,
                        TypeData::Array {
                            elem_type: self.id(*elem),
                            index_type,
                            nelems: *len,
                        },
                    )
                }
                DebugType::Struct {
                    name,
                    size,
                    members,
                }
                | DebugType::Union {
                    name,
                    size,
                    members,
                } => {
                    let bitfields = members.iter().any(|mb| mb.bitfield_size != 0);
                    let ms: Vec<Member> = members
                        .iter()
                        .map(|mb| Member {
                            name_off: self.btf.add_string(&mb.name),
                            type_id: self.id(mb.ty),
                            bit_offset: mb.bit_offset,
                            bitfield_size: mb.bitfield_size.min(255) as u8,
                        })
                        .collect();
                    let name_off = self.btf.add_string(name);
                    let data = if matches!(t, DebugType::Struct { .. }) {
                        TypeData::Struct {
                            size: *size,
                            members: ms,
                        }
                    } else {
                        TypeData::Union {
                            size: *size,
                            members: ms,
                        }
                    };
                    BtfType::new(name_off, data).with_kind_flag(bitfields)
                }
                DebugType::Enum {
                    name,
                    size,
                    signed,
                    values,
                } => {
                    // As LLVM: ENUM64 when the underlying type is wider than 32 bits; a
                    // declared-only enum (no values) is always a plain ENUM.
                    let wide = *size > 4 && !values.is_empty();
                    let vals: Vec<EnumValue> = values
                        .iter()
                        .map(|(n, v)| EnumValue {
                            name_off: self.btf.add_string(n),
                            val: if wide {
                                *v as u64
                            } else {
                                u64::from(*v as u32)
                            },
                        })
                        .collect();
                    let name_off = self.btf.add_string(name);
                    let data = if wide {
                        TypeData::Enum64 {
                            size: *size,
                            values: vals,
                        }
                    } else {
                        TypeData::Enum {
                            size: *size,
                            values: vals,
                        }
                    };
                    BtfType::new(name_off, data).with_kind_flag(*signed)
                }
                DebugType::Typedef { name, ty } => {
                    let name_off = self.btf.add_string(name);
                    BtfType::new(
                        name_off,
                        TypeData::Typedef {
                            type_id: self.id(*ty),
                        },
                    )
                }
                DebugType::Const(x) => BtfType::new(
                    0,
                    TypeData::Const {
                        type_id: self.id(*x),
                    },
                ),
                DebugType::Volatile(x) => BtfType::new(
                    0,
                    TypeData::Volatile {
                        type_id: self.id(*x),
                    },
                ),
                DebugType::Restrict(x) => BtfType::new(
                    0,
                    TypeData::Restrict {
                        type_id: self.id(*x),
                    },
                ),
                DebugType::FuncProto {
                    ret,
                    params,
                    variadic,
                } => {
                    let mut ps: Vec<Param> = params
                        .iter()
                        .map(|p| Param {
                            name_off: self.btf.add_string(&p.name),
                            type_id: self.id(p.ty),
                        })
                        .collect();
                    if *variadic {
                        ps.push(Param {
                            name_off: 0,
                            type_id: 0,
                        });
                    }
                    BtfType::new(
                        0,
                        TypeData::FuncProto {
                            ret_type: self.id(*ret),
                            params: ps,
                        },
                    )
                }
                DebugType::Fwd { name, union } => {
                    let name_off = self.btf.add_string(name);
                    BtfType::new(name_off, TypeData::Fwd).with_kind_flag(*union)
                }
            };
            self.btf.add_type(ty);
        }
        if self.index_type.is_some() {
            self.btf.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
        }
    }
}

/// The size in bytes of a debug type (0 for void, functions and forward declarations).
pub fn type_size(types: &DebugTypes, t: ir::DebugTypeId, depth: u32) -> u32 {
    if depth > 64 {
        return 0;
    }
    match types.get(t) {
        Some(DebugType::Int { size, .. })
        | Some(DebugType::Float { size, .. })
        | Some(DebugType::Struct { size, .. })
        | Some(DebugType::Union { size, .. })
        | Some(DebugType::Enum { size, .. }) => *size,
        Some(DebugType::Ptr(_)) => 8,
        Some(DebugType::Array { elem, len }) => {
            type_size(types, *elem, depth + 1).saturating_mul(*len)
        }
        Some(DebugType::Typedef { ty, .. })
        | Some(DebugType::Const(ty))
        | Some(DebugType::Volatile(ty))
        | Some(DebugType::Restrict(ty)) => type_size(types, *ty, depth + 1),
        _ => 0,
    }
}
