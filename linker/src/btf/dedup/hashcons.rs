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
//! classified type paired with a classified one takes its class at once. When the walks
//! take far more steps than there are types (long chains of pointers), the partition is
//! made again with the graph's components visited children first, where a type on no
//! cycle needs one lookup by its referenced types' classes.
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
    /// Pairs visited by all walks so far.
    steps: u64,
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

/// Class representatives by key, each key's in order of insertion (a head and a tail
/// per key, the rest linked through `next`).
struct Reps {
    ends: FastMap<u64, (u32, u32)>,
    next: Vec<u32>,
}

impl Reps {
    fn new(n: usize) -> Self {
        Reps {
            ends: std::collections::HashMap::with_capacity_and_hasher(n / 2, FastBuild::default()),
            next: vec![UNKNOWN; n],
        }
    }

    fn first(&self, key: u64) -> u32 {
        self.ends.get(&key).map_or(UNKNOWN, |&(head, _)| head)
    }

    fn push(&mut self, key: u64, id: u32) {
        match self.ends.get_mut(&key) {
            None => {
                self.ends.insert(key, (id, id));
            }
            Some((_, tail)) => {
                self.next[*tail as usize] = id;
                *tail = id;
            }
        }
    }
}

/// Walk steps per type after which [`classes`] starts over children first: real type
/// graphs take a few at most (bench-link's merged types: none, no two share a hash).
const WALK_STEPS_PER_TYPE: u64 = 64;

/// Returns `class[id]` = the lowest id structurally equal to `id`.
///
/// Types are classified in id order while the walks stay within a budget. Past it (a
/// chain of 2,000 anonymous pointers, every level compared down the whole chain with
/// every earlier level of the same hash, took a minute), the partition is made again
/// children first ([`classes_children_first`]). Both ways are exact: the partition is
/// the same.
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
    let budget = WALK_STEPS_PER_TYPE * (n as u64 + 64);
    let mut s = State::new(n);
    for id in 1..n as u32 {
        if s.class[id as usize] == UNKNOWN && !s.classify_by_walk(g, &hash, id, budget) {
            return classes_children_first(g, &hash);
        }
    }
    s.class
}

/// The partition state: each id's class (its representative, UNKNOWN before), the
/// representatives by hash, and the walk's buffers.
struct State {
    class: Vec<u32>,
    by_hash: Reps,
    walk: Walk,
}

impl State {
    fn new(n: usize) -> Self {
        let mut class = vec![UNKNOWN; n];
        class[0] = 0;
        State {
            class,
            by_hash: Reps::new(n),
            walk: Walk {
                parent: vec![0; n],
                stamp: vec![0; n],
                epoch: 0,
                stack: Vec::new(),
                pairs: Vec::new(),
                steps: 0,
            },
        }
    }

    /// Classifies `id`: the first representative of its hash that the walk finds equal
    /// is its class (and the class of every unclassified type the walk paired with a
    /// classified one); otherwise it starts a class. False, `id` left unclassified, once
    /// the walks have taken more than `budget` steps.
    fn classify_by_walk(&mut self, g: &mut Graph, hash: &[u64], id: u32, budget: u64) -> bool {
        let h = hash[id as usize];
        let mut cand = self.by_hash.first(h);
        while cand != UNKNOWN {
            if equal(g, hash, &self.class, &mut self.walk, id, cand) {
                let class = &mut self.class;
                class[id as usize] = class[cand as usize];
                for &(x, y) in &self.walk.pairs {
                    let (cx, cy) = (class[x as usize], class[y as usize]);
                    if cx == UNKNOWN && cy != UNKNOWN {
                        class[x as usize] = cy;
                    } else if cy == UNKNOWN && cx != UNKNOWN {
                        class[y as usize] = cx;
                    }
                }
                return true;
            }
            if self.walk.steps > budget {
                return false;
            }
            cand = self.by_hash.next[cand as usize];
        }
        self.class[id as usize] = id;
        self.by_hash.push(h, id);
        true
    }
}

/// [`classes`] with the graph's strongly connected components classified children first
/// ([`scc`](crate::btf::scc)). A type on no cycle then has its referenced types
/// classified, so it is equal exactly to the types of its local facts whose referenced
/// types are of the same classes: one lookup (`by_children`). The types of a cycle are
/// classified in id order by the walk, which meets classified types at the cycle's edge.
/// Every representative is offered to both ways (a cycle can equal types on none that
/// lead to an equal cycle). Classes are then named by their lowest ids.
fn classes_children_first(g: &mut Graph, hash: &[u64]) -> Vec<u32> {
    let n = g.label_hash.len();
    let (targets, starts) = (g.targets, g.starts);
    let edges = |v: u32| &targets[starts[v as usize]..starts[v as usize + 1]];
    let mut members: Vec<u32> = Vec::with_capacity(n);
    let mut bounds: Vec<usize> = vec![0];
    crate::btf::scc::for_each_component(n, edges, |c| {
        members.extend_from_slice(c);
        bounds.push(members.len());
    });
    let mut s = State::new(n);
    let mut by_children = Reps::new(n);
    let children_key = |label_hash: &[u64], class: &[u32], id: u32| {
        edges(id)
            .iter()
            .fold(mix(label_hash[id as usize], 0x5bd1_e995), |h, &t| {
                mix(h, u64::from(class[t as usize]))
            })
    };
    for w in bounds.windows(2) {
        let comp = &mut members[w[0]..w[1]];
        if comp.len() == 1 && !edges(comp[0]).contains(&comp[0]) {
            let id = comp[0];
            if s.class[id as usize] != UNKNOWN {
                continue;
            }
            let class = &mut s.class;
            let key = children_key(&g.label_hash, class, id);
            let mut cand = by_children.first(key);
            while cand != UNKNOWN {
                let same_children = edges(id).len() == edges(cand).len()
                    && edges(id)
                        .iter()
                        .zip(edges(cand))
                        .all(|(&x, &y)| class[x as usize] == class[y as usize]);
                if same_children
                    && g.label_hash[id as usize] == g.label_hash[cand as usize]
                    && (g.same_label)(id, cand)
                {
                    break;
                }
                cand = by_children.next[cand as usize];
            }
            if cand == UNKNOWN {
                class[id as usize] = id;
                by_children.push(key, id);
                s.by_hash.push(hash[id as usize], id);
            } else {
                class[id as usize] = class[cand as usize];
            }
            continue;
        }
        comp.sort_unstable();
        for &id in comp.iter() {
            if s.class[id as usize] == UNKNOWN {
                s.classify_by_walk(g, hash, id, u64::MAX);
            }
        }
        // Its new representatives, for the types outside cycles that refer to them.
        for &id in comp.iter() {
            if s.class[id as usize] == id {
                by_children.push(children_key(&g.label_hash, &s.class, id), id);
            }
        }
    }
    // Name every class by its lowest id.
    let mut lowest = vec![UNKNOWN; n];
    for id in 0..n {
        let c = s.class[id] as usize;
        lowest[c] = lowest[c].min(id as u32);
    }
    s.class.iter().map(|&c| lowest[c as usize]).collect()
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
        w.steps += 1;
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
