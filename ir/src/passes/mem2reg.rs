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
use crate::entities::{Block, Inst, StackSlot, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::params::remove_trivial_params;
use crate::passes::util::all_insts;
use crate::types::Type;

/// Promotes every promotable slot; returns true if any was.
pub fn run(f: &mut Function) -> bool {
    let candidates = promotable_slots(f);
    if candidates.is_empty() {
        return false;
    }
    for (slot, ty) in candidates {
        promote(f, slot, ty);
    }
    remove_trivial_params(f);
    f.dfg.resolve_all_aliases();
    crate::passes::dce::run(f);
    true
}

/// Slots that qualify, with the scalar type they hold, in slot order.
fn promotable_slots(f: &Function) -> Vec<(StackSlot, Type)> {
    // For each slot: Some(type) while it still qualifies, None once disqualified.
    let mut state: SecondaryMap<StackSlot, Option<Option<Type>>> = SecondaryMap::new();
    let mut addr_slot: SecondaryMap<Value, Option<StackSlot>> = SecondaryMap::new();
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
                for v in other.values() {
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

fn is_slot_addr(f: &Function, v: Value, slot: StackSlot) -> bool {
    match f.dfg.value_def(f.dfg.resolve_alias(v)) {
        crate::dfg::ValueDef::Result(i) => {
            matches!(f.dfg.insts[i], InstData::StackAddr { slot: s, .. } if s == slot)
        }
        _ => false,
    }
}

fn promote(f: &mut Function, slot: StackSlot, ty: Type) {
    let cfg = ControlFlowGraph::compute(f);
    let entry = f.entry_block();
    let blocks: Vec<Block> = f.layout.blocks().to_vec();
    // A parameter in every block that has predecessors.
    let mut param: SecondaryMap<Block, Option<(Value, usize)>> = SecondaryMap::new();
    for &b in &blocks {
        if Some(b) != entry && !cfg.preds[b].is_empty() {
            let idx = f.dfg.block_params(b).len();
            let p = f.dfg.append_block_param(b, ty);
            param[b] = Some((p, idx));
        }
    }
    for &b in &blocks {
        let mut current: Option<Value> = param[b].map(|(p, _)| p);
        let insts: Vec<Inst> = f.layout.block_insts(b).to_vec();
        let mut kept = Vec::with_capacity(insts.len());
        let mut zero: Option<Value> = None;
        for inst in insts {
            match f.dfg.insts[inst].clone() {
                InstData::Load { mem, ext, addr, .. } if is_slot_addr(f, addr, slot) => {
                    let v = match current {
                        Some(v) => v,
                        None => {
                            let z = make_zero(f, ty, &mut kept, &mut zero);
                            current = Some(z);
                            z
                        }
                    };
                    let Some(r) = f.dfg.inst_result(inst) else {
                        continue;
                    };
                    let rty = f.dfg.value_type(r);
                    if rty == mem {
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
                } if is_slot_addr(f, addr, slot) => {
                    current = Some(val);
                }
                _ => kept.push(inst),
            }
        }
        // Pass the value along every outgoing edge that expects it.
        if let Some(&t) = kept.last() {
            let dests: Vec<Block> = f.dfg.insts[t]
                .branch_dests()
                .iter()
                .map(|d| d.block)
                .collect();
            for (d, target) in dests.into_iter().enumerate() {
                let Some((_, idx)) = param[target] else {
                    continue;
                };
                let v = match current {
                    Some(v) => v,
                    None => {
                        let z = make_zero(f, ty, &mut kept, &mut zero);
                        current = Some(z);
                        z
                    }
                };
                if let Some(dest) = f.dfg.insts[t].branch_dests_mut().into_iter().nth(d) {
                    if dest.args.len() <= idx {
                        dest.args.resize(idx + 1, v);
                    }
                    dest.args[idx] = v;
                }
            }
        }
        f.layout.set_block_insts(b, kept);
    }
}

/// The block's `iconst 0` standing for "never written", made at its start on first need.
fn make_zero(f: &mut Function, ty: Type, kept: &mut Vec<Inst>, zero: &mut Option<Value>) -> Value {
    if let Some(z) = *zero {
        return z;
    }
    let (inst, v) = f.dfg.make_inst(InstData::Iconst { imm: 0 }, Some(ty));
    let v = v.unwrap_or_else(|| f.dfg.make_inst_result(inst, ty));
    kept.insert(0, inst);
    *zero = Some(v);
    v
}
