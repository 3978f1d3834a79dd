//! Statements (C17 6.8): blocks and their scopes, conditions, loops, `switch` with
//! case values (GNU ranges included) and duplicate detection, labels and `goto`,
//! `return` checked against the function's type.
//!
//! Invariants: `break`/`continue`/`case`/`default` outside their construct are errors
//! (E0319); every `goto` target must be defined in the function (checked when the body
//! is done, E0321); case values are converted to the promoted type of the controlling
//! expression. `asm volatile("" ::: "memory")` (a compiler barrier) is accepted as a
//! no-op, and an empty asm with only register operands (`"+r"(v)`, libbpf's
//! `barrier_var`; `"r"(x)`) as values the optimizer cannot see through; any other
//! inline assembly is rejected.

use super::tast::{Builtin, Expr, ExprKind, Stmt, StmtKind};
use super::{Checker, SwitchCtx};
use crate::ast;
use diag::codes;

impl Checker {
    pub(crate) fn block_items(&mut self, items: &[ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(items.len());
        for s in items {
            if let ast::StmtKind::Decl(d) = &s.kind {
                out.extend(self.declaration(d, true));
            } else {
                out.push(self.stmt(s));
            }
        }
        out
    }

    fn label_id(&mut self, id: &ast::Ident, define: bool) -> Option<super::tast::LabelId> {
        let fs = self.fs.as_mut()?;
        if let Some(entry) = fs.labels.get_mut(&id.name) {
            if define {
                if entry.1 {
                    let sp = id.span;
                    let name = id.name.clone();
                    self.err(
                        codes::E_LABEL,
                        sp,
                        format!("redefinition of label '{name}'"),
                    );
                    return None;
                }
                entry.1 = true;
            }
            return Some(entry.0);
        }
        let lid = self.new_label(id.name.to_string());
        if let Some(fs) = self.fs.as_mut() {
            fs.labels.insert(id.name.clone(), (lid, define, id.span));
        }
        Some(lid)
    }

    pub(crate) fn stmt(&mut self, s: &ast::Stmt) -> Stmt {
        let span = s.span;
        let kind = match &s.kind {
            ast::StmtKind::Compound(b) => {
                self.push_scope();
                let items = self.block_items(&b.items);
                self.pop_scope();
                StmtKind::Block(items)
            }
            ast::StmtKind::Decl(d) => StmtKind::Block(self.declaration(d, true)),
            ast::StmtKind::StaticAssert(sa) => {
                self.static_assert(sa);
                StmtKind::Null
            }
            ast::StmtKind::Expr(e) => StmtKind::Expr(self.rv_expr(e)),
            ast::StmtKind::Null(_) => StmtKind::Null,
            ast::StmtKind::If { cond, then, els } => {
                let c = self.cond_expr(cond);
                let t = self.stmt(then);
                let e = els.as_ref().map(|e| Box::new(self.stmt(e)));
                StmtKind::If(c, Box::new(t), e)
            }
            ast::StmtKind::While { cond, body } => {
                let c = self.cond_expr(cond);
                let b = self.loop_body(body);
                StmtKind::While(c, Box::new(b))
            }
            ast::StmtKind::DoWhile { body, cond } => {
                let b = self.loop_body(body);
                let c = self.cond_expr(cond);
                StmtKind::DoWhile(Box::new(b), c)
            }
            ast::StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                self.push_scope();
                let init = match init {
                    ast::ForInit::None => Vec::new(),
                    ast::ForInit::Expr(e) => {
                        let x = self.rv_expr(e);
                        vec![Stmt::new(StmtKind::Expr(x), e.span)]
                    }
                    ast::ForInit::Decl(d) => self.declaration(d, true),
                };
                let cond = cond.as_ref().map(|c| self.cond_expr(c));
                let step = step.as_ref().map(|e| self.rv_expr(e));
                let b = self.loop_body(body);
                self.pop_scope();
                StmtKind::For {
                    init,
                    cond,
                    step,
                    body: Box::new(b),
                }
            }
            ast::StmtKind::Break => {
                if self.fs.as_ref().is_some_and(|f| f.breakable == 0) {
                    self.err(
                        codes::E_BAD_JUMP,
                        span,
                        "'break' statement not in loop or switch statement",
                    );
                }
                StmtKind::Break
            }
            ast::StmtKind::Continue => {
                if self.fs.as_ref().is_some_and(|f| f.loops == 0) {
                    self.err(
                        codes::E_BAD_JUMP,
                        span,
                        "'continue' statement not in loop statement",
                    );
                }
                StmtKind::Continue
            }
            ast::StmtKind::Return(e) => self.return_stmt(e.as_deref(), span),
            ast::StmtKind::Switch { cond, body } => {
                let c = self.rv_expr(cond);
                let c = if self.prog.types.is_integer(c.ty) {
                    self.promote(c)
                } else {
                    self.err(
                        codes::E_INVALID_OPERANDS,
                        cond.span,
                        format!(
                            "statement requires expression of integer type ('{}' invalid)",
                            self.prog.types.display(c.ty)
                        ),
                    );
                    self.error_expr(cond.span)
                };
                if let Some(fs) = self.fs.as_mut() {
                    fs.switches.push(SwitchCtx {
                        cases: Vec::new(),
                        default: None,
                        ty: c.ty,
                    });
                    fs.breakable += 1;
                }
                let b = self.stmt(body);
                let ctx = self.fs.as_mut().and_then(|fs| {
                    fs.breakable -= 1;
                    fs.switches.pop()
                });
                let (cases, default) = match ctx {
                    Some(ctx) => (
                        ctx.cases
                            .into_iter()
                            .map(|(a, b, l, _)| (a, b, l))
                            .collect(),
                        ctx.default,
                    ),
                    None => (Vec::new(), None),
                };
                StmtKind::Switch {
                    cond: c,
                    cases,
                    default,
                    body: Box::new(b),
                }
            }
            ast::StmtKind::Case { lo, hi, body } => {
                let lov = self.const_int(lo);
                let hiv = match hi {
                    Some(h) => self.const_int(h),
                    None => lov,
                };
                let Some(ty) = self
                    .fs
                    .as_ref()
                    .and_then(|f| f.switches.last())
                    .map(|s| s.ty)
                else {
                    self.err(
                        codes::E_BAD_JUMP,
                        span,
                        "'case' statement not in switch statement",
                    );
                    let b = self.stmt(body);
                    return b;
                };
                let k = self
                    .prog
                    .types
                    .int_kind(ty)
                    .unwrap_or(crate::types::IntKind::Int);
                let lid = self.new_label(format!("case.{}", lov.unwrap_or(0)));
                if let (Some(a), Some(b)) = (lov, hiv) {
                    let (a, b) = (k.wrap(a), k.wrap(b));
                    if a > b {
                        self.err(codes::E_BAD_JUMP, span, "empty case range specified");
                    } else {
                        let dup = self
                            .fs
                            .as_ref()
                            .and_then(|f| f.switches.last())
                            .and_then(|s| {
                                s.cases.iter().find(|c| c.0 <= b && a <= c.1).map(|c| c.3)
                            });
                        if let Some(prev) = dup {
                            self.diags.push(
                                diag::Diagnostic::error(
                                    codes::E_BAD_JUMP,
                                    format!("duplicate case value '{a}'"),
                                )
                                .with_label(lo.span, "")
                                .with_secondary(prev, "previous case defined here"),
                            );
                        } else if let Some(sw) =
                            self.fs.as_mut().and_then(|f| f.switches.last_mut())
                        {
                            sw.cases.push((a, b, lid, lo.span));
                        }
                    }
                }
                let b = self.stmt(body);
                StmtKind::Label(lid, Box::new(b))
            }
            ast::StmtKind::Default(body) => {
                let has = self
                    .fs
                    .as_ref()
                    .and_then(|f| f.switches.last())
                    .map(|s| s.default.is_some());
                let lid = self.new_label("default".to_string());
                match has {
                    None => self.err(
                        codes::E_BAD_JUMP,
                        span,
                        "'default' statement not in switch statement",
                    ),
                    Some(true) => self.err(
                        codes::E_BAD_JUMP,
                        span,
                        "multiple default labels in one switch",
                    ),
                    Some(false) => {
                        if let Some(sw) = self.fs.as_mut().and_then(|f| f.switches.last_mut()) {
                            sw.default = Some(lid);
                        }
                    }
                }
                let b = self.stmt(body);
                StmtKind::Label(lid, Box::new(b))
            }
            ast::StmtKind::Goto(id) => match self.label_id(id, false) {
                Some(l) => StmtKind::Goto(l),
                None => StmtKind::Null,
            },
            ast::StmtKind::Label { label, body } => {
                let l = self.label_id(label, true);
                let b = self.stmt(body);
                match l {
                    Some(l) => StmtKind::Label(l, Box::new(b)),
                    None => b.kind,
                }
            }
            ast::StmtKind::Asm(a) => {
                if let Some(stmts) = self.register_barrier(a) {
                    return Stmt::new(StmtKind::Block(stmts), span);
                }
                let barrier =
                    a.template.units.is_empty() && a.outputs.is_empty() && a.inputs.is_empty();
                if !barrier {
                    // Reported only if this function is emitted: headers carry x86 asm in
                    // static inline functions that BPF programs never call.
                    let d = diag::Diagnostic::error(
                        codes::E_UNSUPPORTED,
                        "inline assembly is not supported for BPF",
                    )
                    .with_label(a.span, "");
                    match self.fs.as_mut() {
                        Some(fs) => fs.deferred.push(d),
                        None => self.diags.push(d),
                    }
                }
                StmtKind::Null
            }
        };
        Stmt::new(kind, span)
    }

