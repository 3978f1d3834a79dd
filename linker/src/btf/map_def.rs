//! BTF-defined map definitions (the `struct { __uint(type, ...); ... } m SEC(".maps")`
//! convention of libbpf's `bpf_helpers.h`, `../shared/spec/maps.rst`), read from a map's
//! VAR and compared as the static linker compares two declarations of one map: by what
//! they define, not by the struct type that carries it, so an extern map declared
//! through a named struct matches an anonymous-struct definition with its fields in
//! another order.
//!
//! Reading follows libbpf's `parse_btf_map_def` in strict mode: each member is a known
//! attribute; `__uint(name, N)` is a pointer to an array of N elements; `__type(key, T)`
//! is a pointer to T, whose size gives `key_size` (likewise `value`); `values` (last)
//! is an array of pointers to the inner map's definition (map of maps) or to a function
//! prototype (program array); the map type must be given. Comparing follows libbpf's
//! `map_defs_match`: type, key size, key type (present on both or neither, and matching
//! in exact mode, see [`compat`](super::compat)), value size and type likewise,
//! `max_entries`, `map_flags`, `numa_node`, `pinning`, then the inner maps the same way.
//!
//! Invariant: reading never panics on malformed BTF; every error names the attribute.

use super::compat::{self, Types};
use super::{BtfType, TypeData};

/// `BPF_MAP_TYPE_*` names by number (`enum bpf_map_type`), for errors.
const MAP_TYPE_NAMES: [&str; 34] = [
    "UNSPEC",
    "HASH",
    "ARRAY",
    "PROG_ARRAY",
    "PERF_EVENT_ARRAY",
    "PERCPU_HASH",
    "PERCPU_ARRAY",
    "STACK_TRACE",
    "CGROUP_ARRAY",
    "LRU_HASH",
    "LRU_PERCPU_HASH",
    "LPM_TRIE",
    "ARRAY_OF_MAPS",
    "HASH_OF_MAPS",
    "DEVMAP",
    "SOCKMAP",
    "CPUMAP",
    "XSKMAP",
    "SOCKHASH",
    "CGROUP_STORAGE",
    "REUSEPORT_SOCKARRAY",
    "PERCPU_CGROUP_STORAGE",
    "QUEUE",
    "STACK",
    "SK_STORAGE",
    "DEVMAP_HASH",
    "STRUCT_OPS",
    "RINGBUF",
    "INODE_STORAGE",
    "TASK_STORAGE",
    "BLOOM_FILTER",
    "USER_RINGBUF",
    "CGRP_STORAGE",
    "ARENA",
];

const BPF_MAP_TYPE_PROG_ARRAY: u32 = 3;
const BPF_MAP_TYPE_ARRAY_OF_MAPS: u32 = 12;
const BPF_MAP_TYPE_HASH_OF_MAPS: u32 = 13;
/// `LIBBPF_PIN_NONE` and `LIBBPF_PIN_BY_NAME`, the pinning values libbpf accepts.
const PIN_NAMES: [&str; 2] = ["none", "by name"];
/// libbpf's `MAX_RESOLVE_DEPTH` for sizes.
const MAX_RESOLVE_DEPTH: usize = 32;

/// One map definition as libbpf reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapDef {
    pub map_type: u32,
    pub key_size: u32,
    /// The key's type (`__type(key, T)`), if given.
    pub key_type: Option<u32>,
    pub value_size: u32,
    pub value_type: Option<u32>,
    pub max_entries: u32,
    pub map_flags: u32,
    pub numa_node: u32,
    pub pinning: u32,
    /// The inner map of a map of maps (`__array(values, struct { ... })`).
    pub inner: Option<Box<MapDef>>,
}

/// `BPF_MAP_TYPE_*` name of `map_type` (its number if unknown).
pub fn map_type_name(map_type: u32) -> String {
    MAP_TYPE_NAMES
        .get(map_type as usize)
        .map_or_else(|| map_type.to_string(), |n| n.to_string())
}

/// The map definition behind the VAR `var` (a reason if it is not one).
pub fn parse(btf: &impl Types, var: u32) -> Result<MapDef, String> {
    let Some(TypeData::Var { type_id, .. }) = btf.get(var).map(|t| t.data) else {
        return Err(format!("{} is not a variable", compat::describe(btf, var)));
    };
    let def = btf.get(btf.skip_mods_and_typedefs(type_id));
    parse_def(btf, def.as_ref(), false)
}

/// The members of a STRUCT/UNION (none for other kinds).
fn members(t: Option<&BtfType>) -> &[super::Member] {
    match t.map(|t| &t.data) {
        Some(TypeData::Struct { members, .. } | TypeData::Union { members, .. }) => members,
        _ => &[],
    }
}

