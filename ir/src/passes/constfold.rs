//! Constant folding and algebraic identities.
//!
//! Folds operations whose operands are constants with BPF's semantics (`eval.rs`:
//! x/0 = 0, x%0 = x, masked shifts), simplifies identities (`x+0`, `x*1`, `x&0`,
//! `x-x`, `select c, x, x`...), and turns a `brif` on a constant into a `jump`.
//!
//! Invariants: never changes side effects or memory accesses; results keep their
//! types. Verifier note: the pass never moves code, so a bounds check stays in front
//! of the access it guards.

use crate::eval;
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, const_value, replace_with_const, replace_with_value};
use crate::types::IntCC;

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for inst in all_insts(f) {
        changed |= fold_inst(f, inst);
    }
    f.dfg.resolve_all_aliases();
    changed
}

fn fold_inst(f: &mut Function, inst: crate::entities::Inst) -> bool {
    let data = f.dfg.insts[inst].clone();
    let rty = f.dfg.inst_result(inst).map(|r| f.dfg.value_type(r));
    match data {
        InstData::Binary { op, args: [x, y] } => {
            let Some(ty) = rty else { return false };
            let (cx, cy) = (const_value(f, x), const_value(f, y));
            if let (Some(a), Some(b)) = (cx, cy)
                && let Some(r) = eval::binary(op, ty, a, b)
            {
                replace_with_const(f, inst, r);
                return true;
            }
            let same = f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y);
            let is = |c: Option<i64>, v: i64| c.is_some_and(|c| ty.sext(c) == ty.sext(v));
            let keep_x = match op {
                Opcode::Iadd | Opcode::Bor | Opcode::Bxor => is(cy, 0),
                Opcode::Isub | Opcode::Ishl | Opcode::Ushr | Opcode::Sshr => is(cy, 0),
                Opcode::Imul | Opcode::Udiv | Opcode::Sdiv => is(cy, 1),
                Opcode::Band => is(cy, -1) || same,
                _ => false,
            } || (op == Opcode::Bor && same);
            if keep_x && f.dfg.value_type(x) == ty {
                replace_with_value(f, inst, x);
                return true;
            }
            let keep_y = match op {
                Opcode::Iadd | Opcode::Bor | Opcode::Bxor => is(cx, 0),
                Opcode::Imul => is(cx, 1),
                Opcode::Band => is(cx, -1),
                _ => false,
            };
            if keep_y && f.dfg.value_type(y) == ty {
                replace_with_value(f, inst, y);
                return true;
            }
            let zero = match op {
                Opcode::Imul | Opcode::Band => is(cx, 0) || is(cy, 0),
                Opcode::Isub | Opcode::Bxor => same,
                // BPF: x % 1 = 0 for every x; 0 / y = 0 and 0 % y = 0 also for y = 0.
                Opcode::Urem | Opcode::Srem => is(cy, 1) || is(cx, 0),
                Opcode::Udiv | Opcode::Sdiv => is(cx, 0),
                Opcode::Ishl | Opcode::Ushr => is(cx, 0),
                _ => false,
            };
            if zero {
                replace_with_const(f, inst, 0);
                return true;
            }
            false
        }
        InstData::Unary { op, arg } => {
            let (Some(ty), Some(a)) = (rty, const_value(f, arg)) else {
                return false;
            };
            match eval::unary(op, ty, a) {
                Some(r) => {
                    replace_with_const(f, inst, r);
                    true
                }
                None => false,
            }
        }
        InstData::Convert { op, arg } => {
            let (Some(to), Some(a)) = (rty, const_value(f, arg)) else {
                return false;
            };
            let from = f.dfg.value_type(arg);
            match eval::convert(op, from, to, a) {
                Some(r) => {
                    replace_with_const(f, inst, r);
                    true
                }
                None => false,
            }
        }
        InstData::Icmp { cond, args: [x, y] } => {
            let ty = f.dfg.value_type(x);
            if let (Some(a), Some(b)) = (const_value(f, x), const_value(f, y)) {
                replace_with_const(f, inst, i64::from(eval::icmp(cond, ty, a, b)));
                return true;
            }
            if f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y) {
                let r = matches!(
                    cond,
                    IntCC::Eq | IntCC::Ule | IntCC::Uge | IntCC::Sle | IntCC::Sge
                );
                replace_with_const(f, inst, i64::from(r));
                return true;
            }
            false
        }
        InstData::Select { args: [c, x, y] } => {
            if let Some(cv) = const_value(f, c) {
                let ct = f.dfg.value_type(c);
                replace_with_value(f, inst, if ct.zext(cv) != 0 { x } else { y });
                return true;
            }
            if f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y) {
                replace_with_value(f, inst, x);
                return true;
            }
            false
        }
        InstData::Brif {
            cond,
            then_dest,
            else_dest,
        } => {
            let Some(cv) = const_value(f, cond) else {
                return false;
            };
            let ct = f.dfg.value_type(cond);
            let dest = if ct.zext(cv) != 0 {
                then_dest
            } else {
                else_dest
            };
            f.dfg.insts[inst] = InstData::Jump { dest };
            true
        }
        _ => false,
    }
}
