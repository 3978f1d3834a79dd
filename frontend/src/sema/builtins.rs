//! The compiler builtins BPF programs use (clang's names): `__builtin_expect`,
//! `__builtin_constant_p`, `__builtin_memcpy/memmove/memset/memcmp` with constant
//! sizes, `__builtin_bswap16/32/64`, the bit counts of `bitops.rs`, the `__sync_*`, `__atomic_fetch_*`, `__atomic_<op>_fetch` /
//! `__atomic_exchange_n` atomics on 32/64-bit integers,
//! and `__builtin_preserve_access_index` (passed through: no CO-RE relocations).
//!
//! Invariant: a builtin is only recognized when the name is not declared by the
//! program; unknown names fall through to "undeclared identifier".

use super::Checker;
use super::expr::has_side_effects;
use super::tast::{AtomicOp, Builtin, Expr, ExprKind};
use crate::ast;
use crate::types::{IntKind, QualType};
use diag::{Span, codes};

impl Checker {
    pub(super) fn builtin_args(
        &mut self,
        name: &str,
        args: &[ast::Expr],
        n: usize,
        span: Span,
    ) -> Option<Vec<Expr>> {
        if args.len() != n {
            let which = if args.len() < n {
                "too few"
            } else {
                "too many"
            };
            self.err(
                codes::E_ARG_COUNT,
                span,
                format!(
                    "{which} arguments to function call, expected {n}, have {}",
                    args.len()
                ),
            );
            for a in args {
                self.rv_expr(a);
            }
            let _ = name;
            return None;
        }
        Some(args.iter().map(|a| self.rv_expr(a)).collect())
    }

    /// The only argument of `name`, an integer converted to `to`.
    pub(super) fn int_arg(
        &mut self,
        name: &str,
        args: &[ast::Expr],
        to: QualType,
        span: Span,
    ) -> Option<Expr> {
        let x = self.builtin_args(name, args, 1, span)?.swap_remove(0);
        if !self.prog.types.is_integer(x.ty) {
            self.err(
                codes::E_BUILTIN_ARG,
                x.span,
                format!("'{name}' expects an integer"),
            );
            return None;
        }
        Some(self.cast_to(x, to))
    }

    fn const_size(&mut self, name: &str, e: &Expr) -> Option<u64> {
        match super::consteval::eval_int(&self.prog.types, e) {
            Some(v) if v >= 0 => Some(v as u64),
            _ => {
                self.err_note(
                    codes::E_BUILTIN_ARG,
                    e.span,
                    format!("'{name}' needs a constant size on BPF"),
                    "BPF has no memory-copy instruction; constant sizes are expanded into loads and stores",
                );
                None
            }
        }
    }

    fn void_ptr(&mut self) -> QualType {
        let v = self.prog.types.void();
        self.prog.types.ptr(v)
    }

    fn want_ptr(&mut self, name: &str, e: Expr) -> Option<Expr> {
        if !self.prog.types.is_pointer(e.ty) {
            self.err(
                codes::E_BUILTIN_ARG,
                e.span,
                format!(
                    "'{name}' expects a pointer, not '{}'",
                    self.prog.types.display(e.ty)
                ),
            );
            return None;
        }
        let vp = self.void_ptr();
        Some(self.cast_to(e, vp))
    }

    /// `__builtin_strlen("...")`: the literal's length up to its first NUL, a constant of
    /// type `unsigned long`, as clang folds it. BPF has no `strlen` to call, so any
    /// other argument is an error.
    fn strlen_call(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        match (args.len(), args.first().map(|a| &a.kind)) {
            (1, Some(ast::ExprKind::StrLit(s))) => {
                let bytes = s.bytes();
                let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                let ul = self.prog.types.int(IntKind::ULong);
                Expr::new(ExprKind::Int(len as i128), ul, span)
            }
            _ => {
                for a in args {
                    self.rv_expr(a);
                }
                self.err(
                    codes::E_UNSUPPORTED,
                    span,
                    "__builtin_strlen needs one string literal for BPF (there is no strlen to call)",
                );
                self.error_expr(span)
            }
        }
    }

