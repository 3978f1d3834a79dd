//! BTF deduplication, with the result `btf__dedup` gives: structurally equal types
//! collapse into the first of them, forward declarations resolve to the one full
//! STRUCT/UNION of that name, VAR and DATASEC stay unique, strings are rebuilt.
//!
//! Method: types form a graph (edges = referenced type ids); two types are equal when
//! they carry the same local facts (kind, name, sizes, member names and offsets, enum
//! values, ...) and their referenced types are pairwise equal. The coarsest such
//! equivalence (a bisimulation, which handles reference cycles through pointers) is found
//! by partition refinement: start from classes of equal local facts, split classes by
//! the classes of their edges until nothing splits. Then every FWD whose name matches
//! exactly one class of full STRUCT/UNION definitions of the same kind is redirected to
//! it and the refinement runs again, until no more FWD resolves.
//!
//! Invariants: the canonical member of a class is its lowest id, and surviving types keep
//! their relative order, so the output is deterministic and ordered like the input;
//! type id 0 (void) maps to 0. Input string offsets must be valid (as `Btf::parse` and
//! the builder guarantee).

use super::{Btf, BtfType, Kind, TypeData};
use std::collections::HashMap;

/// What `dedup` did, for `--verbose`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DedupStats {
    pub types_before: usize,
    pub types_after: usize,
    pub fwds_resolved: usize,
}

/// Local facts of a type (everything but the referenced ids), with names as strings so
/// that equal names at different offsets compare equal.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Label<'a> {
    /// VAR and DATASEC are never merged: the id makes them unique.
    Unique(u32),
    Shape {
        kind: Kind,
        kind_flag: bool,
        name: &'a str,
        nums: Vec<u64>,
        names: Vec<&'a str>,
    },
}

fn label<'a>(btf: &'a Btf, id: u32, t: &BtfType) -> Label<'a> {
    let s = |off: u32| btf.str_at(off).unwrap_or("");
    let mut nums = Vec::new();
    let mut names = Vec::new();
    match &t.data {
        TypeData::Var { .. } | TypeData::Datasec { .. } => return Label::Unique(id),
        TypeData::Int {
            size,
            encoding,
            offset,
            bits,
        } => nums.extend([
            u64::from(*size),
            u64::from(*encoding),
            u64::from(*offset),
            u64::from(*bits),
        ]),
        TypeData::Array { nelems, .. } => nums.push(u64::from(*nelems)),
        TypeData::Struct { size, members } | TypeData::Union { size, members } => {
            nums.push(u64::from(*size));
            for m in members {
                nums.push(u64::from(m.bit_offset));
                nums.push(u64::from(m.bitfield_size));
                names.push(s(m.name_off));
            }
        }
        TypeData::Enum { size, values } | TypeData::Enum64 { size, values } => {
            nums.push(u64::from(*size));
            for v in values {
                nums.push(v.val);
                names.push(s(v.name_off));
            }
        }
        TypeData::Func { linkage, .. } => nums.push(*linkage as u64),
        TypeData::FuncProto { params, .. } => {
            for p in params {
                names.push(s(p.name_off));
            }
        }
        TypeData::Float { size } => nums.push(u64::from(*size)),
        TypeData::DeclTag { component_idx, .. } => nums.push(*component_idx as u32 as u64),
        TypeData::Ptr { .. }
        | TypeData::Fwd
        | TypeData::Typedef { .. }
        | TypeData::Volatile { .. }
        | TypeData::Const { .. }
        | TypeData::Restrict { .. }
        | TypeData::TypeTag { .. } => {}
    }
    Label::Shape {
        kind: t.kind(),
        kind_flag: t.kind_flag,
        name: s(t.name_off),
        nums,
        names,
    }
}

