//! Locals that are copies of constants: a stack slot whose only write is one `memcpy`
//! of the whole slot from a constant global (what the frontend emits for a local
//! aggregate with a constant initializer, as clang does: `__const.<fn>.<var>`), and
//! whose addresses only reach loads, `memcpy` sources and read-only parameters of
//! module functions, is replaced by the global itself: every `stack_addr ssN, off`
//! becomes `global_addr @g, off` and the copy goes away.
//!
//! This is LLVM's InstCombine rule for allocas "only copied from constant memory"
//! (`isOnlyCopiedFromConstantMemory`): loads, GEPs, phis and selects are fine, a call
//! argument only when the callee's parameter is read-only and not captured (inferred by
//! LLVM's FunctionAttrs for functions defined in the module; BPF helpers and externs
//! carry no such attribute), and the one copy must write the slot from its start.
//! Then the reads see the constant: indexed by packet data they load from `.rodata*`,
//! at constant offsets `constglobal` folds them.
//!
//! When the slot stays, the copy is expanded later (`expand_mem`) and its loads fold to
//! constants, but clang keeps the global in the object as long as the copy survives to
//! instruction selection: the slot gets `copy_of @g` and `drop_unused_globals` keeps
//! the global while the slot lives. LLVM removes the copy earlier when it is 1, 2, 4
//! or 8 bytes (InstCombine turns it into one load and store) or when every byte of
//! the global is the same (MemCpyOpt turns it into a `memset`); then no mark. A copy
//! of a constant into memory off the stack (packet, map value) survives the same way
//! and keeps its source global (`keep`).
//!
//! Invariants: runs before `expand_mem` (it needs the `memcpy`) and before inlining;
//! read-only parameters are analysed on the callees as they are, transitively through
//! their calls (a call cycle counts as not read-only).

use std::collections::BTreeMap;

