//! Control-flow analyses: predecessor/successor edges, reverse post-order and the
//! dominator tree (Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm").
//!
//! Invariants: computed from the layout on demand and not updated by passes (recompute
//! after changing the CFG). Unreachable blocks have no immediate dominator and are not
//! in the reverse post-order. Edge lists are in layout order (deterministic).

use cranelift_entity::{EntityRef, SecondaryMap};

use crate::entities::{Block, Inst, map_of_len};
use crate::function::Function;

/// Predecessors and successors of every block in the layout.
#[derive(Clone, Debug, Default)]
pub struct ControlFlowGraph {
    /// Incoming edges: (predecessor block, branch instruction, destination index).
    pub preds: EdgeLists<(Block, Inst, usize)>,
    /// Successor blocks, in branch order, duplicates kept (a `brif` to the same block
    /// twice has two edges).
    pub succs: EdgeLists<Block>,
}

/// One list of edges per block (or of items per other entity `K`), all in one array
/// (`cfg.preds[b]` is a slice; a key outside the lists has none). The passes recompute
/// the CFG often, and a list per block was an allocation per block each time.
#[derive(Clone, Debug)]
pub struct EdgeLists<T, K = Block> {
    /// Key `k`'s items are `items[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    items: Vec<T>,
    key: std::marker::PhantomData<K>,
}

impl<T, K> Default for EdgeLists<T, K> {
    fn default() -> Self {
        EdgeLists {
            start: Vec::new(),
            items: Vec::new(),
            key: std::marker::PhantomData,
        }
    }
}

impl<T, K: EntityRef> std::ops::Index<K> for EdgeLists<T, K> {
    type Output = [T];
    fn index(&self, k: K) -> &[T] {
        let i = k.index();
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&z)) => &self.items[a as usize..z as usize],
            _ => &[],
        }
    }
}

impl<T: Copy, K: EntityRef> EdgeLists<T, K> {
    /// Lists from `(key, item)` pairs, kept in their order within each key; `keys`
    /// bounds the key indices.
    pub(crate) fn from_pairs(keys: usize, pairs: &[(K, T)]) -> Self {
        // First `start[k]` counts key k's items, then (running sums) marks where they
        // end; filling from the back moves it down to where they start, and the last
        // entry is the total. (No second array of fill cursors: the CFG, dominator
        // trees and use lists are rebuilt thousands of times per compile.)
        let mut start = vec![0u32; keys + 1];
        for (b, _) in pairs {
            start[b.index()] += 1;
        }
        let mut end = 0;
        for s in &mut start[..keys] {
            end += *s;
            *s = end;
        }
        start[keys] = end;
        let Some(&(_, any)) = pairs.first() else {
            return EdgeLists {
                start,
                items: Vec::new(),
                key: std::marker::PhantomData,
            };
        };
        // Every slot is written below (the counts above are exact); `any` only fills
        // the array first.
        let mut items = vec![any; pairs.len()];
        for &(b, e) in pairs.iter().rev() {
            let at = &mut start[b.index()];
            *at -= 1;
            items[*at as usize] = e;
        }
        EdgeLists {
            start,
            items,
            key: std::marker::PhantomData,
        }
    }
}

impl ControlFlowGraph {
    pub fn compute(f: &Function) -> Self {
        // Edges in layout order: each block's successors, then (stably grouped by
        // target) the same edges as predecessor lists.
        let mut blocks = 0;
        let mut succs = Vec::with_capacity(2 * f.layout.blocks().len());
        let mut preds = Vec::with_capacity(2 * f.layout.blocks().len());
        for &b in f.layout.blocks() {
            if let Some(term) = f.layout.last_inst(b) {
                for (i, d) in f.dfg.insts[term].branch_targets().enumerate() {
                    preds.push((d.block, (b, term, i)));
                    succs.push((b, d.block));
                    blocks = blocks.max(b.index().max(d.block.index()) + 1);
                }
            }
        }
        ControlFlowGraph {
            preds: EdgeLists::from_pairs(blocks, &preds),
            succs: EdgeLists::from_pairs(blocks, &succs),
        }
    }

