//! Dead code elimination by liveness marking: the operands of instructions with side
//! effects (stores, calls, atomics, volatile loads, terminators' conditions and return
//! values) are live; a live result makes its instruction's operands live; a live
//! block parameter makes the matching argument on every incoming edge live.
//! Everything else goes: pure instructions whose result is not live, and block
//! parameters that are not live (with their branch arguments), including dead cycles
//! of parameters around loops.
//!
//! Unused stack slots are dropped and the rest renumbered.
//!
//! Invariants: never removes side effects; never touches the entry block's parameters
//! (the function's).

use cranelift_entity::{PrimaryMap, SecondaryMap};

use crate::cfg::ControlFlowGraph;
use crate::dfg::ValueDef;
use crate::entities::{Inst, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::util::all_insts;

/// Returns true if anything was removed.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    let cfg = ControlFlowGraph::compute(f);
    let mut live: SecondaryMap<Value, bool> = map_of_len(f.dfg.values.len());
    let mut work: Vec<Value> = Vec::new();
    let insts = all_insts(f);
    for &i in &insts {
        let data = &f.dfg.insts[i];
        if data.has_side_effects() {
            work.extend(data.fixed_operands());
        }
    }
    while let Some(v) = work.pop() {
        let v = f.dfg.resolve_alias(v);
        if live[v] {
            continue;
        }
        live[v] = true;
        match f.dfg.value_def(v) {
            ValueDef::Result(inst) => work.extend(f.dfg.insts[inst].fixed_operands()),
            ValueDef::Param(b, idx) => {
                for &(_, inst, d) in &cfg.preds[b] {
                    if let Some(a) = f.dfg.insts[inst]
                        .branch_targets()
                        .nth(d)
                        .and_then(|dest| dest.args.get(idx))
                    {
                        work.push(*a);
                    }
                }
            }
            ValueDef::Alias(_) => {}
        }
    }
    let mut changed = false;
    let keep = |i: Inst| {
        f.dfg.insts[i].has_side_effects() || f.dfg.inst_result(i).is_some_and(|r| live[r])
    };
    let mut rewrites = Vec::new();
    for &b in f.layout.blocks() {
        // Most blocks keep everything: a new list only for those that do not.
        let old = f.layout.block_insts(b);
        if !old.iter().all(|&i| keep(i)) {
            rewrites.push((
                b,
                old.iter().copied().filter(|&i| keep(i)).collect::<Vec<_>>(),
            ));
        }
    }
    for (b, kept) in rewrites {
        f.layout.set_block_insts(b, kept);
        changed = true;
    }
    let entry = f.entry_block();
    for b in f.layout.blocks().to_vec() {
        if Some(b) == entry {
            continue;
        }
        let params = f.dfg.block_params(b).to_vec();
        for idx in (0..params.len()).rev() {
            if live[params[idx]] {
                continue;
            }
            f.dfg.remove_block_param(b, idx);
            for &(_, inst, d) in &cfg.preds[b] {
                if let Some(dest) = f.dfg.insts[inst].branch_dests_mut().into_iter().nth(d)
                    && idx < dest.args.len()
                {
                    dest.args.remove(idx);
                }
            }
            changed = true;
        }
    }
    changed |= compact_stack_slots(f);
    crate::passes::util::prune_core_relocs(f);
    changed
}

/// Drops stack slots that no `stack_addr` names any more (after mem2reg or DCE) and
/// renumbers the rest in order, so codegen's frame holds only what is used.
pub fn compact_stack_slots(f: &mut Function) -> bool {
    let mut used: SecondaryMap<StackSlot, bool> = SecondaryMap::new();
    let insts = all_insts(f);
    for &i in &insts {
        if let InstData::StackAddr { slot, .. } = f.dfg.insts[i] {
            used[slot] = true;
        }
    }
    if f.stack_slots.keys().all(|s| used[s]) {
        return false;
    }
    let mut new_slots = PrimaryMap::new();
    let mut remap: SecondaryMap<StackSlot, Option<StackSlot>> = SecondaryMap::new();
    for (s, d) in f.stack_slots.iter() {
        if used[s] {
            remap[s] = Some(new_slots.push(*d));
        }
    }
    for &i in &insts {
        if let InstData::StackAddr { slot, .. } = &mut f.dfg.insts[i]
            && let Some(n) = remap[*slot]
        {
            *slot = n;
        }
    }
    f.stack_slots = new_slots;
    true
}