/// Deduplicates `btf` in place. `alias` pre-merges types (`alias[id] = Some(target)`:
/// `id` disappears and its references go to `target`); `drop` removes types nothing may
/// refer to (e.g. DATASECs that the caller rebuilds). Returns the map from every old id
/// (index) to its new id (0 for dropped types and void) and statistics.
pub fn dedup(btf: &mut Btf, alias: &[Option<u32>], drop: &[bool]) -> (Vec<u32>, DedupStats) {
    let n = btf.len();
    let types_before = n;
    // `redirect[id]`: where references to `id` go before comparing (aliases, then FWDs).
    let mut redirect: Vec<u32> = (0..=n as u32).collect();
    for (id, a) in alias.iter().enumerate().take(n + 1) {
        if let Some(t) = a {
            redirect[id] = *t;
        }
    }
    let resolve = |redirect: &[u32], mut id: u32| {
        for _ in 0..8 {
            let next = redirect.get(id as usize).copied().unwrap_or(id);
            if next == id {
                break;
            }
            id = next;
        }
        id
    };
    // Initial classes from local facts; class 0 is void.
    let mut label_class: HashMap<Label<'_>, u32> = HashMap::new();
    let mut base_class = vec![0u32; n + 1];
    for (id, t) in btf.types() {
        let next = label_class.len() as u32 + 1;
        base_class[id as usize] = *label_class.entry(label(btf, id, t)).or_insert(next);
    }
    let refs: Vec<Vec<u32>> = std::iter::once(Vec::new())
        .chain(btf.types().map(|(_, t)| {
            let mut v = Vec::new();
            t.for_each_ref(|r| v.push(r));
            v
        }))
        .collect();
    // FWD resolution, optimistic: each FWD first points at the first full definition of
    // its name and kind; a name whose definitions then still fall into several classes
    // is ambiguous and its FWDs are restored, until nothing changes.
    let mut defs: HashMap<(&str, bool), Vec<u32>> = HashMap::new();
    for (id, t) in btf.types() {
        let is_union = match t.kind() {
            Kind::Struct => false,
            Kind::Union => true,
            _ => continue,
        };
        let name = btf.str_at(t.name_off).unwrap_or("");
        if !name.is_empty() && resolve(&redirect, id) == id {
            defs.entry((name, is_union)).or_default().push(id);
        }
    }
    let mut fwds: Vec<(u32, (&str, bool))> = Vec::new();
    for (id, t) in btf.types() {
        if t.kind() != Kind::Fwd || redirect[id as usize] != id {
            continue;
        }
        let key = (btf.str_at(t.name_off).unwrap_or(""), t.kind_flag);
        if let Some(d) = defs.get(&key) {
            redirect[id as usize] = d[0];
            fwds.push((id, key));
        }
    }
    let mut class;
    loop {
        class = refine(&base_class, &refs, &redirect, &resolve);
        let mut changed = false;
        for (id, key) in &fwds {
            if redirect[*id as usize] == *id {
                continue;
            }
            let Some(d) = defs.get(key) else {
                continue;
            };
            let c0 = class[d[0] as usize];
            if d.iter().any(|&x| class[x as usize] != c0) {
                redirect[*id as usize] = *id;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let fwds_resolved = fwds
        .iter()
        .filter(|(id, _)| redirect[*id as usize] != *id)
        .count();
    // Canonical = lowest id of each class; survivors keep their order.
    let mut canon_of_class: HashMap<u32, u32> = HashMap::new();
    for id in 1..=n as u32 {
        if drop.get(id as usize).copied().unwrap_or(false) || resolve(&redirect, id) != id {
            continue;
        }
        canon_of_class.entry(class[id as usize]).or_insert(id);
    }
    let mut new_id = vec![0u32; n + 1];
    let mut next = 0u32;
    for id in 1..=n as u32 {
        if canon_of_class.get(&class[id as usize]) == Some(&id) {
            next += 1;
            new_id[id as usize] = next;
        }
    }
    let mut map = vec![0u32; n + 1];
    for id in 1..=n as u32 {
        if drop.get(id as usize).copied().unwrap_or(false) {
            continue;
        }
        let target = resolve(&redirect, id);
        map[id as usize] = canon_of_class
            .get(&class[target as usize])
            .map(|&c| new_id[c as usize])
            .unwrap_or(0);
    }
    let old = btf.take_types();
    let mut kept = Vec::with_capacity(next as usize);
    for (i, mut t) in old.into_iter().enumerate() {
        if new_id[i + 1] != 0 {
            t.map_refs(|r| map.get(r as usize).copied().unwrap_or(0));
            kept.push(t);
        }
    }
    btf.set_types(kept);
    let stats = DedupStats {
        types_before,
        types_after: btf.len(),
        fwds_resolved,
    };
    (map, stats)
}

/// Partition refinement to the coarsest stable partition: returns each id's class.
fn refine(
    base: &[u32],
    refs: &[Vec<u32>],
    redirect: &[u32],
    resolve: &dyn Fn(&[u32], u32) -> u32,
) -> Vec<u32> {
    let n = base.len();
    // Edges after redirection, computed once.
    let edges: Vec<Vec<u32>> = refs
        .iter()
        .map(|rs| rs.iter().map(|&r| resolve(redirect, r)).collect())
        .collect();
    let mut class = base.to_vec();
    let mut count = {
        let mut c: Vec<u32> = class.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    loop {
        let mut sigs: HashMap<Vec<u32>, u32> = HashMap::with_capacity(count * 2);
        let mut next = vec![0u32; n];
        for id in 0..n {
            let mut sig = Vec::with_capacity(edges[id].len() + 1);
            sig.push(class[id]);
            sig.extend(
                edges[id]
                    .iter()
                    .map(|&r| class.get(r as usize).copied().unwrap_or(0)),
            );
            let len = sigs.len() as u32;
            next[id] = *sigs.entry(sig).or_insert(len);
        }
        let new_count = sigs.len();
        class = next;
        if new_count == count {
            return class;
        }
        count = new_count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{BTF_INT_SIGNED, Linkage, Member};

    /// Two copies of `struct node { int v; struct node *next; }` (a cycle), one of them
    /// behind a FWD, plus a VAR of each.
    #[test]
    fn collapses_cycles_and_resolves_fwds_but_keeps_vars() {
        let mut b = Btf::new();
        for with_fwd in [false, true] {
            let int = b.add_int("int", 4, BTF_INT_SIGNED);
            let node = b.add_string("node");
            let v = b.add_string("v");
            let next = b.add_string("next");
            let base = b.len() as u32;
            // base+1: struct node, base+2: ptr -> (node or fwd), base+3: fwd
            let st = b.add_type(BtfType::new(
                node,
                TypeData::Struct {
                    size: 16,
                    members: vec![
                        Member {
                            name_off: v,
                            type_id: int,
                            bit_offset: 0,
                            bitfield_size: 0,
                        },
                        Member {
                            name_off: next,
                            type_id: base + 2,
                            bit_offset: 64,
                            bitfield_size: 0,
                        },
                    ],
                },
            ));
            b.add_ptr(if with_fwd { base + 3 } else { st });
            b.add_type(BtfType::new(node, TypeData::Fwd));
            b.add_var("x", st, Linkage::Global);
        }
        assert_eq!(b.len(), 10);
        let (map, stats) = dedup(&mut b, &[], &[]);
        // int, struct, ptr, var x, var x
        assert_eq!(stats.types_after, 5, "{}", crate::btf::dump::dump(&b));
        assert_eq!(stats.fwds_resolved, 2);
        assert_eq!(map[6], map[1]);
        assert_eq!(map[7], map[2]);
        assert_ne!(map[5], map[10]);
        assert_eq!(map[9], map[2], "FWD maps to the struct");
    }

    #[test]
    fn ambiguous_fwd_stays() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let s = b.add_string("s");
        let a = b.add_string("a");
        for size in [4, 8] {
            b.add_type(BtfType::new(
                s,
                TypeData::Struct {
                    size,
                    members: vec![Member {
                        name_off: a,
                        type_id: int,
                        bit_offset: 0,
                        bitfield_size: 0,
                    }],
                },
            ));
        }
        b.add_type(BtfType::new(s, TypeData::Fwd));
        let (_, stats) = dedup(&mut b, &[], &[]);
        assert_eq!(stats.types_after, 4);
        assert_eq!(stats.fwds_resolved, 0);
    }
}