use crate::dfg::ValueDef;
use crate::entities::{GlobalRef, Inst, StackSlot, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::module::{DataInit, GlobalData, Module};
use crate::passes::ptrflow::{UseKind, derived_uses};
use crate::passes::util::all_insts;
use crate::types::Linkage;

/// What to do with one slot.
enum Action {
    /// Replace the slot by the global; remove the copy.
    Replace {
        slot: StackSlot,
        global: GlobalRef,
        copy: Inst,
    },
    /// Keep the slot; the global stays while the slot lives.
    Mark { slot: StackSlot, global: GlobalRef },
    /// A copy into memory that is not the stack (packet, map value) that LLVM keeps
    /// until instruction selection: the global stays in the object (`keep`).
    Keep { global: GlobalRef },
}

/// Rounds at most: a replaced slot may be the source of another slot's copy, which
/// becomes a candidate in the next round (InstCombine iterates the same way).
const MAX_ROUNDS: usize = 4;

/// Replaces read-only copies of constants by the constants; returns true if anything
/// changed.
pub fn run(m: &mut Module) -> bool {
    let mut changed = false;
    for _ in 0..MAX_ROUNDS {
        let (any, replaced) = round(m);
        changed |= any;
        if !replaced {
            break;
        }
    }
    changed
}

/// One pass over every function: (anything changed, some slot was replaced).
fn round(m: &mut Module) -> (bool, bool) {
    let mut readonly = ReadOnlyParams::default();
    let (mut changed, mut replaced) = (false, false);
    let mut kept: Vec<String> = Vec::new();
    for fi in 0..m.functions.len() {
        let actions = plan(m, &m.functions[fi], &mut readonly);
        let f = &mut m.functions[fi];
        for a in actions {
            match a {
                Action::Replace { slot, global, copy } => {
                    (changed, replaced) = (true, true);
                    for i in all_insts(f) {
                        if let InstData::StackAddr { slot: s, offset } = f.dfg.insts[i]
                            && s == slot
                        {
                            f.dfg.insts[i] = InstData::GlobalAddr { global, offset };
                        }
                    }
                    f.layout.remove_inst(copy);
                }
                Action::Mark { slot, global } => {
                    changed |= f.stack_slots[slot].copy_of != Some(global);
                    f.stack_slots[slot].copy_of = Some(global);
                }
                Action::Keep { global } => {
                    if let Some(name) = f.global_refs.get(global) {
                        kept.push(name.clone());
                    }
                }
            }
        }
    }
    for g in &mut m.globals {
        if kept.contains(&g.name) && !g.keep {
            g.keep = true;
            changed = true;
        }
    }
    (changed, replaced)
}

/// The actions for the slots of `f` that hold a copy of a constant global.
fn plan(m: &Module, f: &Function, readonly: &mut ReadOnlyParams) -> Vec<Action> {
    let mut out = Vec::new();
    let mut seen: Vec<StackSlot> = Vec::new();
    for copy in all_insts(f) {
        let InstData::Memcpy {
            args: [dst, src],
            size,
            ..
        } = f.dfg.insts[copy]
        else {
            continue;
        };
        if !on_stack(f, dst)
            && let Some((global, _)) = global_address(f, src)
            && let Some(g) = f.global_refs.get(global).and_then(|n| m.global(n))
            && is_constant(g)
            && copy_survives(g, size)
        {
            out.push(Action::Keep { global });
            continue;
        }
        let Some((slot, 0)) = stack_address(f, dst) else {
            continue;
        };
        let Some((global, 0)) = global_address(f, src) else {
            continue;
        };
        let Some(g) = f.global_refs.get(global).and_then(|n| m.global(n)) else {
            continue;
        };
        if seen.contains(&slot)
            || !is_constant(g)
            || f.stack_slots[slot].size != size
            || g.size < u64::from(size)
        {
            continue;
        }
        seen.push(slot);
        let roots: Vec<(Value, bool)> = all_insts(f)
            .into_iter()
            .filter_map(|i| match f.dfg.insts[i] {
                InstData::StackAddr { slot: s, offset } if s == slot => {
                    Some((f.dfg.inst_result(i)?, offset != 0))
                }
                _ => None,
            })
            .collect();
        let only_read = derived_uses(f, &roots).iter().all(|u| match u.kind {
            UseKind::Load | UseKind::CopySrc => true,
            UseKind::CopyDst => u.inst == copy && !u.at_offset,
            UseKind::CallArg { func, idx } => f
                .func_refs
                .get(func)
                .is_some_and(|name| readonly.check(m, name, idx)),
            UseKind::Store | UseKind::Other => false,
        });
        if only_read {
            out.push(Action::Replace { slot, global, copy });
        } else if copy_survives(g, size) {
            out.push(Action::Mark { slot, global });
        }
    }
    out
}

/// A global whose bytes are known and never change: `const`, not `volatile` (libbpf
/// rewrites `const volatile` data before loading), not weak (another object may
/// supply it).
fn is_constant(g: &GlobalData) -> bool {
    g.constant && !g.volatile && g.linkage != Linkage::Weak
}

/// Whether LLVM keeps a `memcpy` of `size` bytes from `g` until instruction selection
/// when the destination stays in memory (see the module header).
fn copy_survives(g: &GlobalData, size: u32) -> bool {
    if matches!(size, 1 | 2 | 4 | 8) {
        return false;
    }
    let byte_pattern = match &g.init {
        DataInit::Zero => true,
        DataInit::Bytes(b) => g.relocs.is_empty() && b.windows(2).all(|w| w[0] == w[1]),
    };
    !byte_pattern
}

/// Memoized answers to "does function `name` only read through parameter `idx`,
/// without letting the pointer escape?".
#[derive(Default)]
struct ReadOnlyParams {
    known: BTreeMap<(String, usize), bool>,
    /// The questions being answered (a call cycle is not read-only).
    active: Vec<(String, usize)>,
}

impl ReadOnlyParams {
    fn check(&mut self, m: &Module, name: &str, idx: usize) -> bool {
        let key = (name.to_string(), idx);
        if let Some(&k) = self.known.get(&key) {
            return k;
        }
        if self.active.contains(&key) {
            return false;
        }
        self.active.push(key.clone());
        let answer = self.compute(m, name, idx);
        self.active.pop();
        self.known.insert(key, answer);
        answer
    }

    fn compute(&mut self, m: &Module, name: &str, idx: usize) -> bool {
        // A weak definition may be replaced by another object's at link time.
        let Some(callee) = m.function(name).filter(|c| c.linkage != Linkage::Weak) else {
            return false;
        };
        let Some(&param) = callee.params().get(idx) else {
            return false;
        };
        derived_uses(callee, &[(param, false)])
            .iter()
            .all(|u| match u.kind {
                UseKind::Load | UseKind::CopySrc => true,
                UseKind::CallArg { func, idx } => callee
                    .func_refs
                    .get(func)
                    .is_some_and(|n| self.check(m, n, idx)),
                UseKind::CopyDst | UseKind::Store | UseKind::Other => false,
            })
    }
}

/// `(slot, offset)` when `v` is a `stack_addr`.
fn stack_address(f: &Function, v: Value) -> Option<(StackSlot, i32)> {
    let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(v)) else {
        return None;
    };
    match f.dfg.insts[i] {
        InstData::StackAddr { slot, offset } => Some((slot, offset)),
        _ => None,
    }
}

/// Whether `v` is a stack address (a `stack_addr`, possibly moved by `iadd`).
fn on_stack(f: &Function, v: Value) -> bool {
    let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(v)) else {
        return false;
    };
    match f.dfg.insts[i] {
        InstData::StackAddr { .. } => true,
        InstData::Binary {
            op: crate::opcodes::Opcode::Iadd,
            args: [a, b],
        } => stack_address(f, a).is_some() || stack_address(f, b).is_some(),
        _ => false,
    }
}

/// `(global, offset)` when `v` is a `global_addr`.
fn global_address(f: &Function, v: Value) -> Option<(GlobalRef, i32)> {
    let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(v)) else {
        return None;
    };
    match f.dfg.insts[i] {
        InstData::GlobalAddr { global, offset } => Some((global, offset)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(bytes: &[u8]) -> GlobalData {
        GlobalData::private_const(".L__const.f.t".into(), ".rodata".into(), bytes.to_vec(), 1)
    }

    #[test]
    fn copies_llvm_removes_early_leave_no_mark() {
        // 1/2/4/8 bytes: one load and store in InstCombine.
        assert!(!copy_survives(&data(&[1, 2, 3, 4]), 4));
        assert!(!copy_survives(&data(&[1; 8]), 8));
        // A repeated byte: MemCpyOpt makes it a memset.
        assert!(!copy_survives(&data(&[9; 12]), 12));
        // Otherwise the memcpy reaches instruction selection.
        assert!(copy_survives(&data(&[5, 2, 3]), 3));
        assert!(copy_survives(
            &data(&[7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0]),
            12
        ));
    }
}
