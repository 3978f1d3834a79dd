//! Loads and stores through a choice of two stack addresses become accesses of each
//! address: C's struct-valued `c ? a : b` (and `p = c ? left : right; p[i]`) reaches the
//! IR as a block parameter (or a `select`) that is one of two local addresses, and the
//! accesses through it as loads and stores at that parameter. Each such load becomes a
//! load from each address, at the same point, and a `select` between the two values on
//! a new 0/1 block parameter (or the `select`'s condition); each such store becomes a
//! branch on that choice to one store to each address. The locals are then only
//! accessed at fixed places, so `sroa` and `mem2reg` can keep them in registers (and a
//! local initialized from a constant no longer keeps that constant in the object,
//! `constlocal`). LLVM's SROA rewrites loads and stores of selects of allocas the same
//! way (`rewriteMemOpOfSelect`: a load is speculated, a store is put under an if/else).
//!
//! When: every incoming value of the parameter is a `stack_addr` (two distinct slot and
//! offset pairs in all), every use of it is the address of a non-volatile load or
//! store, and each access stays inside both slots. Both loads run where the original
//! one ran, so a store between the choice and the load is seen as before; a store
//! still writes only the chosen slot.
//!
//! Verifier note: a stack access is in bounds or rejected, so each access is checked to
//! lie within its slot. The load from the slot not chosen reads a slot of this frame, as
//! clang's code does after the same transformation.

use cranelift_entity::SecondaryMap;

use crate::dfg::ValueDef;
use crate::entities::{Block, Inst, StackSlot, Value};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::passes::util::{all_insts, def, emit_before};
use crate::types::Type;

/// Returns true if any access changed.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    // Splitting is rare (3 of 286 runs over the bench-compile suite change anything):
    // one scan for its preconditions is far cheaper than the per-value maps and lists
    // built below (suite: this pass about 10.4M -> 1.5M instructions).
    if f.stack_slots.is_empty() || !has_candidates(f) {
        return false;
    }
    let insts = all_insts(f);
    // Per value: the non-volatile loads and stores that use it as their address, and
    // whether anything else uses it (a store of it as the value, for one).
    let mut accesses: SecondaryMap<Value, Option<Vec<Inst>>> = SecondaryMap::new();
    let mut other_use: SecondaryMap<Value, bool> = SecondaryMap::new();
    for &i in &insts {
        let data = &f.dfg.insts[i];
        let mut operands = data.values();
        if let Some(addr) = access_addr(data) {
            accesses[addr].get_or_insert_with(Vec::new).push(i);
            if let Some(k) = operands.iter().rposition(|&v| v == addr) {
                operands.remove(k);
            }
        }
        for v in operands {
            other_use[v] = true;
        }
    }
    let mut changed = false;
    // Parameters first, in block order, then selects.
    for b in f.layout.blocks().to_vec() {
        for (idx, &p) in f.dfg.block_params(b).to_vec().iter().enumerate() {
            let Some(users) = accesses[p].clone().filter(|_| !other_use[p]) else {
                continue;
            };
            let Some(choice) = param_choice(f, b, idx) else {
                continue;
            };
            if !all_in_bounds(f, &users, &choice.sources) {
                continue;
            }
            let sel = f.dfg.append_block_param(b, Type::I32);
            for (branch, dest_idx, first) in choice.edges {
                let k = emit_before(
                    f,
                    branch,
                    InstData::Iconst {
                        imm: i64::from(first),
                    },
                    Type::I32,
                );
                f.dfg.insts[branch].branch_dests_mut()[dest_idx]
                    .args
                    .push(k);
            }
            for i in users {
                split_access(f, i, sel, &choice.sources);
            }
            changed = true;
        }
    }
    for &i in &insts {
        let InstData::Select { args: [c, x, y] } = f.dfg.insts[i] else {
            continue;
        };
        let Some(r) = f.dfg.inst_result(i) else {
            continue;
        };
        let Some(users) = accesses[r].clone().filter(|_| !other_use[r]) else {
            continue;
        };
        let (Some(a), Some(b)) = (stack_addr_of(f, x), stack_addr_of(f, y)) else {
            continue;
        };
        let sources = [a, b];
        if !all_in_bounds(f, &users, &sources) {
            continue;
        }
        for u in users {
            split_access(f, u, c, &sources);
        }
        changed = true;
    }
    changed
}

/// Whether `run` may find something to split: some non-volatile load or store goes
/// through a block parameter or a `select`, and some `stack_addr` result is a branch
/// argument or a `select` operand (every choice `run` splits is between two of those;
/// packet cursors are parameters too, but between packet pointers). Without stack
/// slots there is no `stack_addr` and `run` does not even look.
fn has_candidates(f: &Function) -> bool {
    let mut choice_access = false;
    let mut chosen_stack_addr = false;
    for &b in f.layout.blocks() {
        for &i in f.layout.block_insts(b) {
            let data = &f.dfg.insts[i];
            if let Some(addr) = access_addr(data) {
                choice_access |= match f.dfg.value_def(addr) {
                    ValueDef::Param(..) => true,
                    ValueDef::Result(d) => matches!(f.dfg.insts[d], InstData::Select { .. }),
                    ValueDef::Alias(_) => false,
                };
            }
            let choices: &[Value] = match data {
                InstData::Select { args } => &args[1..],
                _ => &[],
            };
            chosen_stack_addr |= choices
                .iter()
                .chain(data.branch_targets().flat_map(|d| &d.args))
                .any(|&v| stack_addr_of(f, v).is_some());
        }
    }
    choice_access && chosen_stack_addr
}

