//! Constant evaluation of IR operations, with BPF's semantics where C leaves the
//! result undefined (instruction-set.rst, "Arithmetic instructions"):
//! - unsigned and signed division by zero give 0; modulo by zero gives the dividend;
//! - `INT_MIN / -1` gives INT_MIN and `INT_MIN % -1` gives 0 (no trap);
//! - shift amounts are masked to the width (`x << 33` on i32 shifts by 1).
//!
//! Invariants: inputs and outputs are kept sign-extended from their type's width (the
//! canonical `iconst` immediate); nothing here panics (wrapping arithmetic).

use crate::entities::{Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::types::{IntCC, Type};

/// `op x, y` on constants of type `ty`; None if `op` is not a binary operation.
/// For shifts, `y` is the amount (already as a plain integer).
pub fn binary(op: Opcode, ty: Type, x: i64, y: i64) -> Option<i64> {
    let ux = ty.zext(x);
    let uy = ty.zext(y);
    let sx = ty.sext(x);
    let sy = ty.sext(y);
    let amount = (y as u64 & u64::from(ty.bits() - 1)) as u32;
    let r = match op {
        Opcode::Iadd => x.wrapping_add(y),
        Opcode::Isub => x.wrapping_sub(y),
        Opcode::Imul => x.wrapping_mul(y),
        Opcode::Udiv => ux.checked_div(uy).unwrap_or(0) as i64,
        Opcode::Urem => {
            if uy == 0 {
                ux as i64
            } else {
                (ux % uy) as i64
            }
        }
        Opcode::Sdiv => {
            if sy == 0 {
                0
            } else {
                sx.wrapping_div(sy)
            }
        }
        Opcode::Srem => {
            if sy == 0 {
                sx
            } else {
                sx.wrapping_rem(sy)
            }
        }
        Opcode::Band => x & y,
        Opcode::Bor => x | y,
        Opcode::Bxor => x ^ y,
        Opcode::Ishl => ((ux << amount) & ty.mask()) as i64,
        Opcode::Ushr => (ux >> amount) as i64,
        Opcode::Sshr => sx >> amount,
        _ => return None,
    };
    Some(ty.sext(r))
}

/// `op x` for the unary operations.
pub fn unary(op: Opcode, ty: Type, x: i64) -> Option<i64> {
    let r = match op {
        Opcode::Ineg => x.wrapping_neg(),
        Opcode::Bnot => !x,
        Opcode::Bswap16 => i64::from((ty.zext(x) as u16).swap_bytes()),
        Opcode::Bswap32 => i64::from((ty.zext(x) as u32).swap_bytes()),
        Opcode::Bswap64 => (ty.zext(x)).swap_bytes() as i64,
        // Whether a value is a constant is a fact about the program, not about the
        // value: a known value does not make it one (see the `is_constant` pass).
        _ => return None,
    };
    Some(ty.sext(r))
}

/// `uextend/sextend/ireduce` of `x` (of type `from`) to `to`.
pub fn convert(op: Opcode, from: Type, to: Type, x: i64) -> Option<i64> {
    let r = match op {
        Opcode::Uextend => from.zext(x) as i64,
        Opcode::Sextend => from.sext(x),
        Opcode::Ireduce => x,
        _ => return None,
    };
    Some(to.sext(r))
}

/// `icmp cond x, y` on constants of type `ty`.
pub fn icmp(cond: IntCC, ty: Type, x: i64, y: i64) -> bool {
    let (ux, uy) = (ty.zext(x), ty.zext(y));
    let (sx, sy) = (ty.sext(x), ty.sext(y));
    match cond {
        IntCC::Eq => ux == uy,
        IntCC::Ne => ux != uy,
        IntCC::Ult => ux < uy,
        IntCC::Ule => ux <= uy,
        IntCC::Ugt => ux > uy,
        IntCC::Uge => ux >= uy,
        IntCC::Slt => sx < sy,
        IntCC::Sle => sx <= sy,
        IntCC::Sgt => sx > sy,
        IntCC::Sge => sx >= sy,
    }
}

/// The value of the pure instruction `inst` of `f` (a constant, unary, conversion,
/// binary, compare or select), given its operands' values through `get` (None:
/// unknown); None when an operand it needs is unknown or `inst` is not pure arithmetic.
/// A select asks only for the operand its condition picks.
pub fn pure_inst(
    f: &Function,
    inst: Inst,
    mut get: impl FnMut(Value) -> Option<i64>,
) -> Option<i64> {
    let ty = f.dfg.value_type(f.dfg.inst_result(inst)?);
    let ty_of = |v: Value| f.dfg.value_type(f.dfg.resolve_alias(v));
    match f.dfg.insts[inst] {
        InstData::Iconst { imm } => Some(imm),
        InstData::Unary { op, arg } => unary(op, ty, get(arg)?),
        InstData::Convert { op, arg } => convert(op, ty_of(arg), ty, get(arg)?),
        InstData::Binary { op, args: [x, y] } => binary(op, ty, get(x)?, get(y)?),
        InstData::Icmp { cond, args: [x, y] } => {
            Some(i64::from(icmp(cond, ty_of(x), get(x)?, get(y)?)))
        }
        InstData::Select { args: [c, x, y] } => {
            if ty_of(c).zext(get(c)?) != 0 {
                get(x)
            } else {
                get(y)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bpf_division_and_shift_rules() {
        assert_eq!(binary(Opcode::Udiv, Type::I32, 7, 0), Some(0));
        assert_eq!(binary(Opcode::Sdiv, Type::I64, 7, 0), Some(0));
        assert_eq!(binary(Opcode::Urem, Type::I32, 7, 0), Some(7));
        assert_eq!(binary(Opcode::Srem, Type::I32, -7, 0), Some(-7));
        assert_eq!(
            binary(Opcode::Sdiv, Type::I32, i64::from(i32::MIN), -1),
            Some(i64::from(i32::MIN))
        );
        assert_eq!(binary(Opcode::Srem, Type::I64, i64::MIN, -1), Some(0));
        assert_eq!(binary(Opcode::Ishl, Type::I32, 1, 33), Some(2));
        assert_eq!(binary(Opcode::Ushr, Type::I8, -1, 4), Some(0x0f));
        assert_eq!(binary(Opcode::Sshr, Type::I8, -128, 7), Some(-1));
        assert_eq!(binary(Opcode::Udiv, Type::I32, -1, 2), Some(0x7fff_ffff));
        assert_eq!(binary(Opcode::Iadd, Type::I8, 127, 1), Some(-128));
    }

    #[test]
    fn unary_convert_compare() {
        assert_eq!(unary(Opcode::Bswap16, Type::I32, 0x1234), Some(0x3412));
        assert_eq!(
            unary(Opcode::Bswap32, Type::I64, 0x1122_3344_5566_7788),
            Some(0x8877_6655)
        );
        assert_eq!(unary(Opcode::Bnot, Type::I8, 0), Some(-1));
        assert_eq!(convert(Opcode::Uextend, Type::I8, Type::I32, -1), Some(255));
        assert_eq!(convert(Opcode::Sextend, Type::I8, Type::I32, -1), Some(-1));
        assert_eq!(
            convert(Opcode::Ireduce, Type::I64, Type::I8, 0x1ff),
            Some(-1)
        );
        assert!(icmp(IntCC::Ult, Type::I32, 1, -1));
        assert!(!icmp(IntCC::Slt, Type::I32, 1, -1));
        assert!(icmp(IntCC::Eq, Type::I8, 255, -1));
    }
}
