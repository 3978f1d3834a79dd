//! Optimization passes (one file each) and the pass manager.
//!
//! Pipelines (`optimize`), in order:
//! - `-O0`: expand_mem, strength (signed division by powers of two needs no cpu v4),
//!   inline (always_inline only). No mem2reg: locals stay in stack
//!   slots; the output is still valid IR that codegen must handle.
//! - `-O1`: first constlocal (locals only copied from a constant global and then only
//!   read become that global; it needs the `memcpy`, so it runs before expand_mem),
//!   then as -O0 plus constfold (folds `stack_addr + c` for sroa), speculate (loads
//!   through a choice of two stack addresses become two loads and a select, stores a
//!   branch to two stores), sroa, slotwiden (small
//!   slots accessed piecewise become whole-slot accesses), mem2reg, constfold,
//!   constglobal (loads of constant globals), bitsimp (known-zero bits), demanded
//!   (operands simplified on the bits their users read), strength, copyprop, simplify_cfg, dce;
//!   at the end drop_unused_globals (constant data nothing reads any more),
//!   unnamed_addr (constants whose address stopped escaping move to their mergeable
//!   section) and constmerge (identical private constants become one). ipcp (constant
//!   arguments and dead parameters of local functions) runs after inline_always.
//! - `-O2`/`-O3`/`-Os`: inline also `inline` hints and small static functions (limit
//!   40/80/12 instructions), then the -O1 cleanup with gvn (demanded runs after it) and
//!   loadelim (redundant loads, store-to-load forwarding), dse (dead stack stores), ifconv
//!   (conditional increments become arithmetic) and sink (computations move down to the
//!   successor that uses them) added, three times with
//!   full unrolling (`unroll`) of constant-trip loops before the second and third, and
//!   ipcp after the first. A round is skipped when the module is already a fixed point
//!   of it (see [`Stage::round`]), and a function pass on a function that its last run
//!   left unchanged, with nothing changed since (see `Unchanged`).
//! - From `-O1` up, last: schedule (within a block, computations and loads move down
//!   to their first user, so fewer values are live at once).
//!
//! Invariants: in debug builds (and so in every test) the module is verified after
//! every pass; a failure is returned as the verifier's diagnostics, naming the pass.

pub mod bitsimp;
pub mod constfold;
pub mod constglobal;
pub mod constlocal;
pub mod constmerge;
pub mod copyprop;
pub mod dce;
pub mod demanded;
pub mod dse;
pub mod expand_mem;
pub mod globalopt;
pub mod gvn;
pub mod ifconv;
pub mod inline;
pub mod ipcp;
pub mod is_constant;
pub mod loadelim;
pub mod mem2reg;
pub mod params;
pub mod ptrflow;
pub mod schedule;
pub mod simplify_cfg;
pub mod sink;
pub mod slotwiden;
pub mod speculate;
pub mod sroa;
pub mod strength;
pub mod unnamed_addr;
pub mod unroll;
pub mod util;

use diag::{Diagnostic, Diagnostics};

use crate::function::Function;
use crate::module::{GlobalData, Module};

/// `-O` levels, as clang spells them.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    O3,
    Os,
}

impl OptLevel {
    /// Parses `0`, `1`, `2`, `3`, `s` (and `z`, treated as `s`).
    pub fn from_flag(s: &str) -> Option<OptLevel> {
        match s {
            "0" => Some(OptLevel::O0),
            "1" => Some(OptLevel::O1),
            "" | "2" => Some(OptLevel::O2),
            "3" => Some(OptLevel::O3),
            "s" | "z" => Some(OptLevel::Os),
            _ => None,
        }
    }
}

/// One step of a pipeline: passes run in order, either always or as a cleanup round.
pub struct Stage {
    pub passes: Vec<&'static str>,
    /// A cleanup round: skipped when the module is a fixed point of it, that is when
    /// the last round that ran changed nothing and no pass has changed the module since
    /// (the passes are deterministic, so running it again would change nothing either).
    pub round: bool,
}