/// The address of a non-volatile load or store.
fn access_addr(data: &InstData) -> Option<Value> {
    match data {
        InstData::Load { addr, flags, .. } if !flags.volatile => Some(*addr),
        InstData::Store {
            args: [_, addr],
            flags,
            ..
        } if !flags.volatile => Some(*addr),
        _ => None,
    }
}

/// A block parameter that is one of two stack addresses: the two (slot, offset) pairs
/// and, per incoming edge, its branch, the index of that edge among the branch's
/// destinations, and whether it passes the first pair.
struct Choice {
    sources: [(StackSlot, i32); 2],
    edges: Vec<(Inst, usize, bool)>,
}

fn param_choice(f: &Function, b: Block, idx: usize) -> Option<Choice> {
    let mut sources: Vec<(StackSlot, i32)> = Vec::new();
    let mut edges = Vec::new();
    for pred in f.layout.blocks() {
        let Some(branch) = f.layout.last_inst(*pred) else {
            continue;
        };
        for (d, dest) in f.dfg.insts[branch].branch_targets().enumerate() {
            if dest.block != b {
                continue;
            }
            let src = stack_addr_of(f, *dest.args.get(idx)?)?;
            if !sources.contains(&src) {
                sources.push(src);
            }
            edges.push((branch, d, src == sources[0]));
        }
    }
    let sources: [(StackSlot, i32); 2] = sources.try_into().ok()?;
    Some(Choice { sources, edges })
}

/// The slot and offset of a `stack_addr` result.
fn stack_addr_of(f: &Function, v: Value) -> Option<(StackSlot, i32)> {
    match def(f, v)? {
        (_, &InstData::StackAddr { slot, offset }) => Some((slot, offset)),
        _ => None,
    }
}

/// Whether every access, to either source, touches bytes of that source's slot only.
fn all_in_bounds(f: &Function, accesses: &[Inst], sources: &[(StackSlot, i32); 2]) -> bool {
    accesses.iter().all(|&i| {
        let (offset, bytes) = match f.dfg.insts[i] {
            InstData::Load { mem, offset, .. } => (offset, mem.bytes()),
            InstData::Store {
                args: [v, _],
                offset,
                ..
            } => (offset, f.dfg.value_type(v).bytes()),
            _ => return false,
        };
        sources.iter().all(|&(slot, base)| {
            let start = i64::from(base) + i64::from(offset);
            let size = i64::from(f.stack_slots[slot].size);
            start >= 0 && start + i64::from(bytes) <= size
        })
    })
}

/// Splits access `i` (a load or a store) over the two sources, by `cond` (non-zero: the
/// first source).
fn split_access(f: &mut Function, i: Inst, cond: Value, sources: &[(StackSlot, i32); 2]) {
    if let InstData::Store { .. } = f.dfg.insts[i] {
        split_store(f, i, cond, sources);
    } else {
        split_load(f, i, cond, sources);
    }
}

/// Replaces load `l` by a load from each source and a `select` on `cond` (non-zero: the
/// first source).
fn split_load(f: &mut Function, l: Inst, cond: Value, sources: &[(StackSlot, i32); 2]) {
    let Some(r) = f.dfg.inst_result(l) else {
        return;
    };
    let ty = f.dfg.value_type(r);
    let load = f.dfg.insts[l].clone();
    let [x, y] = sources.map(|(slot, base)| {
        let at = emit_before(f, l, InstData::StackAddr { slot, offset: base }, Type::I64);
        let mut copy = load.clone();
        if let InstData::Load { addr, .. } = &mut copy {
            *addr = at;
        }
        emit_before(f, l, copy, ty)
    });
    f.dfg.insts[l] = InstData::Select { args: [cond, x, y] };
}

/// Replaces store `st` by a branch on `cond` to a store to the first source (non-zero)
/// or to the second, each in a block of its own that jumps to a new block holding what
/// followed `st` in its block.
fn split_store(f: &mut Function, st: Inst, cond: Value, sources: &[(StackSlot, i32); 2]) {
    let Some(block) = f.layout.inst_block(st) else {
        return;
    };
    let loc = f.srclocs[st];
    let insts = f.layout.block_insts(block).to_vec();
    let pos = insts.iter().position(|&i| i == st).unwrap_or(insts.len());
    let cont = f.dfg.make_block();
    f.layout
        .set_block_insts(cont, insts.get(pos + 1..).unwrap_or(&[]).to_vec());
    f.layout
        .set_block_insts(block, insts.get(..pos).unwrap_or(&[]).to_vec());
    let store = f.dfg.insts[st].clone();
    let arms = sources.map(|(slot, base)| {
        let arm = f.dfg.make_block();
        let (at, addr) = f
            .dfg
            .make_inst(InstData::StackAddr { slot, offset: base }, Some(Type::I64));
        let mut copy = store.clone();
        if let (InstData::Store { args, .. }, Some(addr)) = (&mut copy, addr) {
            args[1] = addr;
        }
        let (put, _) = f.dfg.make_inst(copy, None);
        let (jump, _) = f.dfg.make_inst(
            InstData::Jump {
                dest: BlockCall::new(cont, Vec::new()),
            },
            None,
        );
        for i in [at, put, jump] {
            f.layout.append_inst(i, arm);
            f.srclocs[i] = loc;
        }
        arm
    });
    let (branch, _) = f.dfg.make_inst(
        InstData::Brif {
            cond,
            then_dest: BlockCall::new(arms[0], Vec::new()),
            else_dest: BlockCall::new(arms[1], Vec::new()),
        },
        None,
    );
    f.layout.append_inst(branch, block);
    f.srclocs[branch] = loc;
    f.layout
        .insert_blocks_after(&[arms[0], arms[1], cont], block);
}
