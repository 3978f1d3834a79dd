//! Code sinking: a pure computation (arithmetic, comparison, conversion, select) or a
//! non-volatile load whose uses all lie in one successor of its block — a successor
//! whose only predecessor is that block (which ends in a two-way branch), and which
//! dominates every use — moves to the
//! start of that successor (LLVM InstCombine's sinking rule). Repeated to a fixpoint,
//! so a value used only on a deep path walks down the chain of such successors.
//!
//! Verifier note: this is what puts `pkt + off` after the check that bounds `off`
//! (`p = c->data + c->off; if (c->off > N) return;`): the verifier only narrows the
//! offset register when the comparison comes first, and a packet pointer with an
//! unbounded offset never gets a range against `data_end`.
//!
//! A load moves only when nothing after it in its block writes memory (stores, calls,
//! atomics, memcpy/memset, volatile loads); it lands at the successor's start, so no
//! write comes between. The successor runs at most as often as the block (its only
//! entry is from there), so no work moves into a loop.
//!
//! Invariants: no instruction moves above its operands (it only goes down the
//! dominator tree, and users in the destination come after its new position); uses in
//! the instruction's own block (including its terminator's branch arguments) keep it.

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, DominatorTree, EdgeLists};
use crate::entities::{Block, Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::util::use_blocks;

/// Returns true if any instruction moved.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    // Moving instructions between blocks leaves the CFG and the dominator tree as they
    // are: one of each serves every sweep.
    let cfg = ControlFlowGraph::compute(f);
    let dt = DominatorTree::compute(f, &cfg);
    let mut changed = false;
    while sink_once(f, &cfg, &dt) {
        changed = true;
    }
    changed
}

/// The use blocks of each value ([`use_blocks`]) as a sweep updates them: a value's
/// list is copied out when an instruction that uses it moves.
struct Uses {
    initial: EdgeLists<Block, Value>,
    changed: SecondaryMap<Value, Option<Vec<Block>>>,
}

impl Uses {
    fn of(&self, v: Value) -> &[Block] {
        match &self.changed[v] {
            Some(list) => list,
            None => &self.initial[v],
        }
    }

    fn list_mut(&mut self, v: Value) -> &mut Vec<Block> {
        let initial = &self.initial;
        self.changed[v].get_or_insert_with(|| initial[v].to_vec())
    }
}

/// A pure computation or a non-volatile load (also what `schedule` may move).
pub(crate) fn is_sinkable(data: &InstData) -> bool {
    match data {
        InstData::Unary { .. }
        | InstData::Convert { .. }
        | InstData::Binary { .. }
        | InstData::Icmp { .. }
        | InstData::Select { .. } => true,
        InstData::Load { flags, .. } => !flags.volatile,
        _ => false,
    }
}

/// Stores, calls, atomics, memcpy/memset and volatile loads.
pub(crate) fn writes_memory(data: &InstData) -> bool {
    !data.is_terminator() && data.has_side_effects()
}

/// One sweep over the blocks, moving each instruction at most one block down. Within
/// a block, later instructions go first, so an operand whose only user just moved
/// follows it in the same sweep.
fn sink_once(f: &mut Function, cfg: &ControlFlowGraph, dt: &DominatorTree) -> bool {
    let mut uses = Uses {
        initial: use_blocks(f),
        changed: SecondaryMap::new(),
    };
    let mut moved = false;
    for b in dt.rpo().to_vec() {
        let insts = f.layout.block_insts(b).to_vec();
        // Whether some instruction after the current one writes memory.
        let mut write_below = false;
        for &inst in insts.iter().rev() {
            let data = &f.dfg.insts[inst];
            let is_load = matches!(data, InstData::Load { .. });
            let target = if is_sinkable(data) && !(is_load && write_below) {
                f.dfg
                    .inst_result(inst)
                    .and_then(|r| sink_target(cfg, dt, b, uses.of(r)))
            } else {
                None
            };
            write_below |= writes_memory(&f.dfg.insts[inst]);
            let Some(dest) = target else { continue };
            move_to_front(f, inst, dest);
            for v in f.dfg.insts[inst].operands() {
                let v = f.dfg.resolve_alias(v);
                // The operand is now (also) used in `dest`; `b` may still use it.
                let still_in_b = still_used_in(f, v, b);
                let list = uses.list_mut(v);
                if !list.contains(&dest) {
                    list.push(dest);
                }
                if !still_in_b {
                    list.retain(|&u| u != b);
                }
            }
            moved = true;
        }
    }
    moved
}

/// The successor of `b` that has `b` as its only predecessor and dominates every use
/// block, if `b` ends in a two-way branch and the value has uses, none of them in `b`.
fn sink_target(
    cfg: &ControlFlowGraph,
    dt: &DominatorTree,
    b: Block,
    uses: &[Block],
) -> Option<Block> {
    // Behind an unconditional jump the value runs just as often: moving it would only
    // reorder code that simplify_cfg merges back into one block.
    let conditional = cfg.succs[b].iter().any(|&s| s != cfg.succs[b][0]);
    if uses.is_empty() || uses.contains(&b) || !conditional {
        return None;
    }
    cfg.succs[b].iter().copied().find(|&s| {
        cfg.preds[s].len() == 1
            && uses
                .iter()
                .all(|&u| dt.is_reachable(u) && dt.dominates(s, u))
    })
}

fn still_used_in(f: &Function, v: Value, b: Block) -> bool {
    f.layout.block_insts(b).iter().any(|&i| {
        f.dfg.insts[i]
            .operands()
            .any(|u| f.dfg.resolve_alias(u) == v)
    })
}

fn move_to_front(f: &mut Function, inst: Inst, dest: Block) {
    f.layout.remove_inst(inst);
    f.layout.insert_inst(inst, dest, 0);
}
