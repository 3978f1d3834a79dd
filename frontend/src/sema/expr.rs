//! Expressions (C17 6.5): typing, lvalues, implicit conversions (C17 6.3), pointer
//! arithmetic, and the clang-like errors for misuse.
//!
//! Invariants: `expr` returns a typed expression without lvalue conversion; `rv`
//! applies lvalue-to-rvalue conversion and array/function decay (C17 6.3.2.1); every
//! operator's operands are converted explicitly (see `tast`). Erroneous expressions are
//! replaced by `int 0` after the error is reported, so checking continues.

use super::tast::{
    BinOp, Callee, CastKind, CmpOp, Expr, ExprKind, GlobalId, GlobalKind, Init, InitValue, Linkage,
    UnOp,
};
use super::{Checker, OrdName};
use crate::ast;
use crate::types::{IntKind, QualType, Type};
use diag::{Span, codes};

pub(super) fn mk(kind: ExprKind, ty: QualType, span: Span) -> Expr {
    Expr::new(kind, ty, span)
}

/// True if evaluating `e` may have side effects (writes or calls).
pub(crate) fn has_side_effects(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Assign(..)
        | ExprKind::CompoundAssign { .. }
        | ExprKind::IncDec { .. }
        | ExprKind::Call { .. }
        | ExprKind::Builtin(..)
        | ExprKind::StmtExpr(..)
        | ExprKind::CompoundLit(..) => true,
        ExprKind::CoreConst(_) => false,
        ExprKind::CoreFieldAddr { base, .. } => has_side_effects(base),
        ExprKind::Int(_) | ExprKind::Local(_) | ExprKind::Global(_) | ExprKind::Func(_) => false,
        ExprKind::Deref(a)
        | ExprKind::Load(a)
        | ExprKind::Decay(a)
        | ExprKind::AddrOf(a)
        | ExprKind::Cast(_, a)
        | ExprKind::Unary(_, a)
        | ExprKind::Member { base: a, .. } => has_side_effects(a),
        ExprKind::Binary(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::LogAnd(a, b)
        | ExprKind::LogOr(a, b)
        | ExprKind::Comma(a, b)
        | ExprKind::PtrAdd { ptr: a, idx: b, .. }
        | ExprKind::PtrDiff { lhs: a, rhs: b, .. } => has_side_effects(a) || has_side_effects(b),
        ExprKind::Cond(a, b, c) => {
            has_side_effects(a) || has_side_effects(b) || has_side_effects(c)
        }
        ExprKind::BinaryCond(a, b) => has_side_effects(a) || has_side_effects(b),
    }
}

impl Checker {
    fn show(&self, t: QualType) -> String {
        self.prog.types.display(t)
    }

    pub(crate) fn error_expr(&mut self, span: Span) -> Expr {
        let t = self.int_ty();
        mk(ExprKind::Int(0), t, span)
    }

    fn ulong(&mut self) -> QualType {
        self.prog.types.int(IntKind::ULong)
    }
    fn long(&mut self) -> QualType {
        self.prog.types.int(IntKind::Long)
    }