    /// Checks a call of builtin `name`; `None` when `name` is not a builtin.
    pub(crate) fn builtin_call(
        &mut self,
        name: &str,
        args: &[ast::Expr],
        span: Span,
    ) -> Option<Expr> {
        let e = |kind, ty, span| Expr::new(kind, ty, span);
        if let Some(bit) = super::bitops::bit_builtin(name) {
            return Some(self.bit_call(name, bit, args, span));
        }
        // `__builtin_parity{,l,ll}(x)` is the low bit of the population count.
        if let Some(width) = name.strip_prefix("__builtin_parity")
            && let Some(bit) = super::bitops::bit_builtin(&format!("__builtin_popcount{width}"))
        {
            let count = self.bit_call(name, bit, args, span);
            let ty = count.ty;
            return Some(match count.kind {
                ExprKind::Int(v) => Expr::new(ExprKind::Int(v & 1), ty, span),
                _ => {
                    let one = Expr::new(ExprKind::Int(1), ty, span);
                    Expr::new(
                        ExprKind::Binary(super::tast::BinOp::And, count.boxed(), one.boxed()),
                        ty,
                        span,
                    )
                }
            });
        }
        Some(match name {
            "__builtin_strlen" => self.strlen_call(args, span),
            "__builtin_expect" | "__builtin_expect_with_probability" => {
                let n = if name == "__builtin_expect" { 2 } else { 3 };
                let Some(mut v) = self.builtin_args(name, args, n, span) else {
                    return Some(self.error_expr(span));
                };
                let x = v.swap_remove(0);
                let l = self.prog.types.int(IntKind::Long);
                self.cast_to(x, l)
            }
            "__builtin_constant_p" => {
                let Some(mut v) = self.builtin_args(name, args, 1, span) else {
                    return Some(self.error_expr(span));
                };
                let x = v.swap_remove(0);
                // As clang: 1 for a constant expression; 0 for anything with side
                // effects (never evaluated) and for non-integers (pointers included);
                // otherwise the optimizer decides (`is_constant` in the IR).
                let known = super::consteval::eval_int(&self.prog.types, &x).is_some();
                if known || has_side_effects(&x) || !self.prog.types.is_integer(x.ty) {
                    return Some(self.int_const(i128::from(known), span));
                }
                let int = self.prog.types.int(IntKind::Int);
                e(ExprKind::Builtin(Builtin::ConstantP, vec![x]), int, span)
            }
            "__builtin_trap" | "__builtin_unreachable" => {
                let _ = self.builtin_args(name, args, 0, span);
                let v = self.prog.types.void();
                e(ExprKind::Builtin(Builtin::Unreachable, Vec::new()), v, span)
            }
            "__builtin_preserve_access_index" => {
                let Some(mut v) = self.builtin_args(name, args, 1, span) else {
                    return Some(self.error_expr(span));
                };
                let x = v.swap_remove(0);
                self.core_access_index(x)
            }
            "__builtin_preserve_field_info" => self.core_field_info(args, span),
            "__builtin_preserve_type_info" => self.core_type_info(args, span),
            "__builtin_btf_type_id" => self.core_type_id(args, span),
            "__builtin_preserve_enum_value" => self.core_enum_value(args, span),
            "__builtin_memcpy" | "__builtin_memmove" | "__builtin_memset" | "__builtin_memcmp"
            | "__builtin_bcmp" => {
                let Some(v) = self.builtin_args(name, args, 3, span) else {
                    return Some(self.error_expr(span));
                };
                let mut it = v.into_iter();
                let (Some(a), Some(b), Some(n)) = (it.next(), it.next(), it.next()) else {
                    return Some(self.error_expr(span));
                };
                let Some(size) = self.const_size(name, &n) else {
                    return Some(self.error_expr(span));
                };
                let Some(a) = self.want_ptr(name, a) else {
                    return Some(self.error_expr(span));
                };
                let vp = self.void_ptr();
                match name {
                    "__builtin_memset" => {
                        // A variable fill byte is accepted as clang does: lowering
                        // replicates it into each stored word.
                        let it = self.int_ty();
                        let b = self.cast_to(b, it);
                        e(
                            ExprKind::Builtin(Builtin::Memset(size), vec![a, b]),
                            vp,
                            span,
                        )
                    }
                    _ => {
                        let Some(b) = self.want_ptr(name, b) else {
                            return Some(self.error_expr(span));
                        };
                        if name == "__builtin_memcmp" || name == "__builtin_bcmp" {
                            let it = self.int_ty();
                            e(
                                ExprKind::Builtin(Builtin::Memcmp(size), vec![a, b]),
                                it,
                                span,
                            )
                        } else {
                            let op = if name == "__builtin_memmove" {
                                Builtin::Memmove(size)
                            } else {
                                Builtin::Memcpy(size)
                            };
                            e(ExprKind::Builtin(op, vec![a, b]), vp, span)
                        }
                    }
                }
            }
            "__builtin_bswap16" | "__builtin_bswap32" | "__builtin_bswap64" => {
                let (bits, k) = match name {
                    "__builtin_bswap16" => (16, IntKind::UShort),
                    "__builtin_bswap32" => (32, IntKind::UInt),
                    _ => (64, IntKind::ULong),
                };
                let t = self.prog.types.int(k);
                let Some(x) = self.int_arg(name, args, t, span) else {
                    return Some(self.error_expr(span));
                };
                e(ExprKind::Builtin(Builtin::Bswap(bits), vec![x]), t, span)
            }
            "__sync_fetch_and_add"
            | "__sync_fetch_and_sub"
            | "__sync_fetch_and_or"
            | "__sync_fetch_and_and"
            | "__sync_fetch_and_xor"
            | "__sync_lock_test_and_set"
            | "__sync_val_compare_and_swap"
            | "__atomic_fetch_add"
            | "__atomic_fetch_sub"
            | "__atomic_fetch_or"
            | "__atomic_fetch_and"
            | "__atomic_fetch_xor"
            | "__atomic_exchange_n"
            | "__sync_add_and_fetch"
            | "__sync_sub_and_fetch"
            | "__sync_or_and_fetch"
            | "__sync_and_and_fetch"
            | "__sync_xor_and_fetch"
            | "__atomic_add_fetch"
            | "__atomic_sub_fetch"
            | "__atomic_or_fetch"
            | "__atomic_and_fetch"
            | "__atomic_xor_fetch" => {
                // The `__atomic_*` forms take a memory order last: every BPF atomic
                // instruction is fully ordered, so any order is honoured.
                let n = match name {
                    "__sync_val_compare_and_swap" => 3,
                    n if n.starts_with("__atomic_") => 3,
                    _ => 2,
                };
                let Some(mut v) = self.builtin_args(name, args, n, span) else {
                    return Some(self.error_expr(span));
                };
                if name.starts_with("__atomic_") {
                    v.truncate(2);
                }
                let mut it = v.into_iter();
                let Some(p) = it.next() else {
                    return Some(self.error_expr(span));
                };
                let pointee = self.prog.types.pointee(p.ty);
                // BPF atomics operate on 32- and 64-bit words only (instruction-set.rst,
                // "Atomic operations").
                let ok = pointee.is_some_and(|t| {
                    self.prog.types.is_scalar(t)
                        && matches!(self.prog.types.size_of(t), Some(4 | 8))
                });
                let Some(t) = pointee.filter(|_| ok) else {
                    self.err_note(
                        codes::E_BUILTIN_ARG,
                        p.span,
                        format!(
                            "'{name}' needs a pointer to a 32- or 64-bit integer, not '{}'",
                            self.prog.types.display(p.ty)
                        ),
                        "BPF atomic instructions operate on 32- and 64-bit words only",
                    );
                    return Some(self.error_expr(span));
                };
                let t = t.unqual();
                let mut rest: Vec<Expr> = it.map(|x| self.cast_to(x, t)).collect();
                if (name.ends_with("_sub") || name.contains("_sub_"))
                    && let Some(x) = rest.pop()
                {
                    // fetch_sub(p, v) is fetch_add(p, -v).
                    let sp = x.span;
                    rest.push(e(
                        ExprKind::Unary(super::tast::UnOp::Neg, Box::new(x)),
                        t,
                        sp,
                    ));
                }
                let mut all = vec![p];
                all.extend(rest);
                let b = match name {
                    "__sync_fetch_and_add"
                    | "__sync_fetch_and_sub"
                    | "__atomic_fetch_add"
                    | "__atomic_fetch_sub" => Builtin::AtomicFetch(AtomicOp::Add),
                    "__sync_fetch_and_or" | "__atomic_fetch_or" => {
                        Builtin::AtomicFetch(AtomicOp::Or)
                    }
                    "__sync_fetch_and_and" | "__atomic_fetch_and" => {
                        Builtin::AtomicFetch(AtomicOp::And)
                    }
                    "__sync_fetch_and_xor" | "__atomic_fetch_xor" => {
                        Builtin::AtomicFetch(AtomicOp::Xor)
                    }
                    "__sync_lock_test_and_set" | "__atomic_exchange_n" => {
                        Builtin::AtomicFetch(AtomicOp::Xchg)
                    }
                    "__sync_add_and_fetch"
                    | "__sync_sub_and_fetch"
                    | "__atomic_add_fetch"
                    | "__atomic_sub_fetch" => Builtin::AtomicOpFetch(AtomicOp::Add),
                    "__sync_or_and_fetch" | "__atomic_or_fetch" => {
                        Builtin::AtomicOpFetch(AtomicOp::Or)
                    }
                    "__sync_and_and_fetch" | "__atomic_and_fetch" => {
                        Builtin::AtomicOpFetch(AtomicOp::And)
                    }
                    "__sync_xor_and_fetch" | "__atomic_xor_fetch" => {
                        Builtin::AtomicOpFetch(AtomicOp::Xor)
                    }
                    _ => Builtin::AtomicCas,
                };
                e(ExprKind::Builtin(b, all), t, span)
            }
            _ => return None,
        })
    }
}
