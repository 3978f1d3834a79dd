//! Promotion of stack slots to SSA values ("mem2reg").
//!
//! A slot is promoted when every use of its address is `stack_addr ssN, 0` feeding
//! only the address operand of non-volatile `load`s and `store`s at offset 0 whose
//! width is the slot's size (so the slot is one scalar C variable whose address never
//! escapes). Then every non-entry block with predecessors gets a parameter for the
//! slot, loads become the current value, stores set it, branches pass it along, and the
//! trivial parameters are removed again (the fixpoint of Braun et al.'s trivial-phi
//! removal gives the usual pruned form for the CFGs C produces).
//!
//! Invariants: a read before any write yields 0 (C leaves it undefined; BPF's verifier
//! would reject reading uninitialized stack anyway). Volatile accesses and slots whose
//! address escapes (calls, pointer arithmetic, stored as data) stay in memory, which is
//! also what the verifier expects for pointers handed to helpers.

use cranelift_entity::SecondaryMap;

use crate::cfg::ControlFlowGraph;
use crate::entities::{Block, Inst, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::params::remove_trivial_params;
use crate::passes::util::all_insts;
use crate::types::Type;

/// Promotes every promotable slot; returns true if any was.
pub fn run(f: &mut Function) -> bool {
    // No slot, no `stack_addr`: nothing to do (see `sroa::run`).
    if f.stack_slots.is_empty() {
        return false;
    }
    let candidates = promotable_slots(f);
    if candidates.is_empty() {
        return false;
    }
    promote(f, &candidates);
    remove_trivial_params(f);
    f.dfg.resolve_all_aliases();
    crate::passes::dce::run(f);
    true
}

/// Slots that qualify, with the scalar type they hold, in slot order.
fn promotable_slots(f: &Function) -> Vec<(StackSlot, Type)> {
    // For each slot: Some(type) while it still qualifies, None once disqualified.
    let mut state: SecondaryMap<StackSlot, Option<Option<Type>>> = map_of_len(f.stack_slots.len());
    let mut addr_slot: SecondaryMap<Value, Option<StackSlot>> = map_of_len(f.dfg.values.len());
    let insts = all_insts(f);
    for &i in &insts {
        if let InstData::StackAddr { slot, offset } = f.dfg.insts[i]
            && let Some(r) = f.dfg.inst_result(i)
        {
            addr_slot[r] = Some(slot);
            if offset != 0 {
                state[slot] = Some(None);
            }
        }
    }
    let note = |state: &mut SecondaryMap<StackSlot, Option<Option<Type>>>,
                slot: StackSlot,
                ty: Option<Type>| {
        let size = f.stack_slots.get(slot).map(|d| d.size);
        let ok = ty.is_some_and(|t| Some(t.bytes()) == size);
        state[slot] = match (state[slot], ok) {
            (Some(None), _) | (_, false) => Some(None),
            (None, true) => Some(ty),
            (Some(prev), true) => {
                if prev == ty {
                    Some(prev)
                } else {
                    Some(None)
                }
            }
        };
    };
    for &i in &insts {
        let data = &f.dfg.insts[i];
        match data {
            InstData::Load {
                mem,
                flags,
                addr,
                offset,
                ..
            } => {
                if let Some(slot) = addr_slot[*addr] {
                    let ok = !flags.volatile && *offset == 0;
                    note(&mut state, slot, if ok { Some(*mem) } else { None });
                    // A widening load reads `mem` and extends; the slot still holds `mem`.
                }
            }
            InstData::Store {
                flags,
                args: [val, addr],
                offset,
            } => {
                if let Some(slot) = addr_slot[*val] {
                    note(&mut state, slot, None);
                }
                if let Some(slot) = addr_slot[*addr] {
                    let ok = !flags.volatile && *offset == 0;
                    note(
                        &mut state,
                        slot,
                        if ok {
                            Some(f.dfg.value_type(*val))
                        } else {
                            None
                        },
                    );
                }
            }
            other => {
                for v in other.operands() {
                    if let Some(slot) = addr_slot[v] {
                        note(&mut state, slot, None);
                    }
                }
            }
        }
    }
    f.stack_slots
        .keys()
        .filter_map(|s| match state[s] {
            Some(Some(t)) => Some((s, t)),
            _ => None,
        })
        .collect()
}

/// The slot whose `stack_addr` defines `v` (after aliases), if any.
fn slot_of_addr(f: &Function, v: Value) -> Option<StackSlot> {
    match f.dfg.value_def(f.dfg.resolve_alias(v)) {
        crate::dfg::ValueDef::Result(i) => match f.dfg.insts[i] {
            InstData::StackAddr { slot, .. } => Some(slot),
            _ => None,
        },
        _ => None,
    }
}

/// Promotes the `slots` (each with its scalar type) in one walk over the function: a
/// parameter per slot in every block with predecessors, then each block's loads and
/// stores of a slot read and set its current value, and its branches pass the values on.
/// (One walk per slot made this quadratic: a program with many small structs spent half
/// its optimization time here.)
fn promote(f: &mut Function, slots: &[(StackSlot, Type)]) {
    let cfg = ControlFlowGraph::compute(f);
    let entry = f.entry_block();
    let blocks: Vec<Block> = f.layout.blocks().to_vec();
    let mut index: SecondaryMap<StackSlot, Option<usize>> = SecondaryMap::new();
    for (k, &(slot, _)) in slots.iter().enumerate() {
        index[slot] = Some(k);
    }
    let promoted = |f: &Function, addr: Value| slot_of_addr(f, addr).and_then(|s| index[s]);
    // A block with predecessors gets one parameter per slot, from position `first`.
    let mut first: SecondaryMap<Block, Option<usize>> = SecondaryMap::new();
    for &b in &blocks {
        if Some(b) != entry && !cfg.preds[b].is_empty() {
            first[b] = Some(f.dfg.block_params(b).len());
            for &(_, ty) in slots {
                f.dfg.append_block_param(b, ty);
            }
        }
    }
    for &b in &blocks {
        let mut current: Vec<Option<Value>> = match first[b] {
            Some(at) => f.dfg.block_params(b)[at..]
                .iter()
                .map(|&p| Some(p))
                .collect(),
            None => vec![None; slots.len()],
        };
        let insts: Vec<Inst> = f.layout.block_insts(b).to_vec();
        let mut kept = Vec::with_capacity(insts.len());
        let mut zeros: Vec<(Type, Value)> = Vec::new();
        for inst in insts {
            match f.dfg.insts[inst] {
                InstData::Load { mem, ext, addr, .. } if let Some(k) = promoted(f, addr) => {
                    let v = match current[k] {
                        Some(v) => v,
                        None => make_zero(f, slots[k].1, &mut kept, &mut zeros),
                    };
                    current[k] = Some(v);
                    let Some(r) = f.dfg.inst_result(inst) else {
                        continue;
                    };
                    if f.dfg.value_type(r) == mem {
                        f.dfg.change_to_alias(r, v);
                    } else {
                        // A widening load of the slot becomes an extension.
                        let op = match ext {
                            crate::types::Ext::Sign => crate::opcodes::Opcode::Sextend,
                            crate::types::Ext::Zero => crate::opcodes::Opcode::Uextend,
                        };
                        f.dfg.insts[inst] = InstData::Convert { op, arg: v };
                        kept.push(inst);
                    }
                }
                InstData::Store {
                    args: [val, addr], ..
                } if let Some(k) = promoted(f, addr) => current[k] = Some(val),
                _ => kept.push(inst),
            }
        }
        // Pass the values along every outgoing edge that expects them.
        if let Some(&t) = kept.last() {
            let dests: Vec<Block> = f.dfg.insts[t].branch_targets().map(|d| d.block).collect();
            for (d, target) in dests.into_iter().enumerate() {
                let Some(at) = first[target] else {
                    continue;
                };
                let mut values = Vec::with_capacity(slots.len());
                for (k, &(_, ty)) in slots.iter().enumerate() {
                    let v = match current[k] {
                        Some(v) => v,
                        None => make_zero(f, ty, &mut kept, &mut zeros),
                    };
                    current[k] = Some(v);
                    values.push(v);
                }
                if let Some(dest) = f.dfg.insts[t].branch_dests_mut().into_iter().nth(d) {
                    dest.args.truncate(at);
                    dest.args.extend(values);
                }
            }
        }
        f.layout.set_block_insts(b, kept);
    }
}

/// The block's `iconst 0` of type `ty` standing for "never written", made at its start on
/// first need.
fn make_zero(
    f: &mut Function,
    ty: Type,
    kept: &mut Vec<Inst>,
    zeros: &mut Vec<(Type, Value)>,
) -> Value {
    if let Some(&(_, z)) = zeros.iter().find(|(t, _)| *t == ty) {
        return z;
    }
    let (inst, v) = f.dfg.make_inst(InstData::Iconst { imm: 0 }, Some(ty));
    let v = v.unwrap_or_else(|| f.dfg.make_inst_result(inst, ty));
    kept.insert(0, inst);
    zeros.push((ty, v));
    v
}
