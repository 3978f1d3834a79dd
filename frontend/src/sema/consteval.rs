//! Constant evaluation of typed expressions (C17 6.6): integer constant expressions
//! (case labels, array sizes, bit-field widths, enum values, `_Static_assert`) and
//! address constants (global initializers such as `&x`, `"str"`, `&s.f`, `fn`).
//!
//! Invariant: arithmetic wraps to the expression's type exactly as the target does;
//! division by zero is "not constant" (clang rejects it too), never a panic.

use super::tast::{BinOp, CastKind, CmpOp, Expr, ExprKind, FuncId, GlobalId, UnOp};
use crate::types::TypeTable;

/// The symbol an address constant points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrBase {
    Global(GlobalId),
    Func(FuncId),
}

/// A constant value: an integer, or a symbol address plus a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstVal {
    Int(i128),
    Addr(AddrBase, i64),
}

/// Evaluates an integer constant expression; `None` when it is not one.
pub fn eval_int(types: &TypeTable, e: &Expr) -> Option<i128> {
    match eval(types, e)? {
        ConstVal::Int(v) => Some(v),
        ConstVal::Addr(..) => None,
    }
}

/// Wraps `v` to the integer (or pointer) type `e.ty`.
fn wrap(types: &TypeTable, e: &Expr, v: i128) -> i128 {
    match types.int_kind(e.ty) {
        Some(k) => k.wrap(v),
        None if types.is_bool(e.ty) => i128::from(v != 0),
        // Pointers are 64-bit unsigned.
        None => crate::types::IntKind::ULong.wrap(v),
    }
}

fn is_signed(types: &TypeTable, e: &Expr) -> bool {
    types.int_info(e.ty).map(|(_, s)| s).unwrap_or(false)
}