    pub(crate) fn is_lvalue(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Local(_)
            | ExprKind::Global(_)
            | ExprKind::Deref(_)
            | ExprKind::CompoundLit(..) => true,
            ExprKind::Member { base, .. } => self.is_lvalue(base),
            _ => false,
        }
    }

    /// Lvalue conversion and array/function decay (C17 6.3.2.1).
    pub(crate) fn rv(&mut self, e: Expr) -> Expr {
        if matches!(self.prog.types.kind(e.ty), Type::Complex(_)) {
            return self.float_unsupported(e.span, "using a complex value");
        }
        if self.is_int128(e.ty) {
            self.err(
                codes::E_UNSUPPORTED,
                e.span,
                "__int128 values are not supported for BPF (registers are 64-bit)",
            );
            return self.error_expr(e.span);
        }
        let tt = &mut self.prog.types;
        if let Some(elem) = tt.array_elem(e.ty) {
            let p = tt.ptr(elem);
            let span = e.span;
            return mk(ExprKind::Decay(e.boxed()), p, span);
        }
        if tt.is_func(e.ty) {
            let p = tt.ptr(e.ty.unqual());
            let span = e.span;
            return mk(ExprKind::Decay(e.boxed()), p, span);
        }
        // A scalar member of a struct rvalue (a call's result, `?:`, an assignment) is
        // read like an lvalue's: lowering gives every aggregate rvalue an address.
        let rvalue_member =
            matches!(e.kind, ExprKind::Member { .. }) && !self.prog.types.is_aggregate(e.ty);
        if self.is_lvalue(&e) || rvalue_member {
            let t = e.ty.unqual();
            let span = e.span;
            return mk(ExprKind::Load(e.boxed()), t, span);
        }
        e
    }

    pub(crate) fn rv_expr(&mut self, e: &ast::Expr) -> Expr {
        let x = self.expr(e);
        self.rv(x)
    }

    /// An expression used as a condition: it must be scalar.
    pub(crate) fn cond_expr(&mut self, e: &ast::Expr) -> Expr {
        let x = self.rv_expr(e);
        if self.reject_float(&x, e.span, "testing a floating point value") {
            return self.error_expr(e.span);
        }
        if !self.prog.types.is_scalar(x.ty) {
            self.err(
                codes::E_INVALID_OPERANDS,
                e.span,
                format!(
                    "statement requires expression of scalar type ('{}' invalid)",
                    self.show(x.ty)
                ),
            );
            return self.error_expr(e.span);
        }
        x
    }

    /// The type an integer operand has after integer promotion, bit-fields included
    /// (a bit-field narrower than `int` promotes to `int`).
    fn promoted_ty(&mut self, e: &Expr) -> QualType {
        if let ExprKind::Load(inner) = &e.kind
            && let ExprKind::Member { field, .. } = &inner.kind
            && let Some(w) = field.bit_width
        {
            if w < 32 {
                return self.int_ty();
            }
            if w == 32 && self.prog.types.int_kind(field.ty) == Some(IntKind::UInt) {
                return self.prog.types.int(IntKind::UInt);
            }
        }
        self.prog.types.promote(e.ty)
    }

    pub(crate) fn promote(&mut self, e: Expr) -> Expr {
        let t = self.promoted_ty(&e);
        self.cast_to(e, t)
    }

    /// An implicit conversion between scalar types (no checks).
    fn is_int128(&self, t: QualType) -> bool {
        matches!(
            self.prog.types.int_kind(t),
            Some(IntKind::Int128 | IntKind::UInt128)
        )
    }

    pub(crate) fn cast_to(&mut self, e: Expr, to: QualType) -> Expr {
        if self.is_int128(to) {
            self.err(
                codes::E_UNSUPPORTED,
                e.span,
                "__int128 values are not supported for BPF (registers are 64-bit)",
            );
            return e;
        }
        let tt = &self.prog.types;
        let span = e.span;
        let to = to.unqual();
        if tt.is_void(to) {
            return mk(ExprKind::Cast(CastKind::ToVoid, e.boxed()), to, span);
        }
        if tt.canon(e.ty).id == tt.canon(to).id {
            if e.ty == to {
                return e;
            }
            return mk(ExprKind::Cast(CastKind::NoOp, e.boxed()), to, span);
        }
        if tt.float_kind(e.ty).is_some() || tt.float_kind(to).is_some() {
            return self.float_conv(e, to);
        }
        if tt.is_bool(to) {
            return mk(ExprKind::Cast(CastKind::ToBool, e.boxed()), to, span);
        }
        if let ExprKind::Int(v) = e.kind {
            if let Some(k) = tt.int_kind(to) {
                return mk(ExprKind::Int(k.wrap(v)), to, span);
            }
            if tt.is_pointer(to) {
                return mk(ExprKind::Int(IntKind::ULong.wrap(v)), to, span);
            }
        }
        let same_size = tt.size_of(e.ty) == tt.size_of(to);
        let kind = if same_size && (tt.is_pointer(e.ty) || tt.is_pointer(to)) {
            CastKind::NoOp
        } else {
            CastKind::Int
        };
        mk(ExprKind::Cast(kind, e.boxed()), to, span)
    }

    /// A null pointer constant (C17 6.3.2.3p3): an integer constant 0, or one cast to `void *`.
    pub(crate) fn is_null_const(&self, e: &Expr) -> bool {
        let tt = &self.prog.types;
        if let ExprKind::Int(0) = e.kind
            && tt.pointee(e.ty).is_some_and(|p| tt.is_void(p))
        {
            return true;
        }
        let inner = match &e.kind {
            ExprKind::Cast(_, i) if tt.pointee(e.ty).is_some_and(|p| tt.is_void(p)) => i.as_ref(),
            _ => e,
        };
        tt.is_integer(inner.ty) && super::consteval::eval_int(tt, inner) == Some(0)
    }

    /// Conversion as if by assignment (C17 6.5.16.1): used for `=`, initializers,
    /// arguments and `return`. `what` is the clang phrase ("assigning to", "passing",
    /// "returning", "initializing").
    pub(crate) fn assign_conv(&mut self, e: Expr, to: QualType, what: &str) -> Expr {
        let tt = &self.prog.types;
        let to = to.unqual();
        let from = e.ty;
        // Mismatched pointee types are a warning in clang; the value is unchanged.
        let real = |t| tt.is_arith(t) || tt.float_kind(t).is_some();
        let ok = if (real(to) && real(from))
            || (tt.is_bool(to) && tt.is_pointer(from))
            || (tt.is_pointer(to) && tt.is_pointer(from))
            || (tt.is_pointer(to) && self.is_null_const(&e))
        {
            true
        } else if tt.is_record(to) || tt.is_record(from) {
            tt.compatible_unqual(to, from)
        } else {
            false
        };
        if !ok {
            // -Wint-conversion: an error by default in clang, but libbpf's BPF_KPROBE /
            // BPF_PROG macros turn it off around their `(void *)` arguments, so it is a
            // warning here; the value converts like a cast.
            let int_conv = (tt.is_pointer(to) && tt.is_integer(from))
                || (tt.is_integer(to) && tt.is_pointer(from));
            let (t, f) = (self.show(to), self.show(from));
            let kind = if tt.is_pointer(to) && tt.is_integer(from) {
                "incompatible integer to pointer conversion "
            } else if tt.is_integer(to) && tt.is_pointer(from) {
                "incompatible pointer to integer conversion "
            } else {
                ""
            };
            // clang's wording for each context.
            let incompat = if kind.is_empty() { "incompatible " } else { "" };
            let msg = match what {
                "passing" => format!("{kind}passing '{f}' to parameter of {incompat}type '{t}'"),
                "returning" => format!(
                    "{kind}returning '{f}' from a function with {incompat}result type '{t}'"
                ),
                "initializing" => {
                    format!("{kind}initializing '{t}' with an expression of {incompat}type '{f}'")
                }
                _ => format!("{kind}{what} '{t}' from {incompat}type '{f}'"),
            };
            if int_conv {
                self.warn(
                    codes::E_INCOMPATIBLE,
                    e.span,
                    format!("{msg} [-Wint-conversion]"),
                );
                return self.cast_to(e, to);
            }
            self.err(codes::E_INCOMPATIBLE, e.span, msg);
            return mk(ExprKind::Int(0), to, e.span);
        }
        if self.prog.types.is_record(to) {
            return e;
        }
        self.cast_to(e, to)
    }

    /// A BPF helper declaration must stay constant: calls through it become
    /// `call N`, so writing it or taking its address is rejected.
    fn is_helper(&mut self, e: &Expr) -> bool {
        if let ExprKind::Global(g) = e.kind
            && let GlobalKind::Helper(_) = self.prog.global(g).kind
        {
            let name = self.prog.global(g).name.clone();
            self.err(
                codes::E_UNSUPPORTED,
                e.span,
                format!("BPF helper '{name}' cannot be modified or have its address taken"),
            );
            return true;
        }
        false
    }

    /// Marks the local at the root of an lvalue as address-taken.
    fn mark_addr_taken(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Local(l) => {
                if let Some(fs) = self.fs.as_mut()
                    && let Some(local) = fs.locals.get_mut(l.0 as usize)
                {
                    local.addr_taken = true;
                }
            }
            ExprKind::Member { base, .. } => self.mark_addr_taken(base),
            _ => {}
        }
    }

    /// The size of the pointee for pointer arithmetic (GNU: `void *` and function
    /// pointers step by 1).
    fn elem_size(&mut self, ptr_ty: QualType, span: Span) -> u64 {
        let tt = &self.prog.types;
        let Some(p) = tt.pointee(ptr_ty) else {
            return 1;
        };
        if tt.is_void(p) || tt.is_func(p) {
            return 1;
        }
        match tt.size_of(p) {
            Some(s) => s,
            None => {
                self.err(
                    codes::E_INCOMPLETE_TYPE,
                    span,
                    format!(
                        "arithmetic on a pointer to an incomplete type '{}'",
                        self.show(p)
                    ),
                );
                1
            }
        }
    }

    fn string_literal(&mut self, s: &ast::StringLit, span: Span) -> Expr {
        if !matches!(s.prefix, ast::CharPrefix::None | ast::CharPrefix::Utf8) {
            self.err(
                codes::E_UNSUPPORTED,
                span,
                "wide string literals are not supported for BPF",
            );
            return self.error_expr(span);
        }
        let mut bytes = s.bytes();
        bytes.push(0);
        let c = self.prog.types.int(IntKind::Char);
        let ty = self.prog.types.array(c, Some(bytes.len() as u64));
        // Equal literals are one object, as clang's code generator makes them (its
        // constant string map): one `.rodata.str1.1` copy, created at the first.
        if let Some(&g) = self.strings.get(&bytes) {
            return mk(ExprKind::Global(g), ty, span);
        }
        let name = if self.str_count == 0 {
            ".L.str".to_string()
        } else {
            format!(".L.str.{}", self.str_count)
        };
        self.str_count += 1;
        let n = bytes.len() as u64;
        let g = GlobalId(u32::try_from(self.prog.globals.len()).unwrap_or(u32::MAX));
        self.strings.insert(bytes.clone(), g);
        self.prog.globals.push(super::tast::Global {
            name,
            ty,
            kind: GlobalKind::Str,
            linkage: Linkage::Internal,
            is_extern: false,
            init: Some(Init::List(vec![super::tast::InitItem {
                byte_offset: 0,
                bitfield: None,
                access: None,
                ty,
                value: InitValue::Bytes(bytes),
            }])),
            section: None,
            align: Some(1),
            used: false,
            span,
        });
        let _ = n;
        mk(ExprKind::Global(g), ty, span)
    }

    /// Types an expression (no lvalue conversion).
    pub(crate) fn expr(&mut self, e: &ast::Expr) -> Expr {
        use ast::ExprKind as A;
        let span = e.span;
        match &e.kind {
            A::Ident(id) => match self.lookup(&id.name) {
                Some(OrdName::Local(l)) => {
                    let ty = self
                        .fs
                        .as_ref()
                        .and_then(|f| f.locals.get(l.0 as usize))
                        .map(|l| l.ty);
                    match ty {
                        Some(t) => mk(ExprKind::Local(l), t, span),
                        None => self.error_expr(span),
                    }
                }
                Some(OrdName::Global(g)) => {
                    let t = self.prog.global(g).ty;
                    mk(ExprKind::Global(g), t, span)
                }
                Some(OrdName::Func(f)) => {
                    self.prog.funcs[f.0 as usize].referenced = true;
                    let t = self.prog.func(f).ty;
                    mk(ExprKind::Func(f), t, span)
                }
                Some(OrdName::EnumConst(v, t)) => mk(ExprKind::Int(v), t, span),
                Some(OrdName::Typedef(_)) => {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        span,
                        format!("unexpected type name '{}': expected expression", id.name),
                    );
                    self.error_expr(span)
                }
                None => {
                    self.err(
                        codes::E_UNDECLARED,
                        span,
                        format!("use of undeclared identifier '{}'", id.name),
                    );
                    self.error_expr(span)
                }
            },
            A::IntLit(lit) => {
                let k = match lit.ty {
                    ast::IntLitType::Int => IntKind::Int,
                    ast::IntLitType::UInt => IntKind::UInt,
                    ast::IntLitType::Long => IntKind::Long,
                    ast::IntLitType::ULong => IntKind::ULong,
                    ast::IntLitType::LongLong => IntKind::LongLong,
                    ast::IntLitType::ULongLong => IntKind::ULongLong,
                };
                let t = self.prog.types.int(k);
                mk(ExprKind::Int(k.wrap(i128::from(lit.value))), t, span)
            }
            A::FloatLit(text) => self.float_lit(text, span),
            A::CharLit(c) => {
                let t = self.int_ty();
                mk(
                    ExprKind::Int(IntKind::Int.wrap(i128::from(c.value))),
                    t,
                    span,
                )
            }
            A::StrLit(s) => self.string_literal(s, span),
            A::Unary { op, operand } => self.unary(*op, operand, span),
            A::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            A::Assign { op, lhs, rhs } => self.assign(*op, lhs, rhs, span),
            A::Cond { cond, then, els } => self.conditional(cond, then.as_deref(), els, span),
            A::Cast { ty, expr } => {
                let t = self.type_name(ty);
                let x = self.rv_expr(expr);
                let tt = &self.prog.types;
                if tt.is_void(t) {
                    return mk(
                        ExprKind::Cast(CastKind::ToVoid, x.boxed()),
                        t.unqual(),
                        span,
                    );
                }
                if (tt.float_kind(t).is_some()
                    && (tt.is_scalar(x.ty) || tt.float_kind(x.ty).is_some()))
                    || (tt.float_kind(x.ty).is_some() && tt.is_scalar(t))
                {
                    return self.cast_to(x, t);
                }
                if !tt.is_scalar(t) {
                    self.err(
                        codes::E_BAD_CAST,
                        ty.span,
                        format!(
                            "used type '{}' where arithmetic or pointer type is required",
                            self.show(t)
                        ),
                    );
                    return self.error_expr(span);
                }
                if !tt.is_scalar(x.ty) {
                    self.err(
                        codes::E_BAD_CAST,
                        expr.span,
                        format!(
                            "operand of type '{}' where arithmetic or pointer type is required",
                            self.show(x.ty)
                        ),
                    );
                    return self.error_expr(span);
                }
                let mut c = self.cast_to(x, t);
                c.span = span;
                c
            }
            A::SizeofExpr(inner) => {
                let x = self.expr(inner);
                self.size_or_align(x.ty, inner.span, span, true)
            }
            A::SizeofType(tn) => {
                let t = self.type_name(tn);
                self.size_or_align(t, tn.span, span, true)
            }
            A::AlignofExpr(inner) => {
                let x = self.expr(inner);
                self.size_or_align(x.ty, inner.span, span, false)
            }
            A::AlignofType(tn) => {
                let t = self.type_name(tn);
                self.size_or_align(t, tn.span, span, false)
            }
            A::CompoundLit { ty, init } => {
                let t = self.type_name(ty);
                if self.fs.is_none() {
                    self.err(
                        codes::E_UNSUPPORTED,
                        span,
                        "compound literals at file scope are not supported",
                    );
                    return self.error_expr(span);
                }
                let list = ast::Initializer::List {
                    items: init.clone(),
                    span,
                };
                let (init, t) = self.initializer(t, &list, false);
                let l = self.new_local("", t, span, false);
                mk(ExprKind::CompoundLit(l, Box::new(init)), t, span)
            }
            A::Member { base, field, arrow } => self.member(base, field, *arrow, span),
            A::Index { base, index } => {
                let b = self.rv_expr(base);
                let i = self.rv_expr(index);
                let tt = &self.prog.types;
                let (p, i) = if tt.is_pointer(b.ty) && tt.is_integer(i.ty) {
                    (b, i)
                } else if tt.is_pointer(i.ty) && tt.is_integer(b.ty) {
                    (i, b)
                } else {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        base.span,
                        "subscripted value is not an array or pointer",
                    );
                    return self.error_expr(span);
                };
                let pointee = self.prog.types.pointee(p.ty).unwrap_or(p.ty);
                if self.prog.types.is_void(pointee) {
                    self.err(
                        codes::E_BAD_DEREF,
                        span,
                        "subscript of pointer to incomplete type 'void'",
                    );
                    return self.error_expr(span);
                }
                let sz = self.elem_size(p.ty, span);
                let pt = p.ty;
                let l = self.long();
                let i = self.cast_to(i, l);
                let add = mk(
                    ExprKind::PtrAdd {
                        ptr: p.boxed(),
                        idx: i.boxed(),
                        elem_size: sz,
                    },
                    pt,
                    span,
                );
                // `p->arr[2]` where `p->arr` is already CO-RE relocated: relocate the
                // element itself (access `0:N:2`, as clang), so the load's `off` is the
                // relocated offset libbpf patches.
                let relocated = matches!(&add.kind, ExprKind::PtrAdd { ptr, .. }
                    if matches!(&ptr.kind, ExprKind::Decay(arr)
                        if matches!(&arr.kind, ExprKind::Deref(q)
                            if matches!(q.kind, ExprKind::CoreFieldAddr { .. }))));
                let elem = mk(ExprKind::Deref(add.boxed()), pointee, span);
                if relocated {
                    return self.core_member(elem);
                }
                elem
            }
            A::Call { callee, args } => self.call(callee, args, span),
            A::StmtExpr(block) => {
                self.push_scope();
                let (stmts, last) = match block.items.split_last() {
                    Some((last, rest)) => match &last.kind {
                        ast::StmtKind::Expr(x) => (self.block_items(rest), Some(x)),
                        _ => (self.block_items(&block.items), None),
                    },
                    None => (Vec::new(), None),
                };
                let v = last.map(|x| self.rv_expr(x));
                self.pop_scope();
                let ty = match &v {
                    Some(v) => v.ty,
                    None => self.prog.types.void(),
                };
                mk(ExprKind::StmtExpr(stmts, v.map(Box::new)), ty, span)
            }
            A::Offsetof { ty, path } => {
                let t = self.type_name(ty);
                let mut cur = t;
                let mut off: u64 = 0;
                for part in path {
                    match part {
                        ast::OffsetofPart::Field(id) => {
                            let Some(r) = self.prog.types.record_id(cur) else {
                                self.err(codes::E_NOT_RECORD, id.span, format!("offsetof requires struct, union, or class type, '{}' invalid", self.show(cur)));
                                return self.error_expr(span);
                            };
                            match self.prog.types.find_member(r, &id.name) {
                                Some(m) => {
                                    if m.field.bit_width.is_some() {
                                        self.err(
                                            codes::E_BITFIELD,
                                            id.span,
                                            "cannot compute offset of bit-field",
                                        );
                                    }
                                    off += m.field.byte_offset();
                                    cur = m.field.ty;
                                }
                                None => {
                                    self.err(
                                        codes::E_NO_MEMBER,
                                        id.span,
                                        format!(
                                            "no member named '{}' in '{}'",
                                            id.name,
                                            self.show(cur)
                                        ),
                                    );
                                    return self.error_expr(span);
                                }
                            }
                        }
                        ast::OffsetofPart::Index(ix) => {
                            let i = self.const_int(ix).unwrap_or(0);
                            let Some(elem) = self.prog.types.array_elem(cur) else {
                                self.err(
                                    codes::E_INVALID_OPERANDS,
                                    ix.span,
                                    "subscripted value is not an array",
                                );
                                return self.error_expr(span);
                            };
                            let es = self.prog.types.size_of(elem).unwrap_or(0);
                            off = off.wrapping_add((i as u64).wrapping_mul(es));
                            cur = elem;
                        }
                    }
                }
                let t = self.ulong();
                mk(ExprKind::Int(i128::from(off)), t, span)
            }
            A::TypesCompatible(a, b) => {
                let x = self.type_name(a);
                let y = self.type_name(b);
                let v = self.prog.types.compatible_unqual(x, y);
                let t = self.int_ty();
                mk(ExprKind::Int(i128::from(v)), t, span)
            }
            A::ChooseExpr { cond, then, els } => match self.const_int(cond) {
                Some(0) => self.expr(els),
                Some(_) => self.expr(then),
                None => self.error_expr(span),
            },
            A::VaArg { .. } => {
                self.err(
                    codes::E_UNSUPPORTED,
                    span,
                    "variadic arguments are not supported by BPF",
                );
                self.error_expr(span)
            }
            A::Generic { control, assocs } => {
                let c = self.rv_expr(control);
                let mut chosen = None;
                let mut default = None;
                for a in assocs {
                    match &a.ty {
                        Some(tn) => {
                            let t = self.type_name(tn);
                            if chosen.is_none() && self.prog.types.compatible_unqual(t, c.ty) {
                                chosen = Some(&a.expr);
                            }
                        }
                        None => default = Some(&a.expr),
                    }
                }
                match chosen.or(default) {
                    Some(x) => self.expr(x),
                    None => {
                        self.err(
                            codes::E_INVALID_OPERANDS,
                            control.span,
                            format!("controlling expression type '{}' not compatible with any generic association type", self.show(c.ty)),
                        );
                        self.error_expr(span)
                    }
                }
            }
        }
    }

    fn size_or_align(&mut self, t: QualType, tspan: Span, span: Span, size: bool) -> Expr {
        let tt = &self.prog.types;
        let v = if tt.is_func(t) || tt.is_void(t) {
            // GNU: sizeof(void) and sizeof(function) are 1.
            Some(1)
        } else if size {
            tt.size_of(t)
        } else {
            tt.align_of(t)
        };
        let v = match v {
            Some(v) => v,
            None => {
                let what = if size { "sizeof" } else { "alignof" };
                self.err(
                    codes::E_INCOMPLETE_TYPE,
                    tspan,
                    format!(
                        "invalid application of '{what}' to an incomplete type '{}'",
                        self.show(t)
                    ),
                );
                0
            }
        };
        let ul = self.ulong();
        mk(ExprKind::Int(i128::from(v)), ul, span)
    }

    fn member(&mut self, base: &ast::Expr, field: &ast::Ident, arrow: bool, span: Span) -> Expr {
        let b = if arrow {
            let p = self.rv_expr(base);
            let Some(pointee) = self.prog.types.pointee(p.ty) else {
                self.err(
                    codes::E_NOT_RECORD,
                    base.span,
                    format!(
                        "member reference type '{}' is not a pointer",
                        self.show(p.ty)
                    ),
                );
                return self.error_expr(span);
            };
            let bs = p.span;
            mk(ExprKind::Deref(p.boxed()), pointee, bs)
        } else {
            self.expr(base)
        };
        let Some(r) = self.prog.types.record_id(b.ty) else {
            self.err(
                codes::E_NOT_RECORD,
                base.span,
                format!(
                    "member reference base type '{}' is not a structure or union",
                    self.show(b.ty)
                ),
            );
            return self.error_expr(span);
        };
        if !self.prog.types.record(r).complete {
            self.err(
                codes::E_INCOMPLETE_TYPE,
                base.span,
                format!("incomplete definition of type '{}'", self.show(b.ty)),
            );
            return self.error_expr(span);
        }
        let Some(m) = self.prog.types.find_member(r, &field.name) else {
            self.err(
                codes::E_NO_MEMBER,
                field.span,
                format!(
                    "no member named '{}' in '{}'",
                    field.name,
                    self.show(b.ty.unqual())
                ),
            );
            return self.error_expr(span);
        };
        let quals = self.prog.types.canon(b.ty).quals;
        let ty = m.field.ty.with_quals(quals);
        let member = mk(
            ExprKind::Member {
                base: b.boxed(),
                field: m.field,
            },
            ty,
            span,
        );
        if self.core_records.contains(&r) {
            return self.core_member(member);
        }
        member
    }

    /// Checks that `e` is a modifiable lvalue (C17 6.3.2.1p1).
    pub(crate) fn check_modifiable(&mut self, e: &Expr, span: Span) -> bool {
        if self.is_helper(e) {
            return false;
        }
        if !self.is_lvalue(e) {
            self.err(codes::E_NOT_LVALUE, span, "expression is not assignable");
            return false;
        }
        let tt = &self.prog.types;
        if tt.is_array(e.ty) {
            self.err(
                codes::E_NOT_LVALUE,
                span,
                format!("array type '{}' is not assignable", self.show(e.ty)),
            );
            return false;
        }
        if tt.canon(e.ty).quals.is_const {
            let msg = match &e.kind {
                ExprKind::Local(_) | ExprKind::Global(_) => {
                    format!(
                        "cannot assign to variable with const-qualified type '{}'",
                        self.show(e.ty)
                    )
                }
                _ => format!(
                    "read-only variable is not assignable (type '{}')",
                    self.show(e.ty)
                ),
            };
            self.err(codes::E_NOT_LVALUE, span, msg);
            return false;
        }
        true
    }

    fn unary(&mut self, op: ast::UnaryOp, operand: &ast::Expr, span: Span) -> Expr {
        use ast::UnaryOp as U;
        match op {
            U::Plus | U::Neg | U::BitNot => {
                let x = self.rv_expr(operand);
                if op != U::BitNot && self.prog.types.float_kind(x.ty).is_some() {
                    return self.float_sign(x, op == U::Neg, span);
                }
                if !self.prog.types.is_integer(x.ty) {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        span,
                        format!(
                            "invalid argument type '{}' to unary expression",
                            self.show(x.ty)
                        ),
                    );
                    return self.error_expr(span);
                }
                let x = self.promote(x);
                let t = x.ty;
                match op {
                    U::Plus => x,
                    U::Neg => {
                        if let ExprKind::Int(v) = x.kind {
                            let k = self.prog.types.int_kind(t).unwrap_or(IntKind::Int);
                            return mk(ExprKind::Int(k.wrap(-v)), t, span);
                        }
                        mk(ExprKind::Unary(UnOp::Neg, x.boxed()), t, span)
                    }
                    _ => mk(ExprKind::Unary(UnOp::BitNot, x.boxed()), t, span),
                }
            }
            U::LogNot => {
                let x = self.cond_expr(operand);
                let t = self.int_ty();
                mk(ExprKind::Unary(UnOp::LogNot, x.boxed()), t, span)
            }
            U::Deref => {
                let x = self.rv_expr(operand);
                match self.prog.types.pointee(x.ty) {
                    Some(p) => mk(ExprKind::Deref(x.boxed()), p, span),
                    None => {
                        self.err(
                            codes::E_BAD_DEREF,
                            span,
                            format!(
                                "indirection requires pointer operand ('{}' invalid)",
                                self.show(x.ty)
                            ),
                        );
                        self.error_expr(span)
                    }
                }
            }
            U::AddrOf => {
                let x = self.expr(operand);
                if self.prog.types.is_func(x.ty) {
                    return self.rv(x);
                }
                if !self.is_lvalue(&x) {
                    self.err(
                        codes::E_NOT_LVALUE,
                        span,
                        format!(
                            "cannot take the address of an rvalue of type '{}'",
                            self.show(x.ty)
                        ),
                    );
                    return self.error_expr(span);
                }
                if let ExprKind::Member { field, .. } = &x.kind
                    && field.bit_width.is_some()
                {
                    self.err(codes::E_BITFIELD, span, "address of bit-field requested");
                    return self.error_expr(span);
                }
                if self.is_helper(&x) {
                    return self.error_expr(span);
                }
                self.mark_addr_taken(&x);
                let p = self.prog.types.ptr(x.ty);
                mk(ExprKind::AddrOf(x.boxed()), p, span)
            }
            U::PreInc | U::PreDec | U::PostInc | U::PostDec => {
                let x = self.expr(operand);
                if !self.check_modifiable(&x, operand.span) {
                    return self.error_expr(span);
                }
                if self.reject_float(&x, span, "floating point arithmetic") {
                    return self.error_expr(span);
                }
                if !self.prog.types.is_scalar(x.ty) {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        span,
                        format!("cannot increment value of type '{}'", self.show(x.ty)),
                    );
                    return self.error_expr(span);
                }
                let step = if self.prog.types.is_pointer(x.ty) {
                    self.elem_size(x.ty, span) as i64
                } else {
                    1
                };
                let delta = if matches!(op, U::PreInc | U::PostInc) {
                    step
                } else {
                    -step
                };
                let post = matches!(op, U::PostInc | U::PostDec);
                let t = x.ty.unqual();
                mk(
                    ExprKind::IncDec {
                        lhs: x.boxed(),
                        delta,
                        post,
                    },
                    t,
                    span,
                )
            }
        }
    }

    fn invalid_operands(&mut self, a: QualType, b: QualType, span: Span) -> Expr {
        self.err(
            codes::E_INVALID_OPERANDS,
            span,
            format!(
                "invalid operands to binary expression ('{}' and '{}')",
                self.show(a),
                self.show(b)
            ),
        );
        self.error_expr(span)
    }

    /// Converts two integer operands to their common type.
    fn arith2(&mut self, a: Expr, b: Expr) -> (Expr, Expr, QualType) {
        let pa = self.promoted_ty(&a);
        let pb = self.promoted_ty(&b);
        let t = self.prog.types.usual_arith(pa, pb);
        let a = self.cast_to(a, t);
        let b = self.cast_to(b, t);
        (a, b, t)
    }

    fn binary(&mut self, op: ast::BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr, span: Span) -> Expr {
        use ast::BinaryOp as B;
        match op {
            B::LogAnd | B::LogOr => {
                let a = self.cond_expr(lhs);
                let b = self.cond_expr(rhs);
                let t = self.int_ty();
                let k = if op == B::LogAnd {
                    ExprKind::LogAnd(a.boxed(), b.boxed())
                } else {
                    ExprKind::LogOr(a.boxed(), b.boxed())
                };
                return mk(k, t, span);
            }
            B::Comma => {
                let a = self.rv_expr(lhs);
                let b = self.rv_expr(rhs);
                let t = b.ty;
                return mk(ExprKind::Comma(a.boxed(), b.boxed()), t, span);
            }
            _ => {}
        }
        let a = self.rv_expr(lhs);
        let b = self.rv_expr(rhs);
        self.binary_typed(op, a, b, span)
    }

    fn binary_typed(&mut self, op: ast::BinaryOp, a: Expr, b: Expr, span: Span) -> Expr {
        use ast::BinaryOp as B;
        if self.prog.types.float_kind(a.ty).is_some() || self.prog.types.float_kind(b.ty).is_some()
        {
            return self.float_binary(op, &a, &b, span);
        }
        let tt = &self.prog.types;
        let (ai, bi) = (tt.is_integer(a.ty), tt.is_integer(b.ty));
        let (ap, bp) = (tt.is_pointer(a.ty), tt.is_pointer(b.ty));
        match op {
            B::Add | B::Sub if ap && bi || (op == B::Add && ai && bp) => {
                let (p, i) = if ap { (a, b) } else { (b, a) };
                let sz = self.elem_size(p.ty, span);
                let l = self.long();
                let mut i = self.cast_to(i, l);
                if op == B::Sub {
                    let isp = i.span;
                    i = mk(ExprKind::Unary(UnOp::Neg, i.boxed()), l, isp);
                }
                let pt = p.ty;
                mk(
                    ExprKind::PtrAdd {
                        ptr: p.boxed(),
                        idx: i.boxed(),
                        elem_size: sz,
                    },
                    pt,
                    span,
                )
            }
            B::Sub if ap && bp => {
                let (pa, pb) = (
                    self.prog.types.pointee(a.ty).unwrap_or(a.ty),
                    self.prog.types.pointee(b.ty).unwrap_or(b.ty),
                );
                if !self.prog.types.compatible_unqual(pa, pb) {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        span,
                        format!(
                            "'{}' and '{}' are not pointers to compatible types",
                            self.show(a.ty),
                            self.show(b.ty)
                        ),
                    );
                    return self.error_expr(span);
                }
                let sz = self.elem_size(a.ty, span);
                let l = self.long();
                mk(
                    ExprKind::PtrDiff {
                        lhs: a.boxed(),
                        rhs: b.boxed(),
                        elem_size: sz,
                    },
                    l,
                    span,
                )
            }
            B::Add | B::Sub | B::Mul | B::Div | B::Rem | B::BitAnd | B::BitOr | B::BitXor => {
                if !(ai && bi) {
                    return self.invalid_operands(a.ty, b.ty, span);
                }
                let (a, b, t) = self.arith2(a, b);
                let bop = match op {
                    B::Add => BinOp::Add,
                    B::Sub => BinOp::Sub,
                    B::Mul => BinOp::Mul,
                    B::Div => BinOp::Div,
                    B::Rem => BinOp::Rem,
                    B::BitAnd => BinOp::And,
                    B::BitOr => BinOp::Or,
                    _ => BinOp::Xor,
                };
                let e = mk(ExprKind::Binary(bop, a.boxed(), b.boxed()), t, span);
                self.fold(e)
            }
            B::Shl | B::Shr => {
                if !(ai && bi) {
                    return self.invalid_operands(a.ty, b.ty, span);
                }
                let a = self.promote(a);
                let b = self.promote(b);
                let t = a.ty;
                let b = self.cast_to(b, t);
                let bop = if op == B::Shl { BinOp::Shl } else { BinOp::Shr };
                let e = mk(ExprKind::Binary(bop, a.boxed(), b.boxed()), t, span);
                self.fold(e)
            }
            B::Lt | B::Gt | B::Le | B::Ge | B::Eq | B::Ne => {
                let cop = match op {
                    B::Lt => CmpOp::Lt,
                    B::Gt => CmpOp::Gt,
                    B::Le => CmpOp::Le,
                    B::Ge => CmpOp::Ge,
                    B::Eq => CmpOp::Eq,
                    _ => CmpOp::Ne,
                };
                let (a, b) = if ai && bi {
                    let (a, b, _) = self.arith2(a, b);
                    (a, b)
                } else if ap && bp {
                    (a, b)
                } else if ap && bi {
                    // Pointer vs integer: null constants are fine; other integers are a
                    // warning in clang and compare as addresses.
                    let t = a.ty;
                    let b = self.cast_to(b, t);
                    (a, b)
                } else if ai && bp {
                    let t = b.ty;
                    let a = self.cast_to(a, t);
                    (a, b)
                } else {
                    return self.invalid_operands(a.ty, b.ty, span);
                };
                let t = self.int_ty();
                let e = mk(ExprKind::Cmp(cop, a.boxed(), b.boxed()), t, span);
                self.fold(e)
            }
            _ => self.invalid_operands(a.ty, b.ty, span),
        }
    }

    /// Folds a constant integer expression into an `Int` node.
    fn fold(&mut self, e: Expr) -> Expr {
        if self.prog.types.is_integer(e.ty)
            && let Some(v) = super::consteval::eval_int(&self.prog.types, &e)
            && !has_side_effects(&e)
            && !matches!(e.kind, ExprKind::Int(_))
        {
            return mk(ExprKind::Int(v), e.ty, e.span);
        }
        e
    }

    fn assign(
        &mut self,
        op: Option<ast::BinaryOp>,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> Expr {
        use ast::BinaryOp as B;
        let l = self.expr(lhs);
        let r = self.rv_expr(rhs);
        if !self.check_modifiable(&l, lhs.span) {
            return self.error_expr(span);
        }
        let lt = l.ty.unqual();
        let Some(op) = op else {
            if self.prog.types.is_record(lt) && !self.prog.types.is_complete(lt) {
                self.err(
                    codes::E_INCOMPLETE_TYPE,
                    lhs.span,
                    format!("incomplete type '{}' is not assignable", self.show(lt)),
                );
                return self.error_expr(span);
            }
            let r = self.assign_conv(r, lt, "assigning to");
            return mk(ExprKind::Assign(l.boxed(), r.boxed()), lt, span);
        };
        let tt = &self.prog.types;
        if tt.is_pointer(lt) && matches!(op, B::Add | B::Sub) && tt.is_integer(r.ty) {
            let sz = self.elem_size(lt, span);
            let lg = self.long();
            let r = self.cast_to(r, lg);
            return mk(
                ExprKind::CompoundAssign {
                    op: if op == B::Sub { BinOp::Sub } else { BinOp::Add },
                    lhs: l.boxed(),
                    rhs: r.boxed(),
                    op_ty: lt,
                    ptr_elem: Some(sz),
                },
                lt,
                span,
            );
        }
        if !(tt.is_integer(lt) && tt.is_integer(r.ty)) {
            return self.invalid_operands(lt, r.ty, span);
        }
        let (bop, shift) = match op {
            B::Add => (BinOp::Add, false),
            B::Sub => (BinOp::Sub, false),
            B::Mul => (BinOp::Mul, false),
            B::Div => (BinOp::Div, false),
            B::Rem => (BinOp::Rem, false),
            B::BitAnd => (BinOp::And, false),
            B::BitOr => (BinOp::Or, false),
            B::BitXor => (BinOp::Xor, false),
            B::Shl => (BinOp::Shl, true),
            B::Shr => (BinOp::Shr, true),
            _ => return self.invalid_operands(lt, r.ty, span),
        };
        let lv = self.rv(l.clone());
        let pl = self.promoted_ty(&lv);
        let op_ty = if shift {
            pl
        } else {
            let pr = self.promoted_ty(&r);
            self.prog.types.usual_arith(pl, pr)
        };
        let r = if shift {
            let r = self.promote(r);
            self.cast_to(r, op_ty)
        } else {
            self.cast_to(r, op_ty)
        };
        mk(
            ExprKind::CompoundAssign {
                op: bop,
                lhs: l.boxed(),
                rhs: r.boxed(),
                op_ty,
                ptr_elem: None,
            },
            lt,
            span,
        )
    }

    /// `c ? a : b`, and GNU's `c ?: b` (`then` is `None`): the same operand rules with
    /// `c` as the middle operand, but `c` evaluated once ([`ExprKind::BinaryCond`]).
    fn conditional(
        &mut self,
        cond: &ast::Expr,
        then: Option<&ast::Expr>,
        els: &ast::Expr,
        span: Span,
    ) -> Expr {
        let c = self.cond_expr(cond);
        let t = match then {
            Some(t) => self.rv_expr(t),
            None => c.clone(),
        };
        let f = self.rv_expr(els);
        let Some((t, f, ty)) = self.cond_operands(t, f, span) else {
            return self.error_expr(span);
        };
        let kind = match then {
            Some(_) => ExprKind::Cond(c.boxed(), t.boxed(), f.boxed()),
            None => ExprKind::BinaryCond(c.boxed(), f.boxed()),
        };
        mk(kind, ty, span)
    }

    /// The result type of a conditional with arms `t` and `f` (C17 6.5.15p3-6), with
    /// both arms converted to it; `None` (after an error) when they do not go together.
    fn cond_operands(&mut self, t: Expr, f: Expr, span: Span) -> Option<(Expr, Expr, QualType)> {
        let real = self.float_common(&t, &f);
        let tt = &self.prog.types;
        let ty = if tt.is_arith(t.ty) && tt.is_arith(f.ty) {
            return Some(self.arith2(t, f));
        } else if let Some(ty) = real {
            let (t, f) = (self.cast_to(t, ty), self.cast_to(f, ty));
            return Some((t, f, ty));
        } else if (tt.is_void(t.ty) && tt.is_void(f.ty))
            || (tt.is_record(t.ty) && tt.compatible_unqual(t.ty, f.ty))
        {
            t.ty.unqual()
        } else if tt.is_pointer(t.ty) && (tt.is_pointer(f.ty) || self.is_null_const(&f)) {
            let pf = tt.pointee(f.ty);
            let pt = tt.pointee(t.ty);
            match (pt, pf) {
                (Some(p), Some(q)) if tt.is_void(q) && !self.is_null_const(&f) => {
                    let v = self.prog.types.void().with_quals(p.quals.union(q.quals));
                    self.prog.types.ptr(v)
                }
                (Some(p), Some(q)) if tt.is_void(p) && !self.is_null_const(&t) => {
                    let v = self.prog.types.void().with_quals(p.quals.union(q.quals));
                    self.prog.types.ptr(v)
                }
                _ => t.ty.unqual(),
            }
        } else if tt.is_pointer(f.ty) && self.is_null_const(&t) {
            f.ty.unqual()
        } else {
            self.err(
                codes::E_INVALID_OPERANDS,
                span,
                format!(
                    "incompatible operand types ('{}' and '{}')",
                    self.show(t.ty),
                    self.show(f.ty)
                ),
            );
            return None;
        };
        let t = if self.prog.types.is_scalar(ty) {
            self.cast_to(t, ty)
        } else {
            t
        };
        let f = if self.prog.types.is_scalar(ty) {
            self.cast_to(f, ty)
        } else {
            f
        };
        Some((t, f, ty))
    }

    fn call(&mut self, callee: &ast::Expr, args: &[ast::Expr], span: Span) -> Expr {
        if let ast::ExprKind::Ident(id) = &callee.kind
            && self.lookup(&id.name).is_none()
        {
            if let Some(e) = self.builtin_call(&id.name, args, span) {
                return e;
            }
            // One error, as clang gives it (implicit declarations are errors in C99).
            let builtin = ["__builtin_", "__sync_", "__atomic_"]
                .iter()
                .any(|p| id.name.starts_with(p));
            let (code, msg) = if builtin {
                (
                    codes::E_UNSUPPORTED,
                    format!("builtin '{}' is not supported for BPF", id.name),
                )
            } else {
                (
                    codes::E_UNDECLARED,
                    format!(
                        "call to undeclared function '{}'; ISO C99 and later do not support implicit function declarations",
                        id.name
                    ),
                )
            };
            self.err(code, callee.span, msg);
            for a in args {
                self.rv_expr(a);
            }
            return self.error_expr(span);
        }
        let fe = self.rv_expr(callee);
        let tt = &self.prog.types;
        let ft = tt.pointee(fe.ty).and_then(|p| tt.func_type(p).cloned());
        let Some(ft) = ft else {
            self.err(
                codes::E_NOT_CALLABLE,
                callee.span,
                format!(
                    "called object type '{}' is not a function or function pointer",
                    self.show(fe.ty)
                ),
            );
            for a in args {
                self.rv_expr(a);
            }
            return self.error_expr(span);
        };
        let target = match &fe.kind {
            ExprKind::Decay(inner) => match inner.kind {
                ExprKind::Func(f) => Some(Callee::Direct(f)),
                _ => None,
            },
            ExprKind::Load(inner) => match inner.kind {
                ExprKind::Global(g) => match self.prog.global(g).kind {
                    GlobalKind::Helper(n) => Some(Callee::Helper(n)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let mut vals = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let v = self.rv_expr(a);
            let v = match ft.params.get(i) {
                Some(p) if ft.has_proto => self.assign_conv(v, *p, "passing"),
                _ => {
                    if self.prog.types.is_integer(v.ty) {
                        self.promote(v)
                    } else {
                        v
                    }
                }
            };
            vals.push(v);
        }
        if ft.has_proto {
            let (n, m) = (ft.params.len(), args.len());
            // Where the called function was declared (as clang's "'f' declared here").
            let declared = match &target {
                Some(Callee::Direct(f)) => {
                    let func = &self.prog.funcs[f.0 as usize];
                    Some((func.span, format!("'{}' declared here", func.name)))
                }
                _ => None,
            };
            let problem = if m < n {
                Some((
                    span,
                    format!("too few arguments to function call, expected {n}, have {m}"),
                ))
            } else if m > n && !ft.variadic {
                let at = args.get(n).map(|a| a.span).unwrap_or(span);
                Some((
                    at,
                    format!("too many arguments to function call, expected {n}, have {m}"),
                ))
            } else {
                None
            };
            if let Some((at, msg)) = problem {
                let mut d = diag::Diagnostic::error(codes::E_ARG_COUNT, msg).with_label(at, "");
                if let Some((decl_span, what)) = declared {
                    d = d.with_secondary(decl_span, what);
                }
                self.diags.push(d);
            }
        }
        let Some(target) = target else {
            self.err_note(
                codes::E_UNSUPPORTED,
                callee.span,
                "indirect calls through function pointers are not supported by BPF",
                "call the function by name, or declare a helper as a constant pointer (libbpf style)",
            );
            return self.error_expr(span);
        };
        if args.len() > 5 {
            self.err_note(
                codes::E_BPF_TOO_MANY_PARAMS,
                span,
                format!(
                    "call with {} arguments, but BPF calls take at most 5",
                    args.len()
                ),
                "BPF passes arguments in registers r1-r5 only",
            );
        }
        // Aggregates by value: `byvalue.rs`, once every declaration is known.
        let ret = ft.ret.unqual();
        mk(
            ExprKind::Call {
                callee: target,
                args: vals,
            },
            ret,
            span,
        )
    }

    /// A constant of type `int` (for builtins).
    pub(crate) fn int_const(&mut self, v: i128, span: Span) -> Expr {
        let t = self.int_ty();
        mk(ExprKind::Int(v), t, span)
    }
}
