//! Removal of trivial block parameters: a parameter whose incoming arguments are all
//! the same value `x` (or the parameter itself, around a loop) is replaced by `x`.
//! This is the "tryRemoveTrivialPhi" step of Braun et al., run to a fixpoint over the
//! whole function; SSA construction and mem2reg rely on it.
//!
//! Invariants: never touches the entry block (its parameters are the function's);
//! leaves the function with aliases resolved.

use crate::cfg::ControlFlowGraph;
use crate::entities::Value;
use crate::function::Function;

/// Returns true if any parameter was removed.
pub fn remove_trivial_params(f: &mut Function) -> bool {
    let mut any = false;
    // Removing parameters changes branch arguments, not edges: one CFG serves every
    // sweep.
    let cfg = ControlFlowGraph::compute(f);
    loop {
        let mut changed = false;
        let entry = f.entry_block();
        let blocks: Vec<_> = f.layout.blocks().to_vec();
        for b in blocks {
            if Some(b) == entry || cfg.preds[b].is_empty() {
                continue;
            }
            let params = f.dfg.block_params(b).to_vec();
            for idx in (0..params.len()).rev() {
                let p = params[idx];
                // The one value other than `p` itself that every edge passes, if there
                // is exactly one.
                let mut only: Option<Value> = None;
                let mut several = false;
                let mut complete = true;
                for &(_, inst, d) in &cfg.preds[b] {
                    let arg = f.dfg.insts[inst]
                        .branch_targets()
                        .nth(d)
                        .and_then(|dest| dest.args.get(idx).copied());
                    match arg {
                        Some(a) if f.dfg.value_is_valid(a) => {
                            let a = f.dfg.resolve_alias(a);
                            if a != p {
                                match only {
                                    None => only = Some(a),
                                    Some(o) if o != a => several = true,
                                    Some(_) => {}
                                }
                            }
                        }
                        _ => complete = false,
                    }
                }
                let Some(x) = only.filter(|_| complete && !several) else {
                    continue;
                };
                f.dfg.change_to_alias(p, x);
                f.dfg.remove_block_param(b, idx);
                for &(_, inst, d) in &cfg.preds[b] {
                    if let Some(dest) = f.dfg.insts[inst].branch_dests_mut().into_iter().nth(d)
                        && idx < dest.args.len()
                    {
                        dest.args.remove(idx);
                    }
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
        any = true;
    }
    f.dfg.resolve_all_aliases();
    any
}