/// The stages of the pipeline for `level`, in order.
pub fn stages(level: OptLevel) -> Vec<Stage> {
    // constfold first folds `stack_addr + c` so sroa sees constant field offsets;
    // strength again after constfold, which may expose constant divisors.
    let to_ssa_and_fold = [
        "constfold",
        "speculate",
        "sroa",
        "slotwiden",
        "mem2reg",
        "constfold",
        "constglobal",
        "bitsimp",
    ];
    let mut cleanup = to_ssa_and_fold.to_vec();
    cleanup.extend(["demanded", "strength", "copyprop", "simplify_cfg", "dce"]);
    let cleanup_gvn = || {
        let mut passes = to_ssa_and_fold.to_vec();
        passes.extend([
            "strength",
            "copyprop",
            "gvn",
            // After gvn: narrowing one of two equal extensions would keep both.
            "demanded",
            "loadelim",
            "dse",
            "ifconv",
            "sink",
            "simplify_cfg",
            "dce",
        ]);
        Stage {
            passes,
            round: true,
        }
    };
    let always = |passes: Vec<&'static str>| Stage {
        passes,
        round: false,
    };
    let mut first = Vec::new();
    if level != OptLevel::O0 {
        first.push("constlocal");
    }
    first.extend(["expand_mem", "strength"]);
    let globals_last = || always(vec!["drop_unused_globals", "unnamed_addr", "constmerge"]);
    match level {
        OptLevel::O0 => {
            first.extend(["is_constant", "inline_always"]);
            vec![always(first)]
        }
        OptLevel::O1 => {
            first.extend(["inline_always", "globalopt", "ipcp"]);
            vec![
                always(first),
                Stage {
                    passes: cleanup,
                    round: true,
                },
                always(vec!["is_constant", "schedule"]),
                globals_last(),
            ]
        }
        OptLevel::O2 | OptLevel::O3 | OptLevel::Os => {
            first.push(match level {
                OptLevel::O3 => "inline_o3",
                OptLevel::Os => "inline_os",
                _ => "inline",
            });
            vec![
                always(first),
                cleanup_gvn(),
                // Statics nothing writes become constants (globalopt), and constant
                // arguments of local functions, once the callers' are folded.
                // Unroll once constants are propagated (the trip count must be known),
                // then clean up; a second round catches outer loops whose inner loops
                // went away. simplify_cfg right after unrolling merges each copy's
                // blocks, so the induction variable is a constant for constfold and
                // ifconv.
                always(vec!["globalopt", "ipcp", "unroll", "simplify_cfg"]),
                cleanup_gvn(),
                always(vec!["unroll", "simplify_cfg"]),
                cleanup_gvn(),
                always(vec!["is_constant", "schedule"]),
                globals_last(),
            ]
        }
    }
}

/// The pass names of the pipeline for `level`, in order, every round included.
pub fn pipeline(level: OptLevel) -> Vec<&'static str> {
    stages(level).into_iter().flat_map(|s| s.passes).collect()
}

/// Runs the pipeline of `level` on `m`.
pub fn optimize(m: &mut Module, level: OptLevel) -> Result<(), Diagnostics> {
    optimize_traced(m, level, &mut |_| {})
}

/// [`optimize`], calling `ran` with the name of each pass as it runs.
pub fn optimize_traced(
    m: &mut Module,
    level: OptLevel,
    ran: &mut dyn FnMut(&str),
) -> Result<(), Diagnostics> {
    // Whether the module may differ from what the last round that ran left: true until
    // a round has run and changed nothing (its output is then a fixed point of it).
    let mut dirty = true;
    let mut unchanged = Unchanged::default();
    for stage in stages(level) {
        if stage.round && !dirty {
            continue;
        }
        let mut changed = false;
        for name in stage.passes {
            ran(name);
            changed |= match function_pass(name) {
                Some(pass) => unchanged.run(m, name, pass),
                None => {
                    let c = run_pass(m, name).map_err(|e| {
                        Diagnostics::from(Diagnostic::error(diag::codes::E_IR_CFG, e))
                    })?;
                    if c {
                        unchanged.forget();
                    }
                    c
                }
            };
            if cfg!(debug_assertions) {
                crate::verifier::verify_module(m).map_err(|mut d| {
                    for e in &mut d.items {
                        e.notes
                            .push(format!("internal error: found after the `{name}` pass"));
                    }
                    d
                })?;
            }
        }
        dirty = if stage.round {
            changed
        } else {
            dirty || changed
        };
    }
    Ok(())
}

/// A pass that works on one function at a time and reads nothing else but the
/// module's globals: its result depends on that function (and the globals) only.
type FunctionPass = fn(&mut Function, &[GlobalData]) -> bool;

/// The function pass called `name`, if it is one.
fn function_pass(name: &str) -> Option<FunctionPass> {
    let pass: FunctionPass = match name {
        "params" => |f, _| params::remove_trivial_params(f),
        "constfold" => |f, _| constfold::run(f),
        "copyprop" => |f, _| copyprop::run(f),
        "dce" => |f, _| dce::run(f),
        "sroa" => |f, _| sroa::run(f),
        "strength" => |f, _| strength::run(f),
        "gvn" => |f, _| gvn::run(f),
        "unroll" => unroll::run_with_globals,
        "loadelim" => |f, _| loadelim::run(f),
        "dse" => |f, _| dse::run(f),
        "bitsimp" => |f, _| bitsimp::run(f),
        "demanded" => |f, _| demanded::run(f),
        "slotwiden" => |f, _| slotwiden::run(f),
        "ifconv" => |f, _| ifconv::run(f),
        "is_constant" => |f, _| is_constant::run(f),
        "sink" => |f, _| sink::run(f),
        "schedule" => |f, _| schedule::run(f),
        "speculate" => |f, _| speculate::run(f),
        "simplify_cfg" => |f, _| simplify_cfg::run(f),
        "mem2reg" => |f, _| mem2reg::run(f),
        "expand_mem" => |f, _| expand_mem::run(f),
        _ => return None,
    };
    Some(pass)
}

