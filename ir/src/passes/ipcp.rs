//! Interprocedural constant propagation into local functions and removal of their
//! dead parameters, as LLVM's IPSCCP and DeadArgumentElimination do for functions of
//! local linkage whose every use is a direct call (all call sites known):
//! - a parameter to which every call passes the same constant (an `iconst`, or a
//!   `global_addr @g, off`) becomes that constant in the callee and leaves the
//!   signature and every call (IPSCCP replaces the uses, then the argument is dead);
//! - a parameter the callee never uses leaves them too (DeadArgumentElimination).
//!
//! The BTF prototype (`debug_type`) keeps the source signature, as clang's does. With
//! the argument gone, a constant whose address every call passed (a lookup table) may
//! no longer escape, and `unnamed_addr` moves it to its mergeable section as GlobalOpt
//! does; a constant count lets `unroll` unroll the callee's loop.
//!
//! Not touched: programs, non-local functions (another object may call them), and
//! functions whose address is taken (`func_addr`, `call_extern`, data relocations).
//!
//! Nor is a copy of a local's initializer (`.L__const.*`) that `constlocal` put in
//! place of a read-only local a constant argument: LLVM's InstCombine makes that
//! replacement after IPSCCP, which still saw the local.
//!
//! Invariants: callee and call sites change together, so the module still verifies;
//! a CO-RE relocated constant is not a constant (`const_value`). Clang's IPSCCP sees
//! the arguments after SROA and EarlyCSE, so this runs after mem2reg and constfold.

use std::collections::{BTreeMap, BTreeSet};

use crate::dfg::ValueDef;
use crate::entities::{Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::module::Module;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, const_value, use_counts};
use crate::types::Linkage;

/// The names of the private copies of local initializers (`constinit` in the frontend).
const LOCAL_INIT_PREFIX: &str = ".L__const.";

/// A constant argument.
#[derive(Clone, PartialEq, Eq, Debug)]
enum ConstArg {
    Int(i64),
    Global(String, i32),
}

/// The direct calls of each function name: `(caller index, call)`.
type CallSites = BTreeMap<String, Vec<(usize, Inst)>>;

/// What becomes of parameter `idx`: the constant it is replaced by, or nothing (dead).
type ParamPlan = (usize, Option<ConstArg>);

/// Propagates constant arguments and drops dead parameters; returns true if any
/// parameter went away.
pub fn run(m: &mut Module) -> bool {
    let (sites, taken) = call_sites(m);
    let mut changed = false;
    for ci in 0..m.functions.len() {
        let callee = &m.functions[ci];
        if callee.linkage != Linkage::Local
            || callee.attrs.is_program
            || taken.contains(&callee.name)
            || callee.entry_block().is_none()
        {
            continue;
        }
        let Some(calls) = sites.get(&callee.name) else {
            continue;
        };
        let plan = plan(m, callee, calls);
        if plan.is_empty() {
            continue;
        }
        changed = true;
        if let Some(callee) = m.functions.get_mut(ci) {
            rewrite_callee(callee, &plan);
        }
        for &(fi, inst) in calls {
            if let Some(InstData::Call { args, .. }) =
                m.functions.get_mut(fi).map(|f| &mut f.dfg.insts[inst])
            {
                for (idx, _) in plan.iter().rev() {
                    if *idx < args.len() {
                        args.remove(*idx);
                    }
                }
            }
        }
    }
    changed
}

/// The direct calls of each function name (`(caller index, call)`), and the names used
/// any other way.
fn call_sites(m: &Module) -> (CallSites, BTreeSet<String>) {
    let mut sites = CallSites::new();
    let mut taken = BTreeSet::new();
    for (fi, f) in m.functions.iter().enumerate() {
        for i in all_insts(f) {
            match &f.dfg.insts[i] {
                InstData::Call {
                    op: Opcode::Call,
                    func,
                    ..
                } => {
                    if let Some(n) = f.func_refs.get(*func) {
                        sites.entry(n.clone()).or_default().push((fi, i));
                    }
                }
                InstData::Call { func, .. } | InstData::FuncAddr { func } => {
                    if let Some(n) = f.func_refs.get(*func) {
                        taken.insert(n.clone());
                    }
                }
                _ => {}
            }
        }
    }
    for g in &m.globals {
        for r in &g.relocs {
            taken.insert(r.symbol.clone());
        }
    }
    (sites, taken)
}

/// The parameters of `callee` that go away, in increasing order.
fn plan(m: &Module, callee: &Function, calls: &[(usize, Inst)]) -> Vec<ParamPlan> {
    let uses = use_counts(callee);
    let mut out = Vec::new();
    for (idx, &p) in callee.params().iter().enumerate() {
        if uses[p] == 0 {
            out.push((idx, None));
            continue;
        }
        let mut common: Option<ConstArg> = None;
        let all_same = calls.iter().all(|&(fi, inst)| {
            let f = &m.functions[fi];
            let InstData::Call { args, .. } = &f.dfg.insts[inst] else {
                return false;
            };
            match args.get(idx).and_then(|&a| const_arg(f, a)) {
                Some(c) if common.as_ref().is_none_or(|x| *x == c) => {
                    common = Some(c);
                    true
                }
                _ => false,
            }
        });
        if all_same && let Some(c) = common {
            out.push((idx, Some(c)));
        }
    }
    out
}

/// The constant `v` holds in `f`, if any.
fn const_arg(f: &Function, v: Value) -> Option<ConstArg> {
    if let Some(c) = const_value(f, v) {
        return Some(ConstArg::Int(c));
    }
    let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(v)) else {
        return None;
    };
    match f.dfg.insts[i] {
        InstData::GlobalAddr { global, offset } => {
            let name = f.global_refs.get(global)?;
            // A copy of a local's initializer that `constlocal` put in place of the
            // local: LLVM's InstCombine does that after IPSCCP, which saw the local.
            (!name.starts_with(LOCAL_INIT_PREFIX)).then(|| ConstArg::Global(name.clone(), offset))
        }
        _ => None,
    }
}

/// Replaces the planned parameters of `f` by their constants (made at the top of the
/// entry block) and removes them from the signature.
fn rewrite_callee(f: &mut Function, plan: &[ParamPlan]) {
    let Some(entry) = f.entry_block() else {
        return;
    };
    let loc = f.layout.first_inst(entry).map(|i| f.srclocs[i]);
    for (idx, c) in plan.iter().rev() {
        let Some(&p) = f.params().get(*idx) else {
            continue;
        };
        if let Some(c) = c {
            let ty = f.dfg.value_type(p);
            let data = match c {
                ConstArg::Int(imm) => InstData::Iconst { imm: ty.sext(*imm) },
                ConstArg::Global(name, offset) => InstData::GlobalAddr {
                    global: f.import_global(name),
                    offset: *offset,
                },
            };
            let (inst, result) = f.dfg.make_inst(data, Some(ty));
            let Some(v) = result else {
                continue;
            };
            f.layout.insert_inst(inst, entry, 0);
            if let Some(loc) = loc {
                f.srclocs[inst] = loc;
            }
            f.dfg.change_to_alias(p, v);
        }
        f.dfg.remove_block_param(entry, *idx);
        if *idx < f.sig.params.len() {
            f.sig.params.remove(*idx);
        }
    }
    f.dfg.resolve_all_aliases();
}
