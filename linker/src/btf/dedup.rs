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

use super::fxhash::FxHashMap;
use super::{Btf, BtfType, Kind, TypeData};
use std::collections::HashMap;

/// What `dedup` did, for `--verbose`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DedupStats {
    pub types_before: usize,
    pub types_after: usize,
    pub fwds_resolved: usize,
}

/// Appends a type's local facts (everything but referenced ids) to `out` as words.
/// Names are canonical string offsets (`canon`), so equal strings give equal words; VAR
/// and DATASEC get their own id so they never merge.
fn label_words(id: u32, t: &BtfType, canon: &dyn Fn(u32) -> u32, out: &mut Vec<u64>) {
    out.push(((t.kind() as u64) << 1) | u64::from(t.kind_flag));
    out.push(u64::from(canon(t.name_off)));
    match &t.data {
        TypeData::Var { .. } | TypeData::Datasec { .. } => out.push(u64::from(id)),
        TypeData::Int {
            size,
            encoding,
            offset,
            bits,
        } => out.push(
            u64::from(*size)
                | (u64::from(*encoding) << 32)
                | (u64::from(*offset) << 40)
                | (u64::from(*bits) << 48),
        ),
        TypeData::Array { nelems, .. } => out.push(u64::from(*nelems)),
        TypeData::Struct { size, members } | TypeData::Union { size, members } => {
            out.push(u64::from(*size));
            for m in members {
                out.push(u64::from(canon(m.name_off)) | (u64::from(m.bitfield_size) << 32));
                out.push(u64::from(m.bit_offset));
            }
        }
        TypeData::Enum { size, values } | TypeData::Enum64 { size, values } => {
            out.push(u64::from(*size));
            for v in values {
                out.push(u64::from(canon(v.name_off)));
                out.push(v.val);
            }
        }
        TypeData::Func { linkage, .. } => out.push(*linkage as u64),
        TypeData::FuncProto { params, .. } => {
            out.extend(params.iter().map(|p| u64::from(canon(p.name_off))))
        }
        TypeData::Float { size } => out.push(u64::from(*size)),
        TypeData::DeclTag { component_idx, .. } => out.push(u64::from(*component_idx as u32)),
        TypeData::Ptr { .. }
        | TypeData::Fwd
        | TypeData::Typedef { .. }
        | TypeData::Volatile { .. }
        | TypeData::Const { .. }
        | TypeData::Restrict { .. }
        | TypeData::TypeTag { .. } => {}
    }
}

/// Interns slices of an arena: gives equal slices equal dense numbers (in order of first
/// appearance), without allocating per element.
fn intern<T: std::hash::Hash + Eq>(arena: &[T], starts: &[usize]) -> Vec<u32> {
    let mut map: FxHashMap<&[T], u32> = FxHashMap::default();
    map.reserve(starts.len());
    let mut out = Vec::with_capacity(starts.len().saturating_sub(1));
    for w in starts.windows(2) {
        let next = map.len() as u32;
        out.push(*map.entry(&arena[w[0]..w[1]]).or_insert(next));
    }
    out
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
    // Canonical string offsets: the first offset holding each distinct string.
    let mut first_off: FxHashMap<&[u8], u32> = FxHashMap::default();
    let mut canon_off: FxHashMap<u32, u32> = FxHashMap::default();
    // (Not needed when the table is interned: then offsets already compare as strings.)
    for (_, t) in btf.types().filter(|_| !btf.strings_interned()) {
        t.for_each_string(|off| {
            canon_off
                .entry(off)
                .or_insert_with(|| *first_off.entry(btf.str_bytes(off)).or_insert(off));
        });
    }
    let canon = |off: u32| canon_off.get(&off).copied().unwrap_or(off);
    // Initial classes from local facts; void (id 0) gets an empty label of its own.
    let mut words: Vec<u64> = Vec::with_capacity(n * 6);
    let mut starts = Vec::with_capacity(n + 2);
    starts.push(0);
    words.push(u64::MAX);
    starts.push(words.len());
    for (id, t) in btf.types() {
        label_words(id, t, &canon, &mut words);
        starts.push(words.len());
    }
    let base_class = intern(&words, &starts);
    // Edges in one arena: `edges[edge_starts[id]..edge_starts[id + 1]]`.
    let mut edges: Vec<u32> = Vec::with_capacity(n * 3);
    let mut edge_starts = Vec::with_capacity(n + 2);
    edge_starts.push(0);
    edge_starts.push(0);
    for (_, t) in btf.types() {
        t.for_each_ref(|r| edges.push(r));
        edge_starts.push(edges.len());
    }
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
        class = refine(&base_class, &edges, &edge_starts, &redirect, &resolve);
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
    // Classes are dense numbers below n + 1; u32::MAX marks "no survivor yet".
    let mut canon_of_class = vec![u32::MAX; n + 1];
    for id in 1..=n as u32 {
        if drop.get(id as usize).copied().unwrap_or(false) || resolve(&redirect, id) != id {
            continue;
        }
        if let Some(c) = canon_of_class.get_mut(class[id as usize] as usize) {
            if *c == u32::MAX {
                *c = id;
            }
        }
    }
    let canon_of = |c: u32| {
        canon_of_class
            .get(c as usize)
            .copied()
            .filter(|&x| x != u32::MAX)
    };
    let mut new_id = vec![0u32; n + 1];
    let mut next = 0u32;
    for id in 1..=n as u32 {
        if canon_of(class[id as usize]) == Some(id) {
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
        map[id as usize] = canon_of(class[target as usize])
            .map(|c| new_id[c as usize])
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
/// Each round gives every type the signature (its class, its edges' classes) and
/// renumbers by signature; it stops when the number of classes stops growing.
fn refine(
    base: &[u32],
    edges: &[u32],
    edge_starts: &[usize],
    redirect: &[u32],
    resolve: &dyn Fn(&[u32], u32) -> u32,
) -> Vec<u32> {
    let n = base.len();
    let targets: Vec<u32> = edges.iter().map(|&r| resolve(redirect, r)).collect();
    let mut class = base.to_vec();
    let mut count = class.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut sig: Vec<u32> = Vec::with_capacity(n + edges.len());
    let mut sig_starts: Vec<usize> = Vec::with_capacity(n + 1);
    loop {
        sig.clear();
        sig_starts.clear();
        sig_starts.push(0);
        for id in 0..n {
            sig.push(class[id]);
            let (s, e) = (
                edge_starts.get(id).copied().unwrap_or(0),
                edge_starts.get(id + 1).copied().unwrap_or(0),
            );
            sig.extend(
                targets[s..e]
                    .iter()
                    .map(|&r| class.get(r as usize).copied().unwrap_or(0)),
            );
            sig_starts.push(sig.len());
        }
        let next = intern(&sig, &sig_starts);
        let new_count = next.iter().copied().max().map_or(0, |m| m as usize + 1);
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
