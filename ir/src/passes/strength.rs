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
//! Invariants: only constant (non-CO-RE) divisors; the result keeps its value and type.

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
    let Some(c) = const_value(f, y) else {
        return false;
    };
    let n = ty.bits();
    match op {
        Opcode::Udiv | Opcode::Urem => {
            let u = ty.zext(c);
            if !u.is_power_of_two() || u == 1 {
                return false;
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
}