fn parse_def(btf: &impl Types, def: Option<&BtfType>, is_inner: bool) -> Result<MapDef, String> {
    let mut d = MapDef::default();
    let members = members(def);
    for (i, m) in members.iter().enumerate() {
        let name = btf.str_at(m.name_off).unwrap_or("");
        let int = || field_int(btf, name, m.type_id);
        match name {
            "type" => d.map_type = int()?,
            "max_entries" => d.max_entries = int()?,
            "map_flags" => d.map_flags = int()?,
            "numa_node" => d.numa_node = int()?,
            "map_extra" => {
                int()?;
            }
            "key_size" => d.key_size = set_size(d.key_size, int()?, "key")?,
            "value_size" => d.value_size = set_size(d.value_size, int()?, "value")?,
            "key" => {
                let (id, size) = pointee_size(btf, name, m.type_id)?;
                d.key_size = set_size(d.key_size, size, "key")?;
                d.key_type = Some(id);
            }
            "value" => {
                let (id, size) = pointee_size(btf, name, m.type_id)?;
                d.value_size = set_size(d.value_size, size, "value")?;
                d.value_type = Some(id);
            }
            "values" => {
                if is_inner {
                    return Err("an inner map cannot have inner maps".to_string());
                }
                if i + 1 != members.len() {
                    return Err("`values` must be the last field".to_string());
                }
                let in_map = matches!(
                    d.map_type,
                    BPF_MAP_TYPE_ARRAY_OF_MAPS | BPF_MAP_TYPE_HASH_OF_MAPS
                );
                if !in_map && d.map_type != BPF_MAP_TYPE_PROG_ARRAY {
                    return Err(
                        "`values` needs a map of maps or a program array (set `type` first)"
                            .to_string(),
                    );
                }
                d.value_size = set_size(d.value_size, 4, "value")?;
                let elem = match btf.get(m.type_id).map(|t| t.data) {
                    Some(TypeData::Array {
                        elem_type,
                        nelems: 0,
                        ..
                    }) => elem_type,
                    _ => return Err("`values` is not a zero-length array".to_string()),
                };
                let target = match btf.get(btf.skip_mods_and_typedefs(elem)).map(|t| t.data) {
                    Some(TypeData::Ptr { type_id }) => btf.skip_mods_and_typedefs(type_id),
                    _ => return Err("`values` is not an array of pointers".to_string()),
                };
                let target = btf.get(target);
                if !in_map {
                    if !matches!(
                        target.as_ref().map(|t| &t.data),
                        Some(TypeData::FuncProto { .. })
                    ) {
                        return Err(
                            "`values` of a program array must point to functions".to_string()
                        );
                    }
                    continue;
                }
                if !matches!(
                    target.as_ref().map(|t| &t.data),
                    Some(TypeData::Struct { .. })
                ) {
                    return Err("`values` of a map of maps must point to a struct".to_string());
                }
                let inner =
                    parse_def(btf, target.as_ref(), true).map_err(|e| format!("inner map: {e}"))?;
                d.inner = Some(Box::new(inner));
            }
            "pinning" => {
                if is_inner {
                    return Err("an inner map cannot be pinned".to_string());
                }
                let v = int()?;
                if v as usize >= PIN_NAMES.len() {
                    return Err(format!("invalid pinning value {v}"));
                }
                d.pinning = v;
            }
            other => return Err(format!("unknown field `{other}`")),
        }
    }
    if d.map_type == 0 {
        return Err("the map type is not given".to_string());
    }
    Ok(d)
}

/// A `__uint(name, N)` attribute: a pointer to an array of N elements.
fn field_int(btf: &impl Types, name: &str, type_id: u32) -> Result<u32, String> {
    let ptr = btf.get(btf.skip_mods_and_typedefs(type_id)).map(|t| t.data);
    let Some(TypeData::Ptr { type_id: arr }) = ptr else {
        return Err(format!("`{name}` is not a pointer to an array"));
    };
    match btf.get(arr).map(|t| t.data) {
        Some(TypeData::Array { nelems, .. }) => Ok(nelems),
        _ => Err(format!("`{name}` is not a pointer to an array")),
    }
}

/// A size set twice must agree (`key_size` and `key`, say).
fn set_size(old: u32, new: u32, what: &str) -> Result<u32, String> {
    if old != 0 && old != new {
        return Err(format!("conflicting {what} sizes {old} and {new}"));
    }
    Ok(new)
}

/// A `__type(name, T)` attribute: the pointee T and its size.
fn pointee_size(btf: &impl Types, name: &str, type_id: u32) -> Result<(u32, u32), String> {
    let Some(TypeData::Ptr { type_id: t }) = btf.get(type_id).map(|t| t.data) else {
        return Err(format!("`{name}` is not a pointer"));
    };
    let size = resolve_size(btf, t).ok_or_else(|| format!("the size of `{name}` is unknown"))?;
    Ok((t, size))
}