/// Which function passes are known to change nothing, so `optimize_traced` skips them.
///
/// A pass that ran on a function and changed nothing would change nothing again as
/// long as no pass has changed that function since (passes are deterministic, and a
/// pass that reports no change leaves the function exactly as it was), nor the
/// globals. Rounds repeat whole, but usually only a few passes of a round change a
/// given function, and a function whose pipeline has settled is not run again. On the
/// bench-compile suite 1,012 of 5,148 function-pass runs in rounds are skipped:
/// optimize_traced 147.2M -> 139.2M instructions.
///
/// Only a pass that started with no alias pending is remembered: resolving operands is
/// a change no pass reports. Debug builds (every test) still run each skipped pass on
/// a copy and check that it indeed changes nothing.
#[derive(Default)]
struct Unchanged {
    /// Per function (by index in the module): how many pass runs changed it.
    version: Vec<u32>,
    /// Per function: the passes whose last run left it unchanged, each with the
    /// function's version then.
    clean: Vec<Vec<(&'static str, u32)>>,
}

impl Unchanged {
    /// Forgets everything (a module pass changed something: functions, their order or
    /// the globals).
    fn forget(&mut self) {
        self.version.clear();
        self.clean.clear();
    }

    /// Runs `pass`, called `name`, on every function of `m` that it may change; true if
    /// it changed any.
    fn run(&mut self, m: &mut Module, name: &'static str, pass: FunctionPass) -> bool {
        let n = m.functions.len();
        if self.version.len() != n {
            self.forget();
            self.version.resize(n, 0);
            self.clean.resize(n, Vec::new());
        }
        let mut changed = false;
        for (k, f) in m.functions.iter_mut().enumerate() {
            let version = self.version[k];
            let clean = &mut self.clean[k];
            let entry = clean.iter().position(|&(p, _)| p == name);
            let pending = f.dfg.aliases_pending();
            if !pending && entry.is_some_and(|e| clean[e].1 == version) {
                if cfg!(debug_assertions) {
                    let mut copy = f.clone();
                    assert!(
                        !pass(&mut copy, &m.globals) && format!("{copy:?}") == format!("{f:?}"),
                        "`{name}` was skipped on `{}` but changes it",
                        f.name
                    );
                }
                continue;
            }
            if pass(f, &m.globals) {
                self.version[k] += 1;
                changed = true;
            } else if !pending {
                match entry {
                    Some(e) => clean[e].1 = version,
                    None => clean.push((name, version)),
                }
            }
        }
        changed
    }
}

/// Runs the pass called `name` (a pipeline step, a single pass, or `O0`..`Os` for a
/// whole pipeline). Used by `optimize`, the text-file tests and debugging flags.
pub fn run_named(m: &mut Module, name: &str) -> Result<(), String> {
    run_pass(m, name).map(|_| ())
}

/// Runs the pass called `name`; true if it changed the module.
fn run_pass(m: &mut Module, name: &str) -> Result<bool, String> {
    if let Some(pass) = function_pass(name) {
        let mut changed = false;
        for f in &mut m.functions {
            changed |= pass(f, &m.globals);
        }
        return Ok(changed);
    }
    let changed = match name {
        "verify" => false,
        "constglobal" => constglobal::run(m),
        "drop_unused_globals" => constglobal::drop_unused(m),
        "globalopt" => globalopt::run(m),
        "constlocal" => constlocal::run(m),
        "constmerge" => constmerge::run(m),
        "ipcp" => ipcp::run(m),
        "unnamed_addr" => unnamed_addr::run(m),
        "inline_always" => inline::run(m, inline::InlinePolicy::always()),
        "inline" => inline::run(m, inline::InlinePolicy::full(40)),
        "inline_o3" => inline::run(m, inline::InlinePolicy::full(80)),
        "inline_os" => inline::run(m, inline::InlinePolicy::full(12)),
        "O0" | "O1" | "O2" | "O3" | "Os" => {
            let level = OptLevel::from_flag(name.get(1..).unwrap_or("")).unwrap_or(OptLevel::O2);
            optimize(m, level).map_err(|d| {
                d.items
                    .iter()
                    .map(|e| format!("{}: {}", e.code, e.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            true
        }
        _ => return Err(format!("unknown pass `{name}`")),
    };
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gvn_rounds(ir: &str) -> usize {
        let mut m = crate::parse_module(ir, diag::FileId(0)).expect("valid IR");
        let mut rounds = 0;
        optimize_traced(&mut m, OptLevel::O2, &mut |name| {
            rounds += usize::from(name == "gvn")
        })
        .expect("optimizes");
        rounds
    }

    /// A round that changes nothing ends the rounds (nothing after it changes the
    /// module either); one that changes something is followed by the next.
    #[test]
    fn rounds_stop_at_a_fixed_point() {
        let optimal = "function global @f(i32) -> i32 section \".text\" {\nblock0(v0: i32):\n    return v0\n}\n";
        assert_eq!(gvn_rounds(optimal), 1);
        let foldable = "function global @f(i32) -> i32 section \".text\" {\nblock0(v0: i32):\n    v1 = iconst.i32 2\n    v2 = iconst.i32 3\n    v3 = iadd v1, v2\n    v4 = iadd v0, v3\n    return v4\n}\n";
        assert!(gvn_rounds(foldable) >= 2);
    }
}
