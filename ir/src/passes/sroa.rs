//! Scalar replacement of aggregates: a stack slot (a C struct or array) whose address
//! never escapes — every `stack_addr` of it only feeds the address of non-volatile
//! loads and stores at constant offsets — is split into one slot per accessed field
//! (offset and width), as long as no two accessed fields overlap. `mem2reg` then
//! promotes the new scalar slots to SSA values.
//!
//! Why it matters for BPF: small structs and arrays used as plain locals (`int
//! arr[4]`, a `struct` filled and read field by field) then live in registers instead
//! of the 512-byte stack. Slots handed to helpers (map keys, `bpf_probe_read`
//! buffers) escape and are left alone, which is also what the verifier needs: a
//! helper's memory argument must be initialized stack.
//!
//! Invariants: only rewrites addresses (each access gets its own `stack_addr newslot,
//! 0`); the old `stack_addr`s become dead for DCE. Slot order is deterministic (new
//! slots in order of first access offset).

use cranelift_entity::SecondaryMap;

use crate::entities::{Inst, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::util::all_insts;
use crate::types::Type;

/// One access of a slot: the instruction, the byte offset in the slot, the width.
#[derive(Clone)]
struct Access {
    inst: Inst,
    offset: i64,
    ty: Type,
}

/// Returns true if any slot was split.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    // No slot, no `stack_addr` (each names one of the function's slots): nothing to do.
    // Once mem2reg has promoted every local and dce dropped the slots, many functions
    // have none (bench-compile suite, with the same test in mem2reg, slotwiden, dse,
    // speculate and the private-slot scans: optimize_traced 124.4M -> 117.8M).
    if f.stack_slots.is_empty() {
        return false;
    }
    let insts = all_insts(f);
    // Which slot (and base offset) each `stack_addr` result points into.
    let mut addr_of: SecondaryMap<Value, Option<(StackSlot, i64)>> = map_of_len(f.dfg.values.len());
    for &i in &insts {
        if let InstData::StackAddr { slot, offset } = f.dfg.insts[i]
            && let Some(r) = f.dfg.inst_result(i)
        {
            addr_of[r] = Some((slot, i64::from(offset)));
        }
    }
    let mut escaped: SecondaryMap<StackSlot, bool> = map_of_len(f.stack_slots.len());
    let mut accesses: SecondaryMap<StackSlot, Vec<Access>> = map_of_len(f.stack_slots.len());
    for &i in &insts {
        match &f.dfg.insts[i] {
            InstData::Load {
                mem,
                flags,
                addr,
                offset,
                ..
            } => {
                if let Some((s, base)) = addr_of[*addr] {
                    if flags.volatile {
                        escaped[s] = true;
                    } else {
                        accesses[s].push(Access {
                            inst: i,
                            offset: base + i64::from(*offset),
                            ty: *mem,
                        });
                    }
                }
            }
            InstData::Store {
                flags,
                args: [val, addr],
                offset,
            } => {
                if let Some((s, _)) = addr_of[*val] {
                    escaped[s] = true;
                }
                if let Some((s, base)) = addr_of[*addr] {
                    if flags.volatile {
                        escaped[s] = true;
                    } else {
                        let ty = f.dfg.value_type(*val);
                        accesses[s].push(Access {
                            inst: i,
                            offset: base + i64::from(*offset),
                            ty,
                        });
                    }
                }
            }
            other => {
                for v in other.operands() {
                    if let Some((s, _)) = addr_of[v] {
                        escaped[s] = true;
                    }
                }
            }
        }
    }
    let mut changed = false;
    let slots: Vec<StackSlot> = f.stack_slots.keys().collect();
    for s in slots {
        if escaped[s] || accesses[s].is_empty() {
            continue;
        }
        let size = i64::from(f.stack_slots[s].size);
        // The distinct fields, by offset then width.
        let mut fields: Vec<(i64, Type)> = accesses[s].iter().map(|a| (a.offset, a.ty)).collect();
        fields.sort_by_key(|&(o, t)| (o, t.bits()));
        fields.dedup();
        let in_bounds = fields
            .iter()
            .all(|&(o, t)| o >= 0 && o + i64::from(t.bytes()) <= size);
        let disjoint = fields
            .windows(2)
            .all(|w| w[0].0 + i64::from(w[0].1.bytes()) <= w[1].0);
        let already_scalar =
            fields.len() == 1 && fields[0].0 == 0 && i64::from(fields[0].1.bytes()) == size;
        if !in_bounds || !disjoint || already_scalar {
            continue;
        }
        let new_slots: Vec<StackSlot> = fields
            .iter()
            .map(|&(_, t)| f.create_stack_slot(t.bytes(), t.bytes()))
            .collect();
        let list = std::mem::take(&mut accesses[s]);
        for a in list {
            let Some(idx) = fields.iter().position(|&(o, t)| o == a.offset && t == a.ty) else {
                continue;
            };
            let (ai, av) = f.dfg.make_inst(
                InstData::StackAddr {
                    slot: new_slots[idx],
                    offset: 0,
                },
                None,
            );
            let Some(av) = av else { continue };
            f.layout.insert_inst_before(ai, a.inst);
            f.srclocs[ai] = f.srclocs[a.inst];
            match &mut f.dfg.insts[a.inst] {
                InstData::Load { addr, offset, .. } => {
                    *addr = av;
                    *offset = 0;
                }
                InstData::Store { args, offset, .. } => {
                    args[1] = av;
                    *offset = 0;
                }
                _ => {}
            }
        }
        changed = true;
    }
    changed
}
