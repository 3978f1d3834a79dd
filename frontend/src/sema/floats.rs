//! Floating values in expressions (C17 6.3.1.4-5, 6.4.4.2), within what BPF can run.
//!
//! A floating value is kept as its bit pattern (see `types/floats.rs`): loads, stores,
//! copies, arguments and returns of the same floating type need no floating-point
//! instruction, and constants convert at compile time (a literal, `-1.5`, `(float)2`,
//! `(int)2.5`). Everything else, arithmetic, comparisons, tests for zero and
//! conversions of run-time values, needs an instruction BPF lacks (clang stops there
//! too, with "A call to built-in function '__addsf3' is not supported"), so it is an
//! E0305 error at the expression.

use super::Checker;
use super::expr::mk;
use super::tast::{Expr, ExprKind};
use crate::ast;
use crate::types::{FloatKind, QualType};
use diag::{Span, codes};

/// Why BPF cannot run the operation, as the note of every E0305 error.
const NO_FLOAT_UNIT: &str = "BPF has no floating point registers or instructions";

impl Checker {
    /// A floating constant: its bit pattern, typed by its suffix.
    pub(super) fn float_lit(&mut self, text: &str, span: Span) -> Expr {
        match crate::parse::literal::parse_float(text) {
            Ok((value, kind)) => {
                let t = self.prog.types.float(kind);
                mk(ExprKind::Int(i128::from(kind.bits_of(value))), t, span)
            }
            Err((code, msg)) => {
                self.err(code, span, msg);
                self.error_expr(span)
            }
        }
    }

    /// The E0305 error for an operation on floating values at `span`.
    pub(super) fn float_unsupported(&mut self, span: Span, what: &str) -> Expr {
        self.err_note(
            codes::E_BPF_FLOAT,
            span,
            format!("{what} is not supported by BPF"),
            NO_FLOAT_UNIT,
        );
        self.error_expr(span)
    }

    /// True (after reporting E0305) when `e` has a floating type.
    pub(super) fn reject_float(&mut self, e: &Expr, span: Span, what: &str) -> bool {
        if self.prog.types.float_kind(e.ty).is_none() {
            return false;
        }
        self.float_unsupported(span, what);
        true
    }

    /// The constant value of `e` as a real number, when it is a constant of an integer
    /// or floating type.
    fn const_real(&self, e: &Expr) -> Option<f64> {
        let ExprKind::Int(v) = e.kind else {
            return None;
        };
        let tt = &self.prog.types;
        match tt.float_kind(e.ty) {
            Some(k) => Some(k.value_of(v as u64)),
            None if tt.is_integer(e.ty) => Some(v as f64),
            None => None,
        }
    }

    /// A conversion to or from a floating type (`to` differs from `e`'s type): folded
    /// when `e` is a constant, else E0305.
    pub(super) fn float_conv(&mut self, e: Expr, to: QualType) -> Expr {
        let span = e.span;
        let tt = &self.prog.types;
        let value = self.const_real(&e);
        let (Some(v), true) = (value, tt.is_integer(to) || tt.float_kind(to).is_some()) else {
            return self.float_unsupported(span, "conversion of a floating point value");
        };
        let folded = if let Some(k) = tt.float_kind(to) {
            i128::from(k.bits_of(v))
        } else if tt.is_bool(to) {
            i128::from(v != 0.0)
        } else {
            // C17 6.3.1.4: truncation toward zero. Out-of-range values are undefined;
            // clang's constant folding saturates to the type's range (and gives 0 for
            // NaN), and so do we, so that `.data` matches: `int a = 1e99;` is INT_MAX,
            // `unsigned d = -1.0;` is 0.
            let k = tt.int_kind(to).unwrap_or(crate::types::IntKind::Int);
            let (lo, hi) = k.range();
            (v.trunc() as i128).clamp(lo, hi)
        };
        mk(ExprKind::Int(folded), to.unqual(), span)
    }

