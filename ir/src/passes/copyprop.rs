//! Copy propagation. The IR has no copy instruction; copies appear as aliases (left by
//! SSA construction and other passes), as trivial block parameters (every incoming
//! argument is the same value) and as `select c, x, x`. This pass replaces all three
//! by the value they copy, so later passes see the real definitions.
//!
//! Invariants: leaves no aliases in operands; never moves or removes side effects.

use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::params::remove_trivial_params;
use crate::passes::util::{all_insts, replace_with_value};

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for inst in all_insts(f) {
        if let InstData::Select { args: [_, x, y] } = f.dfg.insts[inst]
            && f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y)
        {
            replace_with_value(f, inst, x);
            changed = true;
        }
    }
    changed |= remove_trivial_params(f);
    f.dfg.resolve_all_aliases();
    changed
}
