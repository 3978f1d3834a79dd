//! Decides the `is_constant` instructions that `__builtin_constant_p` leaves for the
//! optimizer (clang's `llvm.is.constant`, lowered by LLVM's LowerConstantIntrinsics
//! pass late in the pipeline): 1 where the operand has become a constant (inlining,
//! constant arguments, folding), 0 everywhere else. Runs once, after the last cleanup
//! round; where it decided anything, the function is folded and cleaned up again, so
//! that a branch on the answer goes away as clang's does.
//!
//! At `-O0` it runs before inlining: clang's unoptimized build answers 0 for anything
//! that is not a constant expression in the source.

use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, const_value, replace_with_const};
use crate::passes::{constfold, copyprop, dce, simplify_cfg};

/// Returns true if any `is_constant` was decided.
pub fn run(f: &mut Function) -> bool {
    let mut decided = false;
    for inst in all_insts(f) {
        if let InstData::Unary {
            op: Opcode::IsConstant,
            arg,
        } = f.dfg.insts[inst]
        {
            let answer = i64::from(const_value(f, arg).is_some());
            replace_with_const(f, inst, answer);
            decided = true;
        }
    }
    if decided {
        constfold::run(f);
        copyprop::run(f);
        simplify_cfg::run(f);
        dce::run(f);
    }
    decided
}
