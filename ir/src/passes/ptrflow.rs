//! Where a pointer goes: the instructions that use values derived from a set of root
//! pointers (a stack slot's addresses, a function's pointer parameter). Shared by
//! `constlocal`, which asks whether a slot is only read, and by its read-only
//! parameter analysis of callees.
//!
//! A value is derived from the roots when it is a root, `iadd` of a derived value and
//! any other value, `isub` of a derived value minus another value, an arm of a
//! `select`, or a block parameter that some branch passes a derived value to (what
//! LLVM's pointer walks follow: GEPs, selects and phis). A derived value reached
//! through arithmetic with a non-zero or unknown amount, or through a block
//! parameter, is *at an offset* (LLVM's `IsOffset`).
//!
//! Invariants: only instructions in the layout count; the walk is a monotone fixpoint,
//! so the result does not depend on block order; aliases are resolved first.

use std::collections::BTreeMap;

use cranelift_entity::SecondaryMap;

use crate::entities::{FuncRef, Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, const_value};

/// What an instruction does with a derived pointer.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum UseKind {
    /// The address of a non-volatile load.
    Load,
    /// The source of a `memcpy`.
    CopySrc,
    /// The destination of a `memcpy`.
    CopyDst,
    /// The address of a non-volatile store (of a value not derived from the roots).
    Store,
    /// Argument `idx` of a `call` to `func` (a BPF-to-BPF call).
    CallArg { func: FuncRef, idx: usize },
    /// Anything else: a store to or of it, a volatile load, a helper or extern call,
    /// a comparison, a return, an atomic, a `memset`...
    Other,
}

/// One use of a derived pointer.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct PtrUse {
    pub inst: Inst,
    pub kind: UseKind,
    /// The pointer used is the root moved by some amount (or through a block parameter).
    pub at_offset: bool,
}

/// For each global that `wanted` accepts by name, the `global_addr` results of `f` that
/// take its address, each with whether its offset is non-zero: the roots to give
/// [`derived_uses`] for that global.
pub fn global_roots(
    f: &Function,
    wanted: impl Fn(&str) -> bool,
) -> BTreeMap<&str, Vec<(Value, bool)>> {
    let mut roots: BTreeMap<&str, Vec<(Value, bool)>> = BTreeMap::new();
    for i in all_insts(f) {
        if let InstData::GlobalAddr { global, offset } = f.dfg.insts[i]
            && let Some(name) = f.global_refs.get(global)
            && wanted(name)
            && let Some(r) = f.dfg.inst_result(i)
        {
            roots.entry(name).or_default().push((r, offset != 0));
        }
    }
    roots
}

/// The uses of every value derived from `roots` (`(value, already at an offset)`).
pub fn derived_uses(f: &Function, roots: &[(Value, bool)]) -> Vec<PtrUse> {
    let insts = all_insts(f);
    // None: not derived; Some(at_offset).
    let mut derived: SecondaryMap<Value, Option<bool>> = SecondaryMap::new();
    for &(v, off) in roots {
        let v = f.dfg.resolve_alias(v);
        derived[v] = Some(derived[v].unwrap_or(false) | off);
    }
    let get = |d: &SecondaryMap<Value, Option<bool>>, v: Value| d[f.dfg.resolve_alias(v)];
    loop {
        let mut changed = false;
        let mut mark = |d: &mut SecondaryMap<Value, Option<bool>>, v: Value, off: bool| {
            let old = d[v];
            let new = Some(old.unwrap_or(false) | off);
            if old != new {
                d[v] = new;
                changed = true;
            }
        };
        for &i in &insts {
            let data = &f.dfg.insts[i];
            if let Some(r) = f.dfg.inst_result(i)
                && let Some(off) = derivation(f, data, |v| get(&derived, v))
            {
                mark(&mut derived, r, off);
            }
            for dest in data.branch_targets() {
                let params = f.dfg.block_params(dest.block);
                for (k, &a) in dest.args.iter().enumerate() {
                    if get(&derived, a).is_some()
                        && let Some(&p) = params.get(k)
                    {
                        mark(&mut derived, p, true);
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = Vec::new();
    for &i in &insts {
        let data = &f.dfg.insts[i];
        let d = |v: Value| get(&derived, v);
        let mut push = |kind: UseKind, off: bool| {
            out.push(PtrUse {
                inst: i,
                kind,
                at_offset: off,
            })
        };
        match data {
            InstData::Load { flags, addr, .. } => {
                if let Some(off) = d(*addr) {
                    push(
                        if flags.volatile {
                            UseKind::Other
                        } else {
                            UseKind::Load
                        },
                        off,
                    );
                }
            }
            InstData::Memcpy {
                args: [dst, src], ..
            } => {
                if let Some(off) = d(*dst) {
                    push(UseKind::CopyDst, off);
                }
                if let Some(off) = d(*src) {
                    push(UseKind::CopySrc, off);
                }
            }
            InstData::Call {
                op: Opcode::Call,
                func,
                args,
            } => {
                for (idx, &a) in args.iter().enumerate() {
                    if let Some(off) = d(a) {
                        push(UseKind::CallArg { func: *func, idx }, off);
                    }
                }
            }
            InstData::Store {
                flags,
                args: [val, addr],
                ..
            } => {
                // Storing the pointer itself lets it escape.
                if let Some(off) = d(*val) {
                    push(UseKind::Other, off);
                } else if let Some(off) = d(*addr) {
                    let kind = if flags.volatile {
                        UseKind::Other
                    } else {
                        UseKind::Store
                    };
                    push(kind, off);
                }
            }
            // Branch arguments are derivations (block parameters); only the condition
            // of a `brif` would be a use.
            InstData::Jump { .. } => {}
            InstData::Brif { cond, .. } => {
                if let Some(off) = d(*cond) {
                    push(UseKind::Other, off);
                }
            }
            other => {
                let derives = derivation(f, other, d).is_some();
                let select_cond =
                    matches!(other, InstData::Select { args } if d(args[0]).is_some());
                if (!derives || select_cond)
                    && let Some(off) = other.fixed_operands().find_map(d)
                {
                    push(UseKind::Other, off);
                }
            }
        }
    }
    out
}

/// `Some(at_offset)` when the result of `data` is a pointer derived from a derived
/// operand (`is_derived` answers for operands).
fn derivation(
    f: &Function,
    data: &InstData,
    is_derived: impl Fn(Value) -> Option<bool>,
) -> Option<bool> {
    match data {
        InstData::Binary {
            op: Opcode::Iadd,
            args: [a, b],
        } => match (is_derived(*a), is_derived(*b)) {
            (Some(off), None) => Some(off || const_value(f, *b) != Some(0)),
            (None, Some(off)) => Some(off || const_value(f, *a) != Some(0)),
            _ => None,
        },
        InstData::Binary {
            op: Opcode::Isub,
            args: [a, b],
        } => match (is_derived(*a), is_derived(*b)) {
            (Some(off), None) => Some(off || const_value(f, *b) != Some(0)),
            _ => None,
        },
        InstData::Select { args: [_, x, y] } => match (is_derived(*x), is_derived(*y)) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(false) | b.unwrap_or(false)),
        },
        _ => None,
    }
}
