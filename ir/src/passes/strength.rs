//! Strength reduction of division and remainder by a constant power of two:
//! `udiv x, 2^k` → `ushr x, k`; `urem x, 2^k` → `band x, 2^k-1`;
//! `sdiv x, ±2^k` → `sshr (x + ((x s>> n-1) u>> n-k)), k` (negated for a negative
//! divisor); `srem x, ±2^k` → `x - (that quotient << k)`.
//!
//! Why it runs in every pipeline: signed division and modulo (SDIV/SMOD) exist only
//! from BPF cpu v4 (instruction-set.rst, "Arithmetic instructions"), so `x / 4` on a
//! signed int must not need them on older CPUs; clang turns these into shifts too.
//! The shift sequence rounds toward zero, as C and BPF's SDIV do.
//!
//! Signed division or remainder whose operands are both known non-negative (a zero
//! extension from a narrower type, a mask by a non-negative constant, a logical right
//! shift, a non-negative constant) is unsigned division: `u8 / 5` after the integer
//! promotions to `int` needs no SDIV on cpu < v4 (clang does the same), and `u8 % 8`
//! becomes a mask, whose bounds the verifier can follow when it indexes an array.
//!
//! Invariants: only constant (non-CO-RE) divisors; the result keeps its value and type.

use crate::dfg::ValueDef;
use crate::entities::{Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, const_value};
use crate::types::Type;

/// Returns true if anything was rewritten.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for inst in all_insts(f) {
        changed |= reduce(f, inst);
    }
    f.dfg.resolve_all_aliases();
    changed
}

fn iconst(f: &mut Function, before: Inst, ty: Type, imm: i64) -> Value {
    ins(f, before, InstData::Iconst { imm: ty.sext(imm) }, Some(ty))
}

fn ins(f: &mut Function, before: Inst, data: InstData, ctrl: Option<Type>) -> Value {
    let (i, v) = f.dfg.make_inst(data, ctrl);
    let v = v.unwrap_or_else(|| f.dfg.make_inst_result(i, ctrl.unwrap_or(Type::I64)));
    f.layout.insert_inst_before(i, before);
    f.srclocs[i] = f.srclocs[before];
    v
}

fn bin(f: &mut Function, before: Inst, op: Opcode, a: Value, b: Value) -> Value {
    ins(f, before, InstData::Binary { op, args: [a, b] }, None)
}

fn reduce(f: &mut Function, inst: Inst) -> bool {
    let InstData::Binary { op, args: [x, y] } = f.dfg.insts[inst] else {
        return false;
    };
    let Some(r) = f.dfg.inst_result(inst) else {
        return false;
    };
    let ty = f.dfg.value_type(r);
    let mut changed = false;
    let op = match op {
        Opcode::Sdiv | Opcode::Srem if known_non_negative(f, x) && known_non_negative(f, y) => {
            let unsigned = if op == Opcode::Sdiv {
                Opcode::Udiv
            } else {
                Opcode::Urem
            };
            f.dfg.insts[inst] = InstData::Binary {
                op: unsigned,
                args: [x, y],
            };
            changed = true;
            unsigned
        }
        _ => op,
    };
    let Some(c) = const_value(f, y) else {
        return changed;
    };
    let n = ty.bits();
    match op {
        Opcode::Udiv | Opcode::Urem => {
            let u = ty.zext(c);
            if !u.is_power_of_two() || u == 1 {
                return changed;
            }
            let k = u.trailing_zeros();
            f.dfg.insts[inst] = if op == Opcode::Udiv {
                let kv = iconst(f, inst, ty, i64::from(k));
                InstData::Binary {
                    op: Opcode::Ushr,
                    args: [x, kv],
                }
            } else {
                let mv = iconst(f, inst, ty, (u - 1) as i64);
                InstData::Binary {
                    op: Opcode::Band,
                    args: [x, mv],
                }
            };
            true
        }
        Opcode::Sdiv | Opcode::Srem => {
            let s = ty.sext(c);
            let mag = s.unsigned_abs();
            // |c| = 1 is constfold's; the most negative value has no positive twin.
            if !mag.is_power_of_two() || mag == 1 || mag > ty.mask() >> 1 {
                return false;
            }
            let k = mag.trailing_zeros();
            let sign_sh = iconst(f, inst, ty, i64::from(n - 1));
            let sign = bin(f, inst, Opcode::Sshr, x, sign_sh);
            let bias_sh = iconst(f, inst, ty, i64::from(n - k));
            let bias = bin(f, inst, Opcode::Ushr, sign, bias_sh);
            let biased = bin(f, inst, Opcode::Iadd, x, bias);
            let kv = iconst(f, inst, ty, i64::from(k));
            if op == Opcode::Sdiv {
                if s < 0 {
                    let q = bin(f, inst, Opcode::Sshr, biased, kv);
                    f.dfg.insts[inst] = InstData::Unary {
                        op: Opcode::Ineg,
                        arg: q,
                    };
                } else {
                    f.dfg.insts[inst] = InstData::Binary {
                        op: Opcode::Sshr,
                        args: [biased, kv],
                    };
                }
            } else {
                // x - ((x + bias) & -2^k): the quotient times 2^k, without the shifts.
                let mask = iconst(f, inst, ty, -(mag as i64));
                let down = bin(f, inst, Opcode::Band, biased, mask);
                f.dfg.insts[inst] = InstData::Binary {
                    op: Opcode::Isub,
                    args: [x, down],
                };
            }
            true
        }
        _ => changed,
    }
}

