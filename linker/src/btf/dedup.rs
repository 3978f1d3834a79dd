//! BTF deduplication, with the result `btf__dedup` gives: structurally equal types
//! collapse into the first of them, forward declarations resolve to a full STRUCT/UNION
//! where a struct comparison needs it, VAR and DATASEC stay unique.
//!
//! Method: types form a graph (edges = referenced type ids); two types are equal when
//! they carry the same local facts (kind, name, sizes, member names and offsets, enum
//! values, ...) and their referenced types are pairwise equal. The coarsest such
//! equivalence (a bisimulation, which handles reference cycles through pointers) is found
//! by partition refinement: start from classes of equal local facts, split classes by
//! the classes of their edges until nothing splits. A FWD is read as a full definition
//! of its name only where that makes two STRUCT/UNIONs equal (libbpf 1.1, which bpftool
//! here uses, resolves FWDs only inside such struct comparisons): each candidate is
//! tried with one more refinement and kept if STRUCT/UNION classes merge.
//!
//! Invariants: the canonical member of a class is its lowest id, and surviving types keep
//! their relative order, so the output is deterministic and ordered like the input;
//! type id 0 (void) maps to 0. Input string offsets must be valid (as `Btf::parse` and
//! the builder guarantee).

use super::flat::{FlatTypes, Slot, layout};
use super::{Btf, BtfType, Kind, TypeData};
use diag::fasthash::FastMap;

mod hashcons;

/// What `dedup` did, for `--verbose`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DedupStats {
    pub types_before: usize,
    pub types_after: usize,
    pub fwds_resolved: usize,
}

/// Feeds a type's local facts (everything but referenced ids) to `out` as words. Names
/// must be interned (equal strings at equal offsets); VAR and DATASEC get their own id
/// so they never merge.
#[inline]
fn label_words(t: &FlatTypes, id: u32, out: &mut impl FnMut(u64)) {
    let info = t.info(id);
    out(u64::from(info));
    out(u64::from(t.name(id)));
    let kind = t.kind(id);
    if matches!(kind, Kind::Var | Kind::Datasec) {
        out(u64::from(id));
        return;
    }
    let l = layout(kind);
    if l.head == Slot::Val {
        out(u64::from(t.head(id)));
    }
    let body = t.body(id);
    if !l.has_refs() {
        body.iter().for_each(|&w| out(u64::from(w)));
    } else {
        let st = l.rec.len();
        for r in body.chunks_exact(st) {
            for (&w, slot) in r.iter().zip(l.rec) {
                if *slot != Slot::Ref {
                    out(u64::from(w));
                }
            }
        }
    }
}

/// True when `a` and `b` have the same local facts: what [`label_words`] gives, compared
/// word by word (VAR and DATASEC are equal only to themselves).
fn same_label(t: &FlatTypes, a: u32, b: u32) -> bool {
    let info = t.info(a);
    if info != t.info(b) || t.name(a) != t.name(b) {
        return false;
    }
    let kind = t.kind(a);
    if matches!(kind, Kind::Var | Kind::Datasec) {
        return a == b;
    }
    let l = layout(kind);
    if l.head == Slot::Val && t.head(a) != t.head(b) {
        return false;
    }
    l.same_vals(t.body(a), t.body(b))
}

/// Interns slices of an arena: gives equal slices equal dense numbers (in order of first
/// appearance), without allocating per element.
fn intern<T: std::hash::Hash + Eq>(arena: &[T], starts: &[usize]) -> Vec<u32> {
    let mut table = Vec::new();
    let mut out = Vec::new();
    intern_into(arena, starts, &mut table, &mut out);
    out
}