    /// An empty inline asm whose operands are all registers: `"+r"(v)` outputs, `"=r"(v)`
    /// outputs with a tied input (`"=r"(v) : "0"(v)`, libbpf's `barrier_var(v)`), and
    /// `"r"(x)` inputs, with any clobbers. The asm does nothing,
    /// but the compiler must assume it read the inputs and changed the outputs, as
    /// clang does: each `v` becomes `v = opaque(v)` and each `x` is evaluated into an
    /// `opaque` whose result is unused. None for any other asm (not supported).
    fn register_barrier(&mut self, a: &ast::AsmStmt) -> Option<Vec<Stmt>> {
        let constraint = |o: &ast::AsmOperand| o.constraint.bytes();
        // An input tied to output `k` ("0", "1"...): the output's value on the way in.
        let tied = |k: usize| {
            a.inputs
                .iter()
                .find(|i| constraint(i) == k.to_string().as_bytes())
        };
        let tie_ok = |c: &[u8]| {
            !c.is_empty()
                && c.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(c)
                    .ok()
                    .and_then(|t| t.parse::<usize>().ok())
                    .is_some_and(|k| k < a.outputs.len())
        };
        let registers = a.template.units.is_empty()
            && !a.is_goto
            && !(a.outputs.is_empty() && a.inputs.is_empty())
            && a.outputs.iter().enumerate().all(|(k, o)| {
                constraint(o) == b"+r" || (constraint(o) == b"=r" && tied(k).is_some())
            })
            && a.inputs
                .iter()
                .all(|i| constraint(i) == b"r" || tie_ok(&constraint(i)));
        if !registers {
            return None;
        }
        let mut out = Vec::new();
        for (k, o) in a.outputs.iter().enumerate() {
            let place = self.expr(&o.expr);
            if !self.check_modifiable(&place, o.expr.span) {
                continue;
            }
            // "+r": read and written back, so evaluated twice: no side effects. "=r" with
            // a tied input (libbpf 1.1's `barrier_var`: `"=r"(v) : "0"(v)`): the input
            // is the value that goes in.
            let incoming = if constraint(o) == b"+r" {
                if super::expr::has_side_effects(&place) {
                    self.err(
                        codes::E_UNSUPPORTED,
                        o.expr.span,
                        "an inline asm \"+r\" operand with side effects is not supported",
                    );
                    continue;
                }
                self.register_operand(place.clone(), o.expr.span)
            } else {
                let Some(input) = tied(k) else { continue };
                let e = self.expr(&input.expr);
                self.register_operand(e, input.expr.span)
                    .map(|v| self.cast_to(v, place.ty.unqual()))
            };
            let Some(current) = incoming else {
                continue;
            };
            let ty = current.ty;
            let opaque = Expr::new(
                ExprKind::Builtin(Builtin::Opaque, vec![current]),
                ty,
                o.span,
            );
            let assign = Expr::new(ExprKind::Assign(place.boxed(), opaque.boxed()), ty, o.span);
            out.push(Stmt::new(StmtKind::Expr(assign), o.span));
        }
        for i in a.inputs.iter().filter(|i| constraint(i) == b"r") {
            let e = self.expr(&i.expr);
            let Some(value) = self.register_operand(e, i.expr.span) else {
                continue;
            };
            let ty = value.ty;
            let opaque = Expr::new(ExprKind::Builtin(Builtin::Opaque, vec![value]), ty, i.span);
            out.push(Stmt::new(StmtKind::Expr(opaque), i.span));
        }
        Some(out)
    }

