//! Inlining of BPF-to-BPF calls, and removal of local functions nobody refers to.
//!
//! Which calls: callees marked `always_inline` (libbpf's `__always_inline`, inlined at
//! every level, -O0 included, as clang does); with `InlinePolicy::full`, also `inline`
//! hints and local (`static`) functions of at most `size_limit` instructions. Never
//! `noinline` callees, never a function into itself. BPF forbids recursion, but the
//! IR may still hold a cycle, so the number of inlined calls per function is bounded.
//!
//! How: the caller's block is split after the call; the callee's blocks are copied
//! (fresh values, blocks and stack slots), its entry parameters become the call's
//! arguments, each `return v` becomes `jump cont(v)`, and the call's result becomes
//! the continuation block's parameter.
//!
//! Invariants: after the pass, unreferenced local functions that are not programs are
//! removed (clang never emits unused static functions).

use cranelift_entity::SecondaryMap;

use crate::entities::{Block, Inst, StackSlot, Value};
use crate::function::{Function, StackSlotData};
use crate::instructions::{BlockCall, InstData};
use crate::module::Module;
use crate::opcodes::Opcode;
use crate::types::Linkage;

/// Inlined calls per caller, at most (a guard against call cycles).
const MAX_INLINES_PER_FUNCTION: usize = 1000;

/// A caller stops growing by inlining past this many instructions (call chains that
/// double at each level would otherwise grow exponentially; BPF programs are limited
/// to 1M instructions anyway). The calls left are ordinary BPF-to-BPF calls.
const MAX_INLINED_SIZE: usize = 100_000;

#[derive(Copy, Clone, Debug)]
pub struct InlinePolicy {
    /// Only `always_inline` callees.
    pub always_only: bool,
    /// Largest local callee (in instructions) inlined without a hint.
    pub size_limit: usize,
}

impl InlinePolicy {
    pub fn always() -> Self {
        InlinePolicy {
            always_only: true,
            size_limit: 0,
        }
    }
    pub fn full(size_limit: usize) -> Self {
        InlinePolicy {
            always_only: false,
            size_limit,
        }
    }
}

fn should_inline(caller: &Function, callee: &Function, policy: InlinePolicy) -> bool {
    if callee.attrs.noinline || callee.name == caller.name || callee.layout.entry_block().is_none()
    {
        return false;
    }
    if callee.attrs.always_inline {
        return true;
    }
    !policy.always_only
        && (callee.attrs.inline_hint
            || (callee.linkage == Linkage::Local && callee.inst_count() <= policy.size_limit))
}

/// Inlines what the policy asks for; returns true if anything changed.
pub fn run(m: &mut Module, policy: InlinePolicy) -> bool {
    let mut changed = false;
    for fi in 0..m.functions.len() {
        let mut count = 0;
        let mut size = m.functions[fi].inst_count();
        // Each scan inlines the call sites present; calls that came in with inlined
        // bodies are found by the next scan.
        'scans: loop {
            let sites = find_calls(m, fi, policy);
            if sites.is_empty() {
                break;
            }
            for (inst, ci) in sites {
                let callee_size = m.functions[ci].inst_count();
                if count >= MAX_INLINES_PER_FUNCTION || size + callee_size > MAX_INLINED_SIZE {
                    break 'scans;
                }
                let callee = m.functions[ci].clone();
                let Some(caller) = m.functions.get_mut(fi) else {
                    break 'scans;
                };
                inline_call(caller, inst, &callee);
                size += callee_size;
                count += 1;
                changed = true;
            }
        }
        if let Some(f) = m.functions.get_mut(fi) {
            f.dfg.resolve_all_aliases();
        }
    }
    changed |= remove_unused_functions(m);
    changed
}

/// The call sites in function `fi` that the policy inlines, in layout order.
fn find_calls(m: &Module, fi: usize, policy: InlinePolicy) -> Vec<(Inst, usize)> {
    let Some(f) = m.functions.get(fi) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &b in f.layout.blocks() {
        for &i in f.layout.block_insts(b) {
            if let InstData::Call {
                op: Opcode::Call,
                func,
                ..
            } = &f.dfg.insts[i]
                && let Some(name) = f.func_refs.get(*func)
                && let Some(ci) = m.function_index(name)
                && should_inline(f, &m.functions[ci], policy)
            {
                out.push((i, ci));
            }
        }
    }
    out
}

