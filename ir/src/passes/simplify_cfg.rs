//! CFG simplification: `brif` with two identical targets becomes `jump`; jumps through
//! empty blocks are threaded to their final target; a block that is the only
//! predecessor of its `jump` target absorbs it; blocks unreachable from the entry are
//! removed.
//!
//! Invariants: the entry block stays first and is never a branch target; block
//! parameters of a merged block become aliases of the jump's arguments. Verifier
//! note: no instruction is moved across a branch, so checks keep guarding accesses.

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, reverse_post_order};
use crate::entities::{Block, Inst};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::passes::util::use_counts;

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    loop {
        let mut round = fold_same_target_brif(f);
        round |= thread_jumps(f);
        round |= merge_blocks(f);
        round |= remove_unreachable(f);
        if !round {
            break;
        }
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    crate::passes::util::prune_core_relocs(f);
    changed
}

fn terminator(f: &Function, b: Block) -> Option<Inst> {
    f.layout
        .last_inst(b)
        .filter(|&i| f.dfg.insts[i].is_terminator())
}

fn same_call(f: &Function, a: &BlockCall, b: &BlockCall) -> bool {
    a.block == b.block
        && a.args.len() == b.args.len()
        && a.args
            .iter()
            .zip(&b.args)
            .all(|(&x, &y)| f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y))
}

fn fold_same_target_brif(f: &mut Function) -> bool {
    let mut changed = false;
    for b in f.layout.blocks().to_vec() {
        let Some(t) = terminator(f, b) else { continue };
        if let InstData::Brif {
            then_dest,
            else_dest,
            ..
        } = &f.dfg.insts[t]
            && same_call(f, then_dest, else_dest)
        {
            let dest = then_dest.clone();
            f.dfg.insts[t] = InstData::Jump { dest };
            changed = true;
        }
    }
    changed
}

fn thread_jumps(f: &mut Function) -> bool {
    let uses = use_counts(f);
    let cfg = ControlFlowGraph::compute(f);
    let mut changed = false;
    let entry = f.entry_block();
    for b in f.layout.blocks().to_vec() {
        if Some(b) == entry || f.layout.block_insts(b).len() != 1 {
            continue;
        }
        let Some(t) = terminator(f, b) else { continue };
        let InstData::Jump { dest } = f.dfg.insts[t].clone() else {
            continue;
        };
        if dest.block == b {
            continue;
        }
        let params = f.dfg.block_params(b).to_vec();
        // The block's parameters must not be used past it (only in its own jump).
        let escapes = params.iter().any(|&p| {
            let own = dest
                .args
                .iter()
                .filter(|&&a| f.dfg.resolve_alias(a) == p)
                .count();
            uses[p] as usize != own
        });
        if escapes {
            continue;
        }
        for &(_, inst, d) in &cfg.preds[b] {
            if inst == t {
                continue;
            }
            // The edge list is from the start of the pass: skip edges moved since.
            let Some(edge) = f.dfg.insts[inst]
                .branch_dests()
                .get(d)
                .map(|e| (*e).clone())
                .filter(|e| e.block == b)
            else {
                continue;
            };
            if edge.args.len() != params.len() {
                continue;
            }
            let args = dest
                .args
                .iter()
                .map(|&a| {
                    let a = f.dfg.resolve_alias(a);
                    match params.iter().position(|&p| p == a) {
                        Some(i) => edge.args[i],
                        None => a,
                    }
                })
                .collect();
            if let Some(e) = f.dfg.insts[inst].branch_dests_mut().into_iter().nth(d) {
                *e = BlockCall::new(dest.block, args);
                changed = true;
            }
        }
    }
    changed
}

fn merge_blocks(f: &mut Function) -> bool {
    let mut changed = false;
    let entry = f.entry_block();
    let mut counts: SecondaryMap<Block, u32> = SecondaryMap::new();
    let cfg = ControlFlowGraph::compute(f);
    for &b in f.layout.blocks() {
        counts[b] = u32::try_from(cfg.preds[b].len()).unwrap_or(u32::MAX);
    }
    for b in f.layout.blocks().to_vec() {
        if !f.layout.is_block_inserted(b) {
            continue;
        }
        while let Some(t) = terminator(f, b)
            && let InstData::Jump { dest } = f.dfg.insts[t].clone()
        {
            let c = dest.block;
            if c == b || Some(c) == entry || counts[c] != 1 || !f.layout.is_block_inserted(c) {
                break;
            }
            let params = f.dfg.block_params(c).to_vec();
            if params.len() != dest.args.len() {
                break;
            }
            for (&p, &a) in params.iter().zip(&dest.args) {
                f.dfg.change_to_alias(p, a);
            }
            while !f.dfg.block_params(c).is_empty() {
                f.dfg.remove_block_param(c, 0);
            }
            let mut insts = f.layout.block_insts(b).to_vec();
            insts.pop();
            insts.extend_from_slice(f.layout.block_insts(c));
            f.layout.remove_block(c);
            f.layout.set_block_insts(b, insts);
            changed = true;
        }
    }
    changed
}

fn remove_unreachable(f: &mut Function) -> bool {
    let cfg = ControlFlowGraph::compute(f);
    let mut reachable: SecondaryMap<Block, bool> = SecondaryMap::new();
    for b in reverse_post_order(f, &cfg) {
        reachable[b] = true;
    }
    let dead: Vec<Block> = f
        .layout
        .blocks()
        .iter()
        .copied()
        .filter(|&b| !reachable[b])
        .collect();
    for &b in &dead {
        f.layout.remove_block(b);
    }
    !dead.is_empty()
}