/// Evaluates an integer or address constant.
pub fn eval(types: &TypeTable, e: &Expr) -> Option<ConstVal> {
    use ConstVal::*;
    Some(match &e.kind {
        ExprKind::Int(v) => Int(*v),
        ExprKind::Cast(k, inner) => {
            let v = eval(types, inner)?;
            match (k, v) {
                (CastKind::ToBool, Int(x)) => Int(i128::from(x != 0)),
                (CastKind::ToBool, Addr(..)) => Int(1),
                (CastKind::ToVoid, _) => return None,
                (_, Int(x)) => Int(wrap(types, e, x)),
                // An address cast to a pointer or a 64-bit integer stays an address.
                (_, a @ Addr(..)) => {
                    if types.size_of(e.ty) == Some(8) {
                        a
                    } else {
                        return None;
                    }
                }
            }
        }
        ExprKind::Unary(op, a) => {
            let x = int_of(types, a)?;
            let r = match op {
                UnOp::Neg => x.wrapping_neg(),
                UnOp::BitNot => !x,
                UnOp::LogNot => i128::from(x == 0),
            };
            Int(wrap(types, e, r))
        }
        ExprKind::Binary(op, a, b) => {
            let x = int_of(types, a)?;
            let y = int_of(types, b)?;
            let signed = is_signed(types, e);
            let bits = types.size_of(e.ty).unwrap_or(8) * 8;
            let r = match op {
                BinOp::Add => x.wrapping_add(y),
                BinOp::Sub => x.wrapping_sub(y),
                BinOp::Mul => x.wrapping_mul(y),
                BinOp::Div => {
                    if y == 0 {
                        return None;
                    }
                    x.wrapping_div(y)
                }
                BinOp::Rem => {
                    if y == 0 {
                        return None;
                    }
                    x.wrapping_rem(y)
                }
                BinOp::And => x & y,
                BinOp::Or => x | y,
                BinOp::Xor => x ^ y,
                BinOp::Shl => {
                    if y < 0 || y as u64 >= bits {
                        return None;
                    }
                    x.wrapping_shl(y as u32)
                }
                BinOp::Shr => {
                    if y < 0 || y as u64 >= bits {
                        return None;
                    }
                    if signed {
                        x >> y
                    } else {
                        ((x as u128) >> y) as i128
                    }
                }
            };
            Int(wrap(types, e, r))
        }
        ExprKind::Cmp(op, a, b) => {
            let x = int_of(types, a)?;
            let y = int_of(types, b)?;
            Int(i128::from(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
            }))
        }
        ExprKind::LogAnd(a, b) => {
            let x = int_of(types, a)?;
            if x == 0 {
                Int(0)
            } else {
                Int(i128::from(int_of(types, b)? != 0))
            }
        }
        ExprKind::LogOr(a, b) => {
            let x = int_of(types, a)?;
            if x != 0 {
                Int(1)
            } else {
                Int(i128::from(int_of(types, b)? != 0))
            }
        }
        ExprKind::Cond(c, a, b) => {
            if int_of(types, c)? != 0 {
                eval(types, a)?
            } else {
                eval(types, b)?
            }
        }
        ExprKind::BinaryCond(c, b) => match int_of(types, c)? {
            0 => eval(types, b)?,
            v => Int(wrap(types, e, v)),
        },
        ExprKind::Comma(_, _) => return None,
        // Addresses: &global, &global.member, decayed arrays and functions.
        ExprKind::AddrOf(lv) | ExprKind::Decay(lv) => match lvalue_addr(types, lv) {
            Some((base, off)) => Addr(base, off),
            None => Int(wrap(types, e, lvalue_int_addr(types, lv)?)),
        },
        ExprKind::Func(f) => Addr(AddrBase::Func(*f), 0),
        ExprKind::PtrAdd {
            ptr,
            idx,
            elem_size,
        } => {
            let i = int_of(types, idx)?;
            let step = i64::try_from(i.checked_mul(i128::from(*elem_size))?).ok()?;
            match eval(types, ptr)? {
                Addr(b, off) => Addr(b, off.checked_add(step)?),
                Int(p) => Int(wrap(types, e, p.wrapping_add(i128::from(step)))),
            }
        }
        // The offsetof idiom `&((T *)0)->f` reaches here as a member of a null deref.
        ExprKind::Load(_)
        | ExprKind::Local(_)
        | ExprKind::Global(_)
        | ExprKind::Deref(_)
        | ExprKind::Member { .. }
        | ExprKind::PtrDiff { .. }
        | ExprKind::Assign(..)
        | ExprKind::CompoundAssign { .. }
        | ExprKind::IncDec { .. }
        | ExprKind::Call { .. }
        | ExprKind::Builtin(..)
        | ExprKind::StmtExpr(..)
        | ExprKind::CompoundLit(..)
        | ExprKind::CoreFieldAddr { .. }
        | ExprKind::CoreConst(_) => return None,
    })
}

fn int_of(types: &TypeTable, e: &Expr) -> Option<i128> {
    match eval(types, e)? {
        ConstVal::Int(v) => Some(v),
        ConstVal::Addr(..) => None,
    }
}

/// The address of a constant lvalue: a global (or a function) plus a byte offset.
/// `&((T *)0)->f` evaluates to an integer through [`eval`] of the null base instead.
fn lvalue_addr(types: &TypeTable, lv: &Expr) -> Option<(AddrBase, i64)> {
    match &lv.kind {
        ExprKind::Global(g) => Some((AddrBase::Global(*g), 0)),
        ExprKind::Func(f) => Some((AddrBase::Func(*f), 0)),
        ExprKind::Member { base, field } => {
            if field.bit_width.is_some() {
                return None;
            }
            let (b, off) = lvalue_addr(types, base)?;
            Some((
                b,
                off.checked_add(i64::try_from(field.byte_offset()).ok()?)?,
            ))
        }
        ExprKind::Deref(p) => match eval(types, p)? {
            ConstVal::Addr(b, off) => Some((b, off)),
            ConstVal::Int(_) => None,
        },
        _ => None,
    }
}

/// `&((T *)N)->a.b[i]`-style offset computation: the integer address of an lvalue
/// whose base is a constant integer pointer (used by `offsetof` written as a macro).
pub fn lvalue_int_addr(types: &TypeTable, lv: &Expr) -> Option<i128> {
    match &lv.kind {
        ExprKind::Deref(p) => int_of(types, p),
        ExprKind::Member { base, field } => {
            if field.bit_width.is_some() {
                return None;
            }
            Some(lvalue_int_addr(types, base)? + i128::from(field.byte_offset()))
        }
        _ => None,
    }
}