/// Replaces `call_inst` in `f` by the body of `callee`.
pub fn inline_call(f: &mut Function, call_inst: Inst, callee: &Function) {
    let Some(block) = f.layout.inst_block(call_inst) else {
        return;
    };
    let InstData::Call { args, .. } = f.dfg.insts[call_inst].clone() else {
        return;
    };
    let Some(callee_entry) = callee.entry_block() else {
        return;
    };
    let call_loc = f.srclocs[call_inst];

    // Split: everything after the call moves to `cont`.
    let insts = f.layout.block_insts(block).to_vec();
    let pos = insts
        .iter()
        .position(|&i| i == call_inst)
        .unwrap_or(insts.len());
    let cont = f.dfg.make_block();
    f.layout
        .set_block_insts(cont, insts.get(pos + 1..).unwrap_or(&[]).to_vec());
    f.layout
        .set_block_insts(block, insts.get(..pos).unwrap_or(&[]).to_vec());
    let result = f.dfg.inst_result(call_inst);
    if let Some(r) = result {
        let ty = f.dfg.value_type(r);
        let p = f.dfg.append_block_param(cont, ty);
        f.dfg.clear_inst_result(call_inst);
        f.dfg.change_to_alias(r, p);
    }

    // Fresh stack slots and blocks.
    let mut slot_map: SecondaryMap<StackSlot, Option<StackSlot>> = SecondaryMap::new();
    for (s, d) in callee.stack_slots.iter() {
        let copy_of = d
            .copy_of
            .and_then(|g| callee.global_refs.get(g))
            .map(|name| f.import_global(name));
        slot_map[s] = Some(f.stack_slots.push(StackSlotData { copy_of, ..*d }));
    }
    let mut block_map: SecondaryMap<Block, Option<Block>> = SecondaryMap::new();
    let mut new_blocks = Vec::with_capacity(callee.layout.blocks().len() + 1);
    for &cb in callee.layout.blocks() {
        let nb = f.dfg.make_block();
        new_blocks.push(nb);
        block_map[cb] = Some(nb);
    }
    new_blocks.push(cont);
    f.layout.insert_blocks_after(&new_blocks, block);
    // Values: entry parameters are the arguments; other parameters are fresh.
    let mut value_map: SecondaryMap<Value, Option<Value>> = SecondaryMap::new();
    for (i, &p) in callee.dfg.block_params(callee_entry).iter().enumerate() {
        value_map[p] = args.get(i).copied();
    }
    for &cb in callee.layout.blocks() {
        if cb == callee_entry {
            continue;
        }
        let Some(nb) = block_map[cb] else { continue };
        for &p in callee.dfg.block_params(cb) {
            value_map[p] = Some(f.dfg.append_block_param(nb, callee.dfg.value_type(p)));
        }
    }
    // Instructions: results first (operands may refer to later definitions).
    let mut inst_map: Vec<(Inst, Inst, Block)> = Vec::new();
    for &cb in callee.layout.blocks() {
        let Some(nb) = block_map[cb] else { continue };
        for &ci in callee.layout.block_insts(cb) {
            let ni = f.dfg.push_inst(InstData::Unreachable);
            if let Some(r) = callee.dfg.inst_result(ci) {
                value_map[r] = Some(f.dfg.make_inst_result(ni, callee.dfg.value_type(r)));
            }
            f.layout.append_inst(ni, nb);
            f.srclocs[ni] = callee.srclocs[ci];
            if let Some(r) = callee.core_relocs.get(&ci) {
                f.core_relocs.insert(ni, r.clone());
            }
            inst_map.push((ci, ni, nb));
        }
    }
    for (ci, ni, _) in inst_map {
        let mut data = callee.dfg.insts[ci].clone();
        data.map_values(|v| {
            let v = callee.dfg.resolve_alias(v);
            value_map[v].unwrap_or(v)
        });
        // Branch targets are callee blocks: map them (before `return` becomes a jump to
        // the caller's `cont`, whose number may collide with a callee block's).
        for d in data.branch_dests_mut() {
            if let Some(nb) = block_map[d.block] {
                d.block = nb;
            }
        }
        data = match data {
            InstData::Return { arg } => {
                let args = if result.is_some() {
                    arg.into_iter().collect()
                } else {
                    Vec::new()
                };
                InstData::Jump {
                    dest: BlockCall::new(cont, args),
                }
            }
            InstData::StackAddr { slot, offset } => InstData::StackAddr {
                slot: slot_map[slot].unwrap_or(slot),
                offset,
            },
            InstData::GlobalAddr { global, offset } => {
                let name = callee.global_refs.get(global).cloned().unwrap_or_default();
                InstData::GlobalAddr {
                    global: f.import_global(&name),
                    offset,
                }
            }
            InstData::FuncAddr { func } => {
                let name = callee.func_refs.get(func).cloned().unwrap_or_default();
                InstData::FuncAddr {
                    func: f.import_func(&name),
                }
            }
            InstData::Call { op, func, args } => {
                let name = callee.func_refs.get(func).cloned().unwrap_or_default();
                InstData::Call {
                    op,
                    func: f.import_func(&name),
                    args,
                }
            }
            other => other,
        };
        f.dfg.insts[ni] = data;
    }
    // The caller's block now jumps into the copy of the callee's entry.
    f.layout.remove_inst(call_inst);
    if let Some(entry_copy) = block_map[callee_entry] {
        let (j, _) = f.dfg.make_inst(
            InstData::Jump {
                dest: BlockCall::new(entry_copy, Vec::new()),
            },
            None,
        );
        f.layout.append_inst(j, block);
        f.srclocs[j] = call_loc;
    }
}

