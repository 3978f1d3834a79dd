//! Strongly connected components of a type graph (Tarjan's algorithm, iterative so
//! that a chain of thousands of pointers cannot overflow the stack), for the final
//! dedup's [`hashcons`](super::dedup) and for [`prededup`](super::prededup): both
//! decide a component only once everything it refers to is decided.
//!
//! Invariant: components come out in reverse topological order (every component after
//! the components it refers to); each lists its nodes in the order they were found.

/// Calls `each` with every strongly connected component of the graph of `n` nodes whose
/// edges from `v` are `edges(v)`, children first.
pub(crate) fn for_each_component<'a>(
    n: usize,
    edges: impl Fn(u32) -> &'a [u32],
    mut each: impl FnMut(&[u32]),
) {
    let mut t = Tarjan {
        index: vec![NONE; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        next_index: 0,
    };
    for root in 0..n as u32 {
        if t.index[root as usize] != NONE {
            continue;
        }
        t.enter(root);
        while let Some(&(v, pos)) = t.path.last() {
            if let Some(&w) = edges(v).get(pos) {
                if let Some(top) = t.path.last_mut() {
                    top.1 += 1;
                }
                // (Ids past the end are not nodes: the callers' graphs have none.)
                let Some(&w_idx) = t.index.get(w as usize) else {
                    continue;
                };
                if w_idx == NONE {
                    t.enter(w);
                } else if t.on_stack[w as usize] {
                    t.low[v as usize] = t.low[v as usize].min(w_idx);
                }
                continue;
            }
            t.path.pop();
            if let Some(&(parent, _)) = t.path.last() {
                t.low[parent as usize] = t.low[parent as usize].min(t.low[v as usize]);
            }
            if t.low[v as usize] == t.index[v as usize] {
                let start = t.stack.iter().rposition(|&x| x == v).unwrap_or(0);
                for &x in &t.stack[start..] {
                    t.on_stack[x as usize] = false;
                }
                each(&t.stack[start..]);
                t.stack.truncate(start);
            }
        }
    }
}

const NONE: u32 = u32::MAX;

/// Tarjan's state: discovery index and low link per node, the component stack, and
/// the depth-first path as (node, next edge to follow).
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    path: Vec<(u32, usize)>,
    next_index: u32,
}

impl Tarjan {
    fn enter(&mut self, v: u32) {
        self.index[v as usize] = self.next_index;
        self.low[v as usize] = self.next_index;
        self.next_index += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.path.push((v, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn components(edges: &[Vec<u32>]) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for_each_component(
            edges.len(),
            |v| &edges[v as usize],
            |c| {
                let mut c = c.to_vec();
                c.sort();
                out.push(c);
            },
        );
        out
    }

    #[test]
    fn components_come_children_first() {
        // 0 -> 1 -> 2 -> 1 (a cycle), 2 -> 3, 4 -> 4 (a self-loop), 5 alone.
        let edges = vec![vec![1], vec![2], vec![1, 3], vec![], vec![4], vec![]];
        assert_eq!(
            components(&edges),
            vec![vec![3], vec![1, 2], vec![0], vec![4], vec![5]]
        );
    }

    #[test]
    fn a_long_chain_needs_no_deep_recursion() {
        let n = 200_000u32;
        let edges: Vec<Vec<u32>> = (0..n)
            .map(|v| if v + 1 < n { vec![v + 1] } else { vec![] })
            .collect();
        let order = components(&edges);
        assert_eq!(order.len(), n as usize);
        assert_eq!(order[0], vec![n - 1]);
    }
}