    /// Distinct predecessor blocks of `b`, in first-seen order.
    pub fn pred_blocks(&self, b: Block) -> Vec<Block> {
        let mut v: Vec<Block> = Vec::new();
        for &(p, _, _) in &self.preds[b] {
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    }
}

/// Blocks reachable from the entry, in reverse post-order.
pub fn reverse_post_order(f: &Function, cfg: &ControlFlowGraph) -> Vec<Block> {
    let Some(entry) = f.entry_block() else {
        return Vec::new();
    };
    let blocks = f.dfg.blocks.len();
    let mut visited: SecondaryMap<Block, bool> = map_of_len(blocks);
    let mut post = Vec::with_capacity(blocks);
    // Iterative DFS: (block, next successor index).
    let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
    visited[entry] = true;
    while let Some(top) = stack.last_mut() {
        let (b, i) = *top;
        if let Some(&s) = cfg.succs[b].get(i) {
            top.1 += 1;
            if !visited[s] && f.layout.is_block_inserted(s) {
                visited[s] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

/// The dominator tree of the reachable blocks.
#[derive(Clone, Debug, Default)]
pub struct DominatorTree {
    idom: SecondaryMap<Block, Option<Block>>,
    rpo_num: SecondaryMap<Block, u32>,
    rpo: Vec<Block>,
    pre: SecondaryMap<Block, u32>,
    post: SecondaryMap<Block, u32>,
}

impl DominatorTree {
    pub fn compute(f: &Function, cfg: &ControlFlowGraph) -> Self {
        let rpo = reverse_post_order(f, cfg);
        let blocks = f.dfg.blocks.len();
        let mut rpo_num: SecondaryMap<Block, u32> = map_of_len(blocks);
        for (i, &b) in rpo.iter().enumerate() {
            rpo_num[b] = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        let mut idom: SecondaryMap<Block, Option<Block>> = map_of_len(blocks);
        if let Some(&entry) = rpo.first() {
            idom[entry] = Some(entry);
        }
        let mut changed = true;
        while changed {
            changed = false;
            for &b in rpo.iter().skip(1) {
                let mut new_idom: Option<Block> = None;
                for &(p, _, _) in &cfg.preds[b] {
                    if rpo_num[p] == 0 || idom[p].is_none() {
                        continue;
                    }
                    new_idom = Some(match new_idom {
                        None => p,
                        Some(cur) => intersect(&idom, &rpo_num, p, cur),
                    });
                }
                if new_idom.is_some() && idom[b] != new_idom {
                    idom[b] = new_idom;
                    changed = true;
                }
            }
        }
        // Pre/post numbers of an iterative DFS over the tree make `dominates` O(1).
        // Children in reverse post-order, all lists in one array.
        let tree: Vec<(Block, Block)> = rpo
            .iter()
            .skip(1)
            .filter_map(|&b| idom[b].filter(|&d| d != b).map(|d| (d, b)))
            .collect();
        let children: EdgeLists<Block> = EdgeLists::from_pairs(blocks, &tree);
        let mut pre: SecondaryMap<Block, u32> = map_of_len(blocks);
        let mut post: SecondaryMap<Block, u32> = map_of_len(blocks);
        let mut clock = 0u32;
        if let Some(&entry) = rpo.first() {
            let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
            clock += 1;
            pre[entry] = clock;
            while let Some(top) = stack.last_mut() {
                let (b, i) = *top;
                if let Some(&c) = children[b].get(i) {
                    top.1 += 1;
                    clock += 1;
                    pre[c] = clock;
                    stack.push((c, 0));
                } else {
                    clock += 1;
                    post[b] = clock;
                    stack.pop();
                }
            }
        }
        DominatorTree {
            idom,
            rpo_num,
            rpo,
            pre,
            post,
        }
    }

    /// Reachable blocks in reverse post-order.
    pub fn rpo(&self) -> &[Block] {
        &self.rpo
    }

    pub fn is_reachable(&self, b: Block) -> bool {
        self.rpo_num[b] != 0
    }

    /// The immediate dominator (None for the entry and unreachable blocks).
    pub fn idom(&self, b: Block) -> Option<Block> {
        match self.idom[b] {
            Some(d) if d != b => Some(d),
            _ => None,
        }
    }

    /// True if `a` dominates `b` (every block dominates itself).
    pub fn dominates(&self, a: Block, b: Block) -> bool {
        if !self.is_reachable(a) || !self.is_reachable(b) {
            return false;
        }
        self.pre[a] <= self.pre[b] && self.post[b] <= self.post[a]
    }
}

fn intersect(
    idom: &SecondaryMap<Block, Option<Block>>,
    rpo_num: &SecondaryMap<Block, u32>,
    mut a: Block,
    mut b: Block,
) -> Block {
    while a != b {
        while rpo_num[a] > rpo_num[b] {
            match idom[a] {
                Some(d) => a = d,
                None => return b,
            }
        }
        while rpo_num[b] > rpo_num[a] {
            match idom[b] {
                Some(d) => b = d,
                None => return a,
            }
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each key's items come out in the order of the pairs; keys without items (and
    /// keys past the lists) have none.
    #[test]
    fn edge_lists_keep_pair_order() {
        let b = Block::new;
        let pairs = [(b(2), 20), (b(0), 1), (b(2), 21), (b(0), 2), (b(2), 22)];
        let lists: EdgeLists<i32> = EdgeLists::from_pairs(4, &pairs);
        assert_eq!(&lists[b(0)], &[1, 2]);
        assert_eq!(&lists[b(1)], &[] as &[i32]);
        assert_eq!(&lists[b(2)], &[20, 21, 22]);
        assert_eq!(&lists[b(3)], &[] as &[i32]);
        assert_eq!(&lists[b(9)], &[] as &[i32]);
        let empty: EdgeLists<i32> = EdgeLists::from_pairs(3, &[]);
        assert_eq!(&empty[b(1)], &[] as &[i32]);
    }
}
