//! Global value numbering over the dominator tree: a pure computation (arithmetic,
//! comparison, conversion, select) that repeats one in a dominating position is
//! replaced by the earlier result.
//!
//! Not numbered, on purpose: loads and everything that touches memory (a store may sit
//! between two loads); `iconst`, `stack_addr`, `global_addr` and `func_addr`, which
//! codegen rematerializes as immediates, `r10 + off` and `ld_imm64` — keeping them in
//! registers would only raise pressure on BPF's four callee-saved registers (r6-r9)
//! across helper calls. Verifier note: only a dominating *earlier* value is reused, so
//! no computation moves above the bounds or null check that guards its use.
//!
//! Constant operands are compared by value (two `iconst 8` are the same operand).
//!
//! Invariants: the hash maps are only looked up, never iterated (deterministic output).

use crate::cfg::{ControlFlowGraph, DominatorTree};
use crate::entities::{Block, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::util::const_value;
use crate::types::Type;
use diag::fasthash::FastMap;

/// Returns true if any instruction was replaced.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    let cfg = ControlFlowGraph::compute(f);
    let dt = DominatorTree::compute(f, &cfg);
    // (Looked up only, never iterated: the hash order reaches no output.)
    let mut table: FastMap<(InstData, Type), Vec<(Block, Value)>> = FastMap::default();
    let mut consts: FastMap<(i64, Type), Value> = FastMap::default();
    let mut changed = false;
    for &b in dt.rpo() {
        let insts = f.layout.block_insts(b).to_vec();
        let mut kept = Vec::with_capacity(insts.len());
        let mut replaced = false;
        for inst in insts {
            let data = &f.dfg.insts[inst];
            let numbered = matches!(
                data,
                InstData::Unary { .. }
                    | InstData::Convert { .. }
                    | InstData::Binary { .. }
                    | InstData::Icmp { .. }
                    | InstData::Select { .. }
            );
            let Some(r) = f.dfg.inst_result(inst).filter(|_| numbered) else {
                kept.push(inst);
                continue;
            };
            let mut key = data.clone();
            // Constant operands are keyed by their value: `band x, 255` twice with two
            // separate `iconst 255`s is one computation.
            key.map_values(|v| {
                let v = f.dfg.resolve_alias(v);
                match const_value(f, v) {
                    Some(c) => *consts.entry((c, f.dfg.value_type(v))).or_insert(v),
                    None => v,
                }
            });
            let key = (key, f.dfg.value_type(r));
            let entry = table.entry(key).or_default();
            match entry.iter().find(|&&(db, _)| dt.dominates(db, b)) {
                Some(&(_, earlier)) => {
                    f.dfg.change_to_alias(r, earlier);
                    replaced = true;
                }
                None => {
                    entry.push((b, r));
                    kept.push(inst);
                }
            }
        }
        // Most blocks keep every instruction: their list stays as it is.
        if replaced {
            f.layout.set_block_insts(b, kept);
            changed = true;
        }
    }
    f.dfg.resolve_all_aliases();
    changed
}
