//! The first partition of [`dedup`](super::dedup) (structural equality of BTF types,
//! `../shared/spec/btf.rst` section 2 for what a type's local facts and references
//! are), computed by hash-consing instead of whole-graph refinement: the same
//! partition as [`refine`](super::refine) from the label classes, much faster when most
//! types are repeats (as in a link, where every input carries the shared headers).
//!
//! Method (the idea of libbpf's `btf_dedup`: hash types, compare candidates with a walk
//! that assumes equality along reference cycles): every type gets a hash of its local
//! facts, then a few rounds mix in its referenced types' hashes; equal types (in the
//! bisimulation sense) always get equal hashes. Types are visited in id order; each is
//! compared with the earlier class representatives of its hash by a pairwise walk that
//! merges the pairs it meets in a union-find (Hopcroft-Karp's equivalence test, exact
//! for graphs whose edges are ordered lists) and fails on the first pair with different
//! local facts or hashes. The first representative that compares equal is the type's
//! class; otherwise the type starts one. After a successful walk, every not yet
//! classified type paired with a classified one takes its class at once.
//!
//! Invariant: the result maps every id to the lowest id of its class (void to 0).

use diag::fasthash::{FastBuild, FastMap};

/// Rounds of mixing in referenced types' hashes: types that differ only deeper than
/// this collide and cost one failed walk.
const HASH_ROUNDS: usize = 2;

const UNKNOWN: u32 = u32::MAX;

/// The graph to partition: per node (0 = void), its label hash, its referenced nodes
/// (`targets[starts[id]..starts[id + 1]]`, already redirected) and an exact label
/// comparison.
pub(super) struct Graph<'a> {
    pub label_hash: Vec<u64>,
    pub targets: &'a [u32],
    pub starts: &'a [usize],
    pub same_label: &'a mut dyn FnMut(u32, u32) -> bool,
}

impl Graph<'_> {
    fn edges(&self, id: u32) -> &[u32] {
        &self.targets[self.starts[id as usize]..self.starts[id as usize + 1]]
    }
}

#[inline]
pub(super) fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// Walk state, reused across walks (epoch-stamped union-find over node ids).
struct Walk {
    parent: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
    stack: Vec<(u32, u32)>,
    pairs: Vec<(u32, u32)>,
}

impl Walk {
    fn find(&mut self, mut x: u32) -> u32 {
        loop {
            if self.stamp[x as usize] != self.epoch {
                return x;
            }
            let p = self.parent[x as usize];
            if p == x {
                return x;
            }
            x = p;
        }
    }

    fn union(&mut self, a: u32, b: u32) {
        for x in [a, b] {
            if self.stamp[x as usize] != self.epoch {
                self.stamp[x as usize] = self.epoch;
                self.parent[x as usize] = x;
            }
        }
        self.parent[a as usize] = b;
    }
}

/// Returns `class[id]` = the lowest id structurally equal to `id`.
pub(super) fn classes(g: &mut Graph) -> Vec<u32> {
    let n = g.label_hash.len();
    // Hashes that mix in the referenced types' hashes, HASH_ROUNDS deep.
    let mut hash = g.label_hash.clone();
    let mut next = vec![0u64; n];
    for _ in 0..HASH_ROUNDS {
        for (id, out) in next.iter_mut().enumerate() {
            let mut h = mix(g.label_hash[id], 0x9e37_79b9);
            for &t in g.edges(id as u32) {
                h = mix(h, hash[t as usize]);
            }
            *out = h;
        }
        std::mem::swap(&mut hash, &mut next);
    }
    drop(next);
    let mut class = vec![UNKNOWN; n];
    class[0] = 0;
    // Representatives by hash; `chain[rep]` links representatives with equal hashes.
    let mut heads: FastMap<u64, u32> =
        std::collections::HashMap::with_capacity_and_hasher(n / 2, FastBuild::default());
    let mut chain = vec![UNKNOWN; n];
    let mut walk = Walk {
        parent: vec![0; n],
        stamp: vec![0; n],
        epoch: 0,
        stack: Vec::new(),
        pairs: Vec::new(),
    };
    for id in 1..n as u32 {
        if class[id as usize] != UNKNOWN {
            continue;
        }
        let h = hash[id as usize];
        let head = heads.get(&h).copied();
        let mut cand = head.unwrap_or(UNKNOWN);
        while cand != UNKNOWN {
            if equal(g, &hash, &class, &mut walk, id, cand) {
                class[id as usize] = cand;
                // Everything the walk paired with a classified type is of its class.
                for &(x, y) in &walk.pairs {
                    let (cx, cy) = (class[x as usize], class[y as usize]);
                    if cx == UNKNOWN && cy != UNKNOWN {
                        class[x as usize] = cy;
                    } else if cy == UNKNOWN && cx != UNKNOWN {
                        class[y as usize] = cx;
                    }
                }
                break;
            }
            cand = chain[cand as usize];
        }
        if class[id as usize] == UNKNOWN {
            class[id as usize] = id;
            // Append to the end of the chain so earlier representatives are tried first.
            match head {
                None => {
                    heads.insert(h, id);
                }
                Some(mut c) => {
                    while chain[c as usize] != UNKNOWN {
                        c = chain[c as usize];
                    }
                    chain[c as usize] = id;
                }
            }
        }
    }
    class
}

/// The pairwise walk: are `a` and `b` structurally equal?
fn equal(g: &mut Graph, hash: &[u64], class: &[u32], w: &mut Walk, a: u32, b: u32) -> bool {
    w.epoch = w.epoch.wrapping_add(1);
    if w.epoch == 0 {
        w.stamp.iter_mut().for_each(|s| *s = 0);
        w.epoch = 1;
    }
    w.stack.clear();
    w.pairs.clear();
    w.stack.push((a, b));
    while let Some((x, y)) = w.stack.pop() {
        if x == y {
            continue;
        }
        let (cx, cy) = (class[x as usize], class[y as usize]);
        if cx != UNKNOWN && cy != UNKNOWN {
            if cx == cy {
                continue;
            }
            return false;
        }
        let (rx, ry) = (w.find(x), w.find(y));
        if rx == ry {
            continue;
        }
        if hash[x as usize] != hash[y as usize]
            || g.label_hash[x as usize] != g.label_hash[y as usize]
            || !(g.same_label)(x, y)
        {
            return false;
        }
        let (ex, ey) = (g.edges(x), g.edges(y));
        if ex.len() != ey.len() {
            return false;
        }
        w.union(rx, ry);
        w.pairs.push((x, y));
        w.stack.extend(ex.iter().copied().zip(ey.iter().copied()));
    }
    true
}