    /// The value of an asm register operand: an integer or a pointer (a register holds
    /// at most 8 bytes), evaluated once; None after an error.
    fn register_operand(&mut self, e: Expr, span: diag::Span) -> Option<Expr> {
        let value = self.rv(e);
        let tt = &self.prog.types;
        if !(tt.is_integer(value.ty) || tt.is_pointer(value.ty)) {
            let shown = self.prog.types.display(value.ty);
            self.err(
                codes::E_UNSUPPORTED,
                span,
                format!(
                    "an inline asm register operand must be an integer or a pointer, not '{shown}'"
                ),
            );
            return None;
        }
        Some(value)
    }

    fn loop_body(&mut self, body: &ast::Stmt) -> Stmt {
        if let Some(fs) = self.fs.as_mut() {
            fs.loops += 1;
            fs.breakable += 1;
        }
        let b = self.stmt(body);
        if let Some(fs) = self.fs.as_mut() {
            fs.loops -= 1;
            fs.breakable -= 1;
        }
        b
    }

    fn return_stmt(&mut self, e: Option<&ast::Expr>, span: diag::Span) -> StmtKind {
        let Some((ret, fid)) = self.fs.as_ref().map(|f| (f.ret, f.id)) else {
            return StmtKind::Null;
        };
        let fname = self.prog.func(fid).name.clone();
        let void = self.prog.types.is_void(ret);
        match e {
            None => {
                if !void {
                    self.err(
                        codes::E_BAD_RETURN,
                        span,
                        format!("non-void function '{fname}' should return a value"),
                    );
                }
                StmtKind::Return(None)
            }
            Some(e) => {
                let x = self.rv_expr(e);
                if void {
                    if !self.prog.types.is_void(x.ty) {
                        self.err(
                            codes::E_BAD_RETURN,
                            e.span,
                            format!("void function '{fname}' should not return a value"),
                        );
                    }
                    return StmtKind::Return(Some(x));
                }
                let x = self.assign_conv(x, ret, "returning");
                StmtKind::Return(Some(x))
            }
        }
    }
}
