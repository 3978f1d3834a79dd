//! The bit-counting builtins clang offers on every target and BPF programs use for
//! bitmaps and logarithms: `__builtin_popcount`, `__builtin_clz`, `__builtin_ctz`,
//! `__builtin_ffs` (with `l`/`ll` forms) and `__builtin_abs`/`labs`/`llabs`
//! (`__builtin_parity` is the low bit of a popcount: `builtins.rs`).
//!
//! The argument converts to the builtin's parameter type (`unsigned int`/`long`/
//! `long long` for the counts, the signed types for ffs and abs); the counts return
//! `int`, abs its parameter type. A constant argument folds to a constant, so the calls
//! work in constant expressions as in clang; `clz`/`ctz` of 0 are undefined and stay
//! calls. Lowering expands the rest into shifts and masks (`lower/bitops.rs`).

use super::Checker;
use super::tast::{BitOp, Builtin, Expr, ExprKind};
use crate::ast;
use crate::types::IntKind;
use diag::Span;

/// The operation and parameter type of a bit builtin's name.
pub(crate) fn bit_builtin(name: &str) -> Option<(BitOp, IntKind)> {
    let (op, rest) = [
        ("__builtin_popcount", BitOp::Popcount),
        ("__builtin_clz", BitOp::Clz),
        ("__builtin_ctz", BitOp::Ctz),
        ("__builtin_ffs", BitOp::Ffs),
    ]
    .into_iter()
    .find_map(|(p, op)| name.strip_prefix(p).map(|r| (op, r)))
    .or(match name {
        "__builtin_abs" => Some((BitOp::Abs, "")),
        "__builtin_labs" => Some((BitOp::Abs, "l")),
        "__builtin_llabs" => Some((BitOp::Abs, "ll")),
        _ => None,
    })?;
    let signed = matches!(op, BitOp::Ffs | BitOp::Abs);
    let kind = match (rest, signed) {
        ("", false) => IntKind::UInt,
        ("l", false) => IntKind::ULong,
        ("ll", false) => IntKind::ULongLong,
        ("", true) => IntKind::Int,
        ("l", true) => IntKind::Long,
        ("ll", true) => IntKind::LongLong,
        _ => return None,
    };
    Some((op, kind))
}

/// `op` applied to `v` (already wrapped to a `bits`-wide parameter), if defined.
fn fold(op: BitOp, bits: u32, v: i128) -> Option<i128> {
    let mask = (1u128 << bits) - 1;
    let u = (v as u128) & mask;
    Some(match op {
        BitOp::Popcount => i128::from(u.count_ones()),
        BitOp::Clz if u != 0 => i128::from(u.leading_zeros() - (128 - bits)),
        BitOp::Ctz if u != 0 => i128::from(u.trailing_zeros()),
        BitOp::Clz | BitOp::Ctz => return None,
        BitOp::Ffs if u == 0 => 0,
        BitOp::Ffs => i128::from(u.trailing_zeros() + 1),
        BitOp::Abs => v.abs(),
    })
}

impl Checker {
    /// Checks a call of the bit builtin `op` on a parameter of type `kind`.
    pub(crate) fn bit_call(
        &mut self,
        name: &str,
        (op, kind): (BitOp, IntKind),
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let pt = self.prog.types.int(kind);
        let Some(x) = self.int_arg(name, args, pt, span) else {
            return self.error_expr(span);
        };
        let bits = if matches!(kind, IntKind::UInt | IntKind::Int) {
            32
        } else {
            64
        };
        let rt = if op == BitOp::Abs { pt } else { self.int_ty() };
        let folded = super::consteval::eval_int(&self.prog.types, &x)
            .and_then(|c| fold(op, bits, kind.wrap(c)))
            .map(|r| self.prog.types.int_kind(rt).map_or(r, |k| k.wrap(r)));
        match folded {
            Some(r) => Expr::new(ExprKind::Int(r), rt, span),
            None => Expr::new(
                ExprKind::Builtin(Builtin::Bits(op, bits), vec![x]),
                rt,
                span,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_folding() {
        assert_eq!(
            bit_builtin("__builtin_popcountll"),
            Some((BitOp::Popcount, IntKind::ULongLong))
        );
        assert_eq!(
            bit_builtin("__builtin_ffsl"),
            Some((BitOp::Ffs, IntKind::Long))
        );
        assert_eq!(
            bit_builtin("__builtin_labs"),
            Some((BitOp::Abs, IntKind::Long))
        );
        assert_eq!(bit_builtin("__builtin_clzx"), None);
        assert_eq!(fold(BitOp::Popcount, 32, 0xf0f0), Some(8));
        assert_eq!(fold(BitOp::Clz, 32, 1), Some(31));
        assert_eq!(fold(BitOp::Clz, 64, 1), Some(63));
        assert_eq!(fold(BitOp::Ctz, 64, 1 << 40), Some(40));
        assert_eq!(fold(BitOp::Ctz, 32, 0), None);
        assert_eq!(fold(BitOp::Ffs, 32, 0), Some(0));
        assert_eq!(fold(BitOp::Ffs, 32, -8), Some(4));
        assert_eq!(fold(BitOp::Abs, 32, -7), Some(7));
    }
}