    /// A binary operator with a floating operand: folded when both operands are
    /// constants and the operator is arithmetic (`+ - * /`, in the usual arithmetic
    /// conversions' type) or a comparison (an `int`); else E0305.
    pub(super) fn float_binary(
        &mut self,
        op: ast::BinaryOp,
        a: &Expr,
        b: &Expr,
        span: Span,
    ) -> Expr {
        use ast::BinaryOp as B;
        let tt = &self.prog.types;
        let kind = match (tt.float_kind(a.ty), tt.float_kind(b.ty)) {
            (Some(x), Some(y)) => rank_max(x, y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => FloatKind::Double,
        };
        let (Some(x), Some(y)) = (self.const_real(a), self.const_real(b)) else {
            return self.float_unsupported(span, "floating point arithmetic");
        };
        // Operands convert to the common type first (C17 6.3.1.8).
        let (x, y) = (
            kind.value_of(kind.bits_of(x)),
            kind.value_of(kind.bits_of(y)),
        );
        let cmp = |r: bool| Some(i128::from(r));
        let (value, is_cmp) = match op {
            B::Add => (Some(i128::from(kind.bits_of(x + y))), false),
            B::Sub => (Some(i128::from(kind.bits_of(x - y))), false),
            B::Mul => (Some(i128::from(kind.bits_of(x * y))), false),
            B::Div => (Some(i128::from(kind.bits_of(x / y))), false),
            B::Lt => (cmp(x < y), true),
            B::Gt => (cmp(x > y), true),
            B::Le => (cmp(x <= y), true),
            B::Ge => (cmp(x >= y), true),
            B::Eq => (cmp(x == y), true),
            B::Ne => (cmp(x != y), true),
            _ => (None, false),
        };
        let Some(v) = value else {
            self.err(
                codes::E_INVALID_OPERANDS,
                span,
                format!(
                    "invalid operands to binary expression ('{}' and '{}')",
                    self.prog.types.display(a.ty),
                    self.prog.types.display(b.ty)
                ),
            );
            return self.error_expr(span);
        };
        let t = if is_cmp {
            self.int_ty()
        } else {
            self.prog.types.float(kind)
        };
        mk(ExprKind::Int(v), t, span)
    }

    /// The common real type of two operands when one is floating and the other floating
    /// or integer (C17 6.3.1.8), for `?:`.
    pub(super) fn float_common(&mut self, a: &Expr, b: &Expr) -> Option<QualType> {
        let tt = &self.prog.types;
        let real = |e: &Expr| tt.is_arith(e.ty) || tt.float_kind(e.ty).is_some();
        if !real(a) || !real(b) {
            return None;
        }
        let kind = match (tt.float_kind(a.ty), tt.float_kind(b.ty)) {
            (Some(x), Some(y)) => rank_max(x, y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => return None,
        };
        // Keep a typedef both arms share (`real_t`), as clang does.
        if tt.canon(a.ty).id == tt.canon(b.ty).id {
            return Some(a.ty.unqual());
        }
        Some(self.prog.types.float(kind))
    }

    /// Unary `-`/`+` on a floating operand: folded for a constant, else E0305.
    pub(super) fn float_sign(&mut self, x: Expr, negate: bool, span: Span) -> Expr {
        let Some(k) = self.prog.types.float_kind(x.ty) else {
            return x;
        };
        match (self.const_real(&x), negate) {
            (Some(_), false) => x,
            (Some(v), true) => {
                let t = x.ty;
                mk(ExprKind::Int(i128::from(k.bits_of(-v))), t, span)
            }
            (None, _) => self.float_unsupported(span, "floating point arithmetic"),
        }
    }
}

/// The wider of two floating types (C17 6.3.1.8: long double > double > float).
fn rank_max(a: FloatKind, b: FloatKind) -> FloatKind {
    let rank = |k| match k {
        FloatKind::Float => 0,
        FloatKind::Double => 1,
        FloatKind::LongDouble => 2,
    };
    if rank(a) >= rank(b) { a } else { b }
}