/// [`intern`] into reusable buffers: `table` is an open-addressing hash table of
/// (slice index + 1), `out` receives one number per slice.
fn intern_into<T: std::hash::Hash + Eq>(
    arena: &[T],
    starts: &[usize],
    table: &mut Vec<u32>,
    out: &mut Vec<u32>,
) {
    use std::hash::BuildHasher;
    let count = starts.len().saturating_sub(1);
    let size = (count * 2).next_power_of_two().max(16);
    table.clear();
    table.resize(size, 0);
    out.clear();
    out.reserve(count);
    let slice = |k: usize| &arena[starts[k]..starts[k + 1]];
    let build = diag::fasthash::FastBuild::default();
    let mut next = 0u32;
    for k in 0..count {
        // Fx leaves the low bits weak: index by the high bits of a final mix.
        let mut pos = (build.hash_one(slice(k)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            >> (64 - size.trailing_zeros())) as usize;
        loop {
            match table[pos] {
                0 => {
                    table[pos] = k as u32 + 1;
                    out.push(next);
                    next += 1;
                    break;
                }
                e if slice(e as usize - 1) == slice(k) => {
                    out.push(out[e as usize - 1]);
                    break;
                }
                _ => pos = (pos + 1) & (size - 1),
            }
        }
    }
}

/// Deduplicates `btf` in place. `alias` pre-merges types (`alias[id] = Some(target)`:
/// `id` disappears and its references go to `target`); `drop` removes types nothing may
/// refer to (e.g. DATASECs that the caller rebuilds). Returns the map from every old id
/// (index) to its new id (0 for dropped types and void) and statistics.
pub fn dedup(btf: &mut Btf, alias: &[Option<u32>], drop: &[bool]) -> (Vec<u32>, DedupStats) {
    // Names by their first offset, so that equal strings compare equal as offsets.
    let mut first_off: FastMap<&[u8], u32> = FastMap::default();
    let mut flat = FlatTypes::default();
    for (_, t) in btf.types() {
        flat.push_type(t);
    }
    let mut canon = FlatTypes::with_capacity(flat.len(), flat.words.len());
    for id in 1..=flat.len() as u32 {
        canon.push_mapped(
            &flat,
            id,
            |o| *first_off.entry(btf.str_bytes(o)).or_insert(o),
            |r| r,
        );
    }
    let d = dedup_flat(&canon, alias, drop);
    let mut old = btf.take_types();
    let kept = d
        .keep
        .iter()
        .map(|&id| {
            let mut t =
                std::mem::replace(&mut old[id as usize - 1], BtfType::new(0, TypeData::Fwd));
            t.map_refs(|r| d.map.get(r as usize).copied().unwrap_or(0));
            t
        })
        .collect();
    btf.set_types(kept);
    (d.map, d.stats)
}

/// The result of [`dedup_flat`].
pub(crate) struct Dedup {
    /// Old id (index) to new id (0 for dropped types and void).
    pub map: Vec<u32>,
    /// The surviving old ids, in order (new id `i + 1` is `keep[i]`).
    pub keep: Vec<u32>,
    pub stats: DedupStats,
}

/// [`dedup`] on compact types whose names are interned (equal strings have equal
/// offsets): computes the map and the survivors, leaving the types as they are.
pub(crate) fn dedup_flat(btf: &FlatTypes, alias: &[Option<u32>], drop: &[bool]) -> Dedup {
    let n = btf.len();
    let types_before = n;
    let ids = || 1..=n as u32;
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
    // Edges in one arena: `edges[edge_starts[id]..edge_starts[id + 1]]`, already
    // redirected (`targets`) and as written (`edges`, for the FWD rounds).
    let mut edges: Vec<u32> = Vec::with_capacity(btf.words.len() / 2 + n);
    let mut edge_starts = Vec::with_capacity(n + 2);
    edge_starts.push(0);
    edge_starts.push(0);
    for id in ids() {
        btf.for_each_ref(id, |r| edges.push(r));
        edge_starts.push(edges.len());
    }
    // The coarsest partition of equal types, by hash-consing (see `hashcons`); void
    // (id 0) gets a label of its own.
    let targets: Vec<u32> = if alias.iter().any(Option::is_some) {
        edges.iter().map(|&r| resolve(&redirect, r)).collect()
    } else {
        edges.clone()
    };
    let label_hash: Vec<u64> = std::iter::once(u64::MAX)
        .chain(ids().map(|id| {
            let mut h = 0u64;
            label_words(btf, id, &mut |w| h = hashcons::mix(h, w));
            h
        }))
        .collect();
    let mut same = |x: u32, y: u32| match (x, y) {
        (0, 0) => true,
        (0, _) | (_, 0) => false,
        _ => same_label(btf, x, y),
    };
    let mut class = hashcons::classes(&mut hashcons::Graph {
        label_hash,
        targets: &targets,
        starts: &edge_starts,
        same_label: &mut same,
    });
    std::mem::drop(targets);
    // FWD resolution as libbpf 1.1's `btf__dedup` does it (bpftool's reference): a FWD
    // resolves only where two STRUCT/UNIONs of the same shape are equal when the FWD is
    // read as the full definition of its name. For each shape, the first struct is
    // compared with the other classes of that shape (a walk over pairs of types with a
    // hypothetical pairing, as cycles need); the FWD/definition pairs a successful
    // comparison needed are applied to their whole FWD class, and the partition is
    // refined again until nothing new resolves.
    let is_agg = |id: u32| matches!(btf.kind(id), Kind::Struct | Kind::Union);
    // Without FWDs there is nothing to try (and no need for the label classes).
    let has_fwd = ids().any(|id| btf.kind(id) == Kind::Fwd);
    let rounds = if has_fwd { 8 } else { 0 };
    let base_class = if has_fwd {
        let mut words: Vec<u64> = Vec::new();
        let mut starts = Vec::with_capacity(n + 2);
        starts.push(0);
        words.push(u64::MAX);
        starts.push(words.len());
        for id in ids() {
            label_words(btf, id, &mut |w| words.push(w));
            starts.push(words.len());
        }
        intern(&words, &starts)
    } else {
        Vec::new()
    };
    let mut fwds_resolved = 0usize;
    for _ in 0..rounds {
        let mut order: Vec<u32> = Vec::new();
        let mut groups: FastMap<u32, Vec<u32>> = FastMap::default();
        for id in ids() {
            if !is_agg(id) || resolve(&redirect, id) != id {
                continue;
            }
            let g = groups.entry(base_class[id as usize]).or_default();
            if g.is_empty() {
                order.push(base_class[id as usize]);
            }
            if !g.iter().any(|&x| class[x as usize] == class[id as usize]) {
                g.push(id);
            }
        }
        let mut found: Vec<(u32, u32)> = Vec::new();
        for key in &order {
            let Some(g) = groups.get(key) else { continue };
            let Some((&canon_id, others)) = g.split_first() else {
                continue;
            };
            for &other in others {
                if let Some(pairs) = equal_modulo_fwd(
                    btf,
                    canon_id,
                    other,
                    &class,
                    &base_class,
                    &edges,
                    &edge_starts,
                    &redirect,
                    &resolve,
                ) {
                    for (f, c) in pairs {
                        if !found
                            .iter()
                            .any(|&(g, _)| class[g as usize] == class[f as usize])
                        {
                            found.push((f, c));
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            break;
        }
        for (f, c) in found {
            let fc = class[f as usize];
            for id in ids() {
                if btf.kind(id) == Kind::Fwd
                    && class[id as usize] == fc
                    && redirect[id as usize] == id
                {
                    redirect[id as usize] = c;
                    fwds_resolved += 1;
                }
            }
        }
        class = refine(&base_class, &edges, &edge_starts, &redirect, &resolve);
    }
    // Canonical = lowest id of each class; survivors keep their order.
    // Classes are dense numbers below n + 1; u32::MAX marks "no survivor yet".
    let mut canon_of_class = vec![u32::MAX; n + 1];
    for id in ids() {
        if drop.get(id as usize).copied().unwrap_or(false) || resolve(&redirect, id) != id {
            continue;
        }
        if let Some(c) = canon_of_class.get_mut(class[id as usize] as usize)
            && *c == u32::MAX
        {
            *c = id;
        }
    }
    let canon_of = |c: u32| {
        canon_of_class
            .get(c as usize)
            .copied()
            .filter(|&x| x != u32::MAX)
    };
    let mut new_id = vec![0u32; n + 1];
    let mut keep = Vec::new();
    for id in ids() {
        if canon_of(class[id as usize]) == Some(id) {
            keep.push(id);
            new_id[id as usize] = keep.len() as u32;
        }
    }
    let mut map = new_id.clone();
    for id in ids() {
        if drop.get(id as usize).copied().unwrap_or(false) {
            map[id as usize] = 0;
            continue;
        }
        let target = resolve(&redirect, id);
        map[id as usize] = canon_of(class[target as usize])
            .map(|c| new_id[c as usize])
            .unwrap_or(0);
    }
    let stats = DedupStats {
        types_before,
        types_after: keep.len(),
        fwds_resolved,
    };
    Dedup { map, keep, stats }
}

/// Compares types `a` and `b` as libbpf's struct equivalence does: equal classes are
/// equal; a FWD equals a STRUCT/UNION of its name and kind (the pair is recorded);
/// otherwise local facts must match and referenced types must pair up. Returns the
/// recorded (FWD, definition) pairs if `a` and `b` are equal this way.
#[allow(clippy::too_many_arguments)]
fn equal_modulo_fwd(
    btf: &FlatTypes,
    a: u32,
    b: u32,
    class: &[u32],
    base: &[u32],
    edges: &[u32],
    edge_starts: &[usize],
    redirect: &[u32],
    resolve: &dyn Fn(&[u32], u32) -> u32,
) -> Option<Vec<(u32, u32)>> {
    let mut hypot: FastMap<u32, u32> = FastMap::default();
    let mut pairs = Vec::new();
    let mut stack = vec![(a, b)];
    while let Some((x, y)) = stack.pop() {
        let (x, y) = (resolve(redirect, x), resolve(redirect, y));
        let (cx, cy) = (class.get(x as usize)?, class.get(y as usize)?);
        if cx == cy {
            continue;
        }
        if let Some(&prev) = hypot.get(&x) {
            if class.get(prev as usize) == Some(cy) {
                continue;
            }
            return None;
        }
        if x == 0 || y == 0 || x as usize > btf.len() || y as usize > btf.len() {
            return None;
        }
        let fwd_pair = |f: u32, d: u32| {
            btf.kind(f) == Kind::Fwd
                && matches!(btf.kind(d), Kind::Struct | Kind::Union)
                && btf.kind_flag(f) == (btf.kind(d) == Kind::Union)
                && btf.name(f) == btf.name(d)
        };
        if fwd_pair(x, y) {
            pairs.push((x, y));
            hypot.insert(x, y);
            continue;
        }
        if fwd_pair(y, x) {
            pairs.push((y, x));
            hypot.insert(x, y);
            continue;
        }
        if base.get(x as usize) != base.get(y as usize) {
            return None;
        }
        hypot.insert(x, y);
        let ex = edges.get(*edge_starts.get(x as usize)?..*edge_starts.get(x as usize + 1)?)?;
        let ey = edges.get(*edge_starts.get(y as usize)?..*edge_starts.get(y as usize + 1)?)?;
        if ex.len() != ey.len() {
            return None;
        }
        stack.extend(ex.iter().copied().zip(ey.iter().copied()));
    }
    Some(pairs)
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
    let (mut table, mut next) = (Vec::new(), Vec::new());
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
        intern_into(&sig, &sig_starts, &mut table, &mut next);
        let new_count = next.iter().copied().max().map_or(0, |m| m as usize + 1);
        std::mem::swap(&mut class, &mut next);
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

    /// Two copies of `struct node { int v; struct node *next; }` (a cycle) and of
    /// `struct holder { struct node *p; }`, the second holder pointing at a FWD of node;
    /// plus a VAR of each holder. As in libbpf, the FWD resolves because the holders
    /// compare equal through it; the VARs stay apart.
    #[test]
    fn collapses_cycles_and_resolves_fwds_but_keeps_vars() {
        let mut b = Btf::new();
        for with_fwd in [false, true] {
            let int = b.add_int("int", 4, BTF_INT_SIGNED);
            let node = b.add_string("node");
            let v = b.add_string("v");
            let next = b.add_string("next");
            let holder = b.add_string("holder");
            let p = b.add_string("p");
            let base = b.len() as u32;
            // base+1: struct node, base+2: ptr -> node, base+3: fwd node,
            // base+4: ptr -> fwd, base+5: struct holder
            let member = |name_off, type_id, bit_offset| Member {
                name_off,
                type_id,
                bit_offset,
                bitfield_size: 0,
            };
            b.add_type(BtfType::new(
                node,
                TypeData::Struct {
                    size: 16,
                    members: vec![member(v, int, 0), member(next, base + 2, 64)],
                },
            ));
            b.add_ptr(base + 1);
            b.add_type(BtfType::new(node, TypeData::Fwd));
            b.add_ptr(base + 3);
            let target = if with_fwd { base + 4 } else { base + 2 };
            let h = b.add_type(BtfType::new(
                holder,
                TypeData::Struct {
                    size: 8,
                    members: vec![member(p, target, 0)],
                },
            ));
            b.add_var("x", h, Linkage::Global);
        }
        assert_eq!(b.len(), 14);
        let (map, stats) = dedup(&mut b, &[], &[]);
        // int, node, ptr, holder, var x, var x
        assert_eq!(stats.types_after, 6, "{}", crate::btf::dump::dump(&b));
        assert_eq!(stats.fwds_resolved, 2);
        assert_eq!(map[13], map[6], "holders merge");
        assert_eq!(map[11], map[2], "the FWD becomes the struct");
        assert_ne!(map[7], map[14], "VARs stay unique");
    }

    /// Two copies of `int *****...` 5,000 pointers deep, outermost first (as clang emits
    /// them). Every pointer level has the same hashes, so comparing each with every
    /// earlier one down the whole chain took minutes (cubic; 2,000 levels: 55 s);
    /// classified children first, each pointer is one lookup.
    #[test]
    fn long_pointer_chains_dedup_in_linear_time() {
        const DEPTH: u32 = 5_000;
        let mut b = Btf::new();
        for _ in 0..2 {
            let base = b.len() as u32;
            for k in 1..=DEPTH {
                b.add_ptr(base + k + 1);
            }
            b.add_int("int", 4, BTF_INT_SIGNED);
        }
        let (map, stats) = dedup(&mut b, &[], &[]);
        assert_eq!(stats.types_after, DEPTH as usize + 1);
        let second = DEPTH + 1;
        for k in 1..=DEPTH + 1 {
            assert_eq!(map[(second + k) as usize], map[k as usize], "level {k}");
        }
        assert_eq!(map[1], 1, "the first chain keeps its ids");
        assert!(
            matches!(b.get(DEPTH).map(|t| &t.data), Some(TypeData::Ptr { type_id }) if *type_id == DEPTH + 1)
        );
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