/// libbpf's `btf__resolve_size`: None for void, functions, forward declarations, chains
/// deeper than [`MAX_RESOLVE_DEPTH`] and sizes over `u32::MAX`.
fn resolve_size(btf: &impl Types, mut id: u32) -> Option<u32> {
    let mut nelems: u64 = 1;
    for _ in 0..MAX_RESOLVE_DEPTH {
        let t = btf.get(id)?;
        let size = match t.data {
            TypeData::Ptr { .. } => Some(8),
            _ => t.size(),
        };
        if let Some(size) = size {
            return u32::try_from(nelems.checked_mul(u64::from(size))?).ok();
        }
        id = match t.data {
            TypeData::Var { type_id, .. } | TypeData::DeclTag { type_id, .. } => type_id,
            TypeData::Array {
                elem_type,
                nelems: n,
                ..
            } => {
                nelems = nelems
                    .checked_mul(u64::from(n))
                    .filter(|&v| v <= u64::from(u32::MAX))?;
                elem_type
            }
            // Typedefs and modifiers; FWD, FUNC and FUNC_PROTO have no size.
            ref other => other.modified()?,
        };
    }
    None
}

/// `Ok` if `a` and `b` define the same map, else the first attribute that differs
/// (`map type differs: ARRAY vs HASH`, `max_entries 4 vs 8`).
pub fn compare(btf: &impl Types, a: &MapDef, b: &MapDef) -> Result<(), String> {
    if a.map_type != b.map_type {
        return Err(format!(
            "map type differs: {} vs {}",
            map_type_name(a.map_type),
            map_type_name(b.map_type)
        ));
    }
    let typed = |what: &str, (sa, ta): (u32, Option<u32>), (sb, tb): (u32, Option<u32>)| {
        if sa != sb {
            return Err(format!("{what}_size {sa} vs {sb}"));
        }
        match (ta, tb) {
            (Some(x), Some(y)) => {
                compat::compatible(btf, x, y).map_err(|e| format!("{what} type differs: {e}"))
            }
            (None, None) => Ok(()),
            (Some(_), None) => Err(format!(
                "{what} type given in the first, only {what}_size in the second"
            )),
            (None, Some(_)) => Err(format!(
                "{what} type given in the second, only {what}_size in the first"
            )),
        }
    };
    typed("key", (a.key_size, a.key_type), (b.key_size, b.key_type))?;
    typed(
        "value",
        (a.value_size, a.value_type),
        (b.value_size, b.value_type),
    )?;
    let numbers = [
        ("max_entries", a.max_entries, b.max_entries),
        ("map_flags", a.map_flags, b.map_flags),
        ("numa_node", a.numa_node, b.numa_node),
    ];
    for (what, x, y) in numbers {
        if x != y {
            return Err(if what == "map_flags" {
                format!("{what} {x:#x} vs {y:#x}")
            } else {
                format!("{what} {x} vs {y}")
            });
        }
    }
    if a.pinning != b.pinning {
        let pin = |p: u32| PIN_NAMES.get(p as usize).copied().unwrap_or("?");
        return Err(format!("pinning {} vs {}", pin(a.pinning), pin(b.pinning)));
    }
    match (&a.inner, &b.inner) {
        (Some(x), Some(y)) => compare(btf, x, y).map_err(|e| format!("inner map: {e}")),
        (None, None) => Ok(()),
        (Some(_), None) => Err("the first has an inner map, the second not".to_string()),
        (None, Some(_)) => Err("the second has an inner map, the first not".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{BTF_INT_SIGNED, Btf, Linkage, Member};

    /// Builds map definitions the way `bpf_helpers.h`'s macros do.
    struct Maps {
        b: Btf,
        u32_t: u32,
        u64_t: u32,
    }

    impl Maps {
        fn new() -> Self {
            let mut b = Btf::new();
            let u32_t = b.add_int("unsigned int", 4, 0);
            let u64_t = b.add_int("unsigned long long", 8, 0);
            b.add_int("int", 4, BTF_INT_SIGNED);
            Maps { b, u32_t, u64_t }
        }

        /// `__uint(name, n)`.
        fn uint(&mut self, n: u32) -> u32 {
            let idx = self.b.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
            let arr = self.b.add_type(BtfType::new(
                0,
                TypeData::Array {
                    elem_type: 3,
                    index_type: idx,
                    nelems: n,
                },
            ));
            self.b.add_ptr(arr)
        }

        /// A struct of (field, type) in order, `name` "" for anonymous.
        fn def(&mut self, name: &str, fields: &[(&str, u32)]) -> u32 {
            let members = fields
                .iter()
                .enumerate()
                .map(|(i, &(n, type_id))| Member {
                    name_off: self.b.add_string(n),
                    type_id,
                    bit_offset: 64 * i as u32,
                    bitfield_size: 0,
                })
                .collect();
            let name = self.b.add_string(name);
            let size = 8 * fields.len() as u32;
            self.b
                .add_type(BtfType::new(name, TypeData::Struct { size, members }))
        }

        /// The definition of a map VAR of struct type `def`.
        fn read(&mut self, def: u32) -> Result<MapDef, String> {
            let var = self.b.add_var("m", def, Linkage::Global);
            parse(&self.b, var)
        }

        /// An array map `struct { type; max_entries; key; value }` in the given order.
        fn array_map(&mut self, name: &str, map_type: u32, max: u32, rev: bool) -> u32 {
            let (t, m) = (self.uint(map_type), self.uint(max));
            let (k, v) = (self.b.add_ptr(self.u32_t), self.b.add_ptr(self.u64_t));
            let mut fields = vec![("type", t), ("max_entries", m), ("key", k), ("value", v)];
            if rev {
                fields.reverse();
            }
            let def = self.def(name, &fields);
            self.b.add_var("m", def, Linkage::Global)
        }
    }

    #[test]
    fn definitions_compare_by_contents_not_struct_identity() {
        let mut m = Maps::new();
        let anon = m.array_map("", 2, 4, false);
        let named = m.array_map("counters_map", 2, 4, true);
        let hash = m.array_map("", 1, 4, false);
        let bigger = m.array_map("other", 2, 8, false);
        let (a, n) = (parse(&m.b, anon).unwrap(), parse(&m.b, named).unwrap());
        assert_eq!((a.key_size, a.value_size, a.max_entries), (4, 8, 4));
        assert!(compare(&m.b, &a, &n).is_ok());
        let h = parse(&m.b, hash).unwrap();
        assert_eq!(
            compare(&m.b, &a, &h).unwrap_err(),
            "map type differs: ARRAY vs HASH"
        );
        let big = parse(&m.b, bigger).unwrap();
        assert_eq!(compare(&m.b, &a, &big).unwrap_err(), "max_entries 4 vs 8");
    }

    #[test]
    fn key_types_and_sizes_must_agree() {
        let mut m = Maps::new();
        let t = m.uint(2);
        let (ks, vs) = (m.uint(4), m.uint(8));
        let k = m.b.add_ptr(m.u64_t);
        let sized = m.def("", &[("type", t), ("key_size", ks), ("value_size", vs)]);
        let typed = m.array_map("", 2, 0, false);
        let wide_key = m.def("", &[("type", t), ("key", k), ("value_size", vs)]);
        let sized = m.read(sized).unwrap();
        let typed = parse(&m.b, typed).unwrap();
        let e = compare(&m.b, &sized, &typed).unwrap_err();
        assert!(e.starts_with("key type given in the second"), "{e}");
        let wide = m.read(wide_key).unwrap();
        assert_eq!(compare(&m.b, &sized, &wide).unwrap_err(), "key_size 4 vs 8");
        let conflicting = m.def("", &[("type", t), ("key_size", ks), ("key", k)]);
        let e = m.read(conflicting).unwrap_err();
        assert_eq!(e, "conflicting key sizes 4 and 8");
    }

    #[test]
    fn inner_maps_compare_recursively_and_bad_fields_are_named() {
        let mut m = Maps::new();
        let inner_of = |m: &mut Maps, max: u32| {
            let (t, n) = (m.uint(2), m.uint(max));
            let inner = m.def("", &[("type", t), ("max_entries", n)]);
            let p = m.b.add_ptr(inner);
            let idx = m.b.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
            let values = m.b.add_type(BtfType::new(
                0,
                TypeData::Array {
                    elem_type: p,
                    index_type: idx,
                    nelems: 0,
                },
            ));
            let t = m.uint(12);
            let outer = m.def("", &[("type", t), ("values", values)]);
            m.b.add_var("outer", outer, Linkage::Global)
        };
        let (a, b) = (inner_of(&mut m, 1), inner_of(&mut m, 2));
        let (a, b) = (parse(&m.b, a).unwrap(), parse(&m.b, b).unwrap());
        assert_eq!(a.value_size, 4);
        assert_eq!(
            compare(&m.b, &a, &b).unwrap_err(),
            "inner map: max_entries 1 vs 2"
        );
        let t = m.uint(2);
        let odd = m.def("", &[("type", t), ("colour", t)]);
        let e = m.read(odd).unwrap_err();
        assert_eq!(e, "unknown field `colour`");
        let untyped = m.def("", &[]);
        let e = m.read(untyped).unwrap_err();
        assert_eq!(e, "the map type is not given");
    }
}
