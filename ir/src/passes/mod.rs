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
//!   of it (see [`Stage::round`]).
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
use crate::module::Module;

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
    for stage in stages(level) {
        if stage.round && !dirty {
            continue;
        }
        let mut changed = false;
        for name in stage.passes {
            ran(name);
            changed |= run_pass(m, name)
                .map_err(|e| Diagnostics::from(Diagnostic::error(diag::codes::E_IR_CFG, e)))?;
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

/// Runs `pass` on every function; true if it changed any.
fn each(m: &mut Module, pass: fn(&mut Function) -> bool) -> bool {
    let mut changed = false;
    for f in &mut m.functions {
        changed |= pass(f);
    }
    changed
}

/// Runs the pass called `name` (a pipeline step, a single pass, or `O0`..`Os` for a
/// whole pipeline). Used by `optimize`, the text-file tests and debugging flags.
pub fn run_named(m: &mut Module, name: &str) -> Result<(), String> {
    run_pass(m, name).map(|_| ())
}

/// Runs the pass called `name`; true if it changed the module.
fn run_pass(m: &mut Module, name: &str) -> Result<bool, String> {
    let changed = match name {
        "verify" => false,
        "params" => each(m, params::remove_trivial_params),
        "constfold" => each(m, constfold::run),
        "copyprop" => each(m, copyprop::run),
        "dce" => each(m, dce::run),
        "sroa" => each(m, sroa::run),
        "strength" => each(m, strength::run),
        "gvn" => each(m, gvn::run),
        "unroll" => {
            let mut changed = false;
            for f in &mut m.functions {
                changed |= unroll::run_with_globals(f, &m.globals);
            }
            changed
        }
        "loadelim" => each(m, loadelim::run),
        "dse" => each(m, dse::run),
        "bitsimp" => each(m, bitsimp::run),
        "demanded" => each(m, demanded::run),
        "slotwiden" => each(m, slotwiden::run),
        "ifconv" => each(m, ifconv::run),
        "is_constant" => each(m, is_constant::run),
        "sink" => each(m, sink::run),
        "schedule" => each(m, schedule::run),
        "speculate" => each(m, speculate::run),
        "constglobal" => constglobal::run(m),
        "drop_unused_globals" => constglobal::drop_unused(m),
        "globalopt" => globalopt::run(m),
        "constlocal" => constlocal::run(m),
        "constmerge" => constmerge::run(m),
        "ipcp" => ipcp::run(m),
        "unnamed_addr" => unnamed_addr::run(m),
        "simplify_cfg" => each(m, simplify_cfg::run),
        "mem2reg" => each(m, mem2reg::run),
        "expand_mem" => each(m, expand_mem::run),
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