/// True when `v`, read as a signed number of its type, can never be negative.
fn known_non_negative(f: &Function, v: Value) -> bool {
    let v = f.dfg.resolve_alias(v);
    let ty = f.dfg.value_type(v);
    if let Some(c) = const_value(f, v) {
        return ty.sext(c) >= 0;
    }
    let ValueDef::Result(inst) = f.dfg.value_def(v) else {
        return false;
    };
    match f.dfg.insts[inst] {
        InstData::Convert {
            op: Opcode::Uextend,
            arg,
        } => f.dfg.value_type(arg).bits() < ty.bits(),
        InstData::Binary {
            op: Opcode::Band,
            args: [a, b],
        } => [a, b]
            .iter()
            .any(|&m| const_value(f, m).is_some_and(|c| ty.sext(c) >= 0)),
        InstData::Binary {
            op: Opcode::Ushr,
            args: [_, s],
        } => const_value(f, s).is_some_and(|c| c > 0 && c < i64::from(ty.bits())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::FunctionBuilder;
    use crate::function::Signature;
    use crate::interp::{Memory, run as interp};
    use crate::module::Module;

    /// Every i8 dividend against every power-of-two divisor (both signs): the reduced
    /// code computes what BPF's division computes.
    #[test]
    fn exhaustive_i8() {
        for op in [Opcode::Sdiv, Opcode::Srem, Opcode::Udiv, Opcode::Urem] {
            for c in [2i64, 4, 8, 16, 32, 64, -2, -4, -64, 128, -128] {
                let mut f = Function::new("d", Signature::new(vec![Type::I8], Some(Type::I8)));
                let mut b = FunctionBuilder::new(&mut f);
                let e = b.create_block();
                b.switch_to_block(e);
                let x = b.append_block_params_for_function_params(e)[0];
                let k = b.iconst(Type::I8, c);
                let r = b.binary(op, x, k);
                b.ret(Some(r));
                b.finalize();
                run(&mut f);
                assert!(crate::verifier::verify_function(&f).is_ok());
                let mut m = Module::new();
                m.functions.push(f);
                for x in -128i64..128 {
                    let want = crate::eval::binary(op, Type::I8, x, c);
                    let mut mem = Memory::default();
                    let mut fuel = 100;
                    let got = interp(&m, "d", &[x], &mut mem, &mut fuel);
                    assert_eq!(got.ok().flatten(), want, "{} {x}, {c}", op.name());
                }
            }
        }
    }

    /// `int` division of promoted `unsigned char` operands becomes unsigned (no SDIV),
    /// and keeps C's result for every dividend and divisor.
    #[test]
    fn promoted_unsigned_operands_divide_unsigned() {
        for op in [Opcode::Sdiv, Opcode::Srem] {
            let mut f = Function::new(
                "d",
                Signature::new(vec![Type::I8, Type::I8], Some(Type::I32)),
            );
            let mut b = FunctionBuilder::new(&mut f);
            let e = b.create_block();
            b.switch_to_block(e);
            let p = b.append_block_params_for_function_params(e);
            let x = b.uextend(Type::I32, p[0]);
            let y = b.uextend(Type::I32, p[1]);
            let r = b.binary(op, x, y);
            b.ret(Some(r));
            b.finalize();
            assert!(run(&mut f));
            assert!(crate::verifier::verify_function(&f).is_ok());
            let ops: Vec<Opcode> = all_insts(&f)
                .into_iter()
                .filter_map(|i| match f.dfg.insts[i] {
                    InstData::Binary { op, .. } => Some(op),
                    _ => None,
                })
                .collect();
            assert!(!ops.contains(&op) && !ops.is_empty(), "{ops:?}");
            let mut m = Module::new();
            m.functions.push(f);
            for x in 0i64..256 {
                for y in [1i64, 3, 5, 8, 200, 255] {
                    let want = crate::eval::binary(op, Type::I32, x, y);
                    let mut mem = Memory::default();
                    let mut fuel = 100;
                    let got = interp(&m, "d", &[x, y], &mut mem, &mut fuel);
                    assert_eq!(got.ok().flatten(), want, "{} {x}, {y}", op.name());
                }
            }
        }
    }

    /// A plain `int` dividend may be negative: its division stays signed.
    #[test]
    fn signed_dividend_stays_signed() {
        let mut f = Function::new("d", Signature::new(vec![Type::I32], Some(Type::I32)));
        let mut b = FunctionBuilder::new(&mut f);
        let e = b.create_block();
        b.switch_to_block(e);
        let x = b.append_block_params_for_function_params(e)[0];
        let k = b.iconst(Type::I32, 5);
        let r = b.binary(Opcode::Sdiv, x, k);
        b.ret(Some(r));
        b.finalize();
        assert!(!run(&mut f));
    }
}