/// Removes local, non-program functions that no call, `func_addr` or data relocation
/// names (repeatedly, since removing one may orphan its callees).
pub fn remove_unused_functions(m: &mut Module) -> bool {
    let mut changed = false;
    loop {
        let mut used = std::collections::BTreeSet::new();
        for f in &m.functions {
            for &b in f.layout.blocks() {
                for &i in f.layout.block_insts(b) {
                    match &f.dfg.insts[i] {
                        InstData::Call { func, .. } | InstData::FuncAddr { func } => {
                            if let Some(n) = f.func_refs.get(*func)
                                && *n != f.name
                            {
                                used.insert(n.clone());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for g in &m.globals {
            for r in &g.relocs {
                used.insert(r.symbol.clone());
            }
        }
        let before = m.functions.len();
        m.functions.retain(|f| {
            f.linkage != Linkage::Local || f.attrs.is_program || used.contains(&f.name)
        });
        if m.functions.len() == before {
            break;
        }
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::{Memory, run as interp};
    use crate::text::parser::parse_module;

    /// Each function calls the previous one twice: full inlining would double the size
    /// at every level. The size cap stops it; calls remain and the result is right.
    #[test]
    fn doubling_call_chain_is_capped() {
        let mut text = String::from(
            "function local @f0(i64) -> i64 section \".text\" always_inline {\nblock0(v0: i64):\n    v1 = iconst.i64 1\n    v2 = iadd v0, v1\n    return v2\n}\n",
        );
        let depth = 17;
        for k in 1..=depth {
            text.push_str(&format!(
                "function local @f{k}(i64) -> i64 section \".text\" always_inline {{\nblock0(v0: i64):\n    v1 = call.i64 @f{p}(v0)\n    v2 = call.i64 @f{p}(v0)\n    v3 = iadd v1, v2\n    return v3\n}}\n",
                p = k - 1
            ));
        }
        text.push_str(&format!(
            "function global @main(i64) -> i64 section \"xdp\" program {{\nblock0(v0: i64):\n    v1 = call.i64 @f{depth}(v0)\n    return v1\n}}\n"
        ));
        let parsed = parse_module(&text, diag::FileId(0));
        assert!(parsed.is_ok());
        let Ok(mut m) = parsed else { return };
        run(&mut m, InlinePolicy::always());
        assert!(crate::verifier::verify_module(&m).is_ok());
        let biggest = m
            .functions
            .iter()
            .map(|f| f.inst_count())
            .max()
            .unwrap_or(0);
        assert!(biggest <= 2 * MAX_INLINED_SIZE, "{biggest}");
        let mut mem = Memory::for_module(&m);
        let mut fuel = 50_000_000;
        let got = interp(&m, "main", &[3], &mut mem, &mut fuel);
        assert_eq!(got, Ok(Some((1i64 << depth) * 4)));
    }
}
