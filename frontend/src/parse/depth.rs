//! The AST depth guard: measures how deeply expressions and statements nest, without
//! recursion, so that no later phase (printer, sema, lowering, even `Drop`) can
//! overflow the stack on pathological input such as `a+a+...` with 200 000 terms or
//! 100 000 nested `if`s.
//!
//! Invariants:
//! - [`too_deep`] uses an explicit work list: its own stack use is constant.
//! - A tree deeper than [`MAX_DEPTH`] is never handed on: `parse` reports E0209 and
//!   leaks the tree (`std::mem::forget`) instead of dropping it recursively; the
//!   driver stops after the error anyway.
//! - Every nesting that a recursive walker follows is counted: expressions, statements,
//!   blocks, initializers, and the expressions inside declarations (array sizes, bit
//!   widths, enumerator values, `typeof`), which are reached through type names.

use crate::ast::*;
use diag::Span;

/// The deepest expression/statement nesting handed to later phases. Real code stays
/// far below (the libbpf, uapi and vmlinux.h headers reach a few dozen).
pub const MAX_DEPTH: usize = 1000;

/// One node still to visit, with its depth.
enum Node<'a> {
    Expr(&'a Expr),
    Stmt(&'a Stmt),
    Block(&'a Block),
    Init(&'a Initializer),
    Decl(&'a Declaration),
    Specs(&'a DeclSpecs),
    Declarator(&'a Declarator),
    TypeName(&'a TypeName),
}

impl Node<'_> {
    fn span(&self) -> Span {
        match self {
            Node::Expr(e) => e.span,
            Node::Stmt(s) => s.span,
            Node::Block(b) => b.span,
            Node::Init(i) => i.span(),
            Node::Decl(d) => d.span,
            Node::Specs(s) => s.span,
            Node::Declarator(d) => d.span,
            Node::TypeName(t) => t.span,
        }
    }
}

/// Returns the span of the first node found nested deeper than `limit`, if any.
pub fn too_deep(tu: &TranslationUnit, limit: usize) -> Option<Span> {
    let mut work: Vec<(Node, usize)> = Vec::new();
    for item in &tu.items {
        match item {
            ExternalDecl::Function(f) => {
                work.push((Node::Specs(&f.specs), 1));
                work.push((Node::Declarator(&f.declarator), 1));
                work.push((Node::Block(&f.body), 1));
            }
            ExternalDecl::Decl(d) => work.push((Node::Decl(d), 1)),
            ExternalDecl::StaticAssert(s) => work.push((Node::Expr(&s.cond), 1)),
            ExternalDecl::Asm(a) => push_asm(&mut work, a, 1),
            ExternalDecl::Empty(_) => {}
        }
    }
    while let Some((node, d)) = work.pop() {
        if d > limit {
            return Some(node.span());
        }
        let c = d + 1;
        match node {
            Node::Expr(e) => push_expr_children(&mut work, e, c),
            Node::Stmt(s) => push_stmt_children(&mut work, s, c),
            Node::Block(b) => work.extend(b.items.iter().map(|s| (Node::Stmt(s), c))),
            Node::Init(Initializer::Expr(e)) => work.push((Node::Expr(e), c)),
            Node::Init(Initializer::List { items, .. }) => push_items(&mut work, items, c),
            Node::Decl(decl) => {
                work.push((Node::Specs(&decl.specs), c));
                for id in &decl.declarators {
                    work.push((Node::Declarator(&id.declarator), c));
                    if let Some(i) = &id.init {
                        work.push((Node::Init(i), c));
                    }
                }
            }
            Node::Specs(specs) => push_specs(&mut work, specs, c),
            Node::Declarator(decl) => {
                for ctor in &decl.derived {
                    match ctor {
                        DerivedDecl::Pointer { .. } => {}
                        DerivedDecl::Array { size, .. } => {
                            if let Some(e) = size {
                                work.push((Node::Expr(e), c));
                            }
                        }
                        DerivedDecl::Function(f) => {
                            for p in &f.params {
                                work.push((Node::Specs(&p.specs), c));
                                work.push((Node::Declarator(&p.declarator), c));
                            }
                        }
                    }
                }
            }
            Node::TypeName(t) => {
                work.push((Node::Specs(&t.specs), c));
                work.push((Node::Declarator(&t.declarator), c));
            }
        }
    }
    None
}

fn push_items<'a>(work: &mut Vec<(Node<'a>, usize)>, items: &'a [InitItem], c: usize) {
    for item in items {
        work.push((Node::Init(&item.init), c));
        for d in &item.designators {
            match d {
                Designator::Field(_) => {}
                Designator::Index(e, _) => work.push((Node::Expr(e), c)),
                Designator::Range(a, b, _) => {
                    work.push((Node::Expr(a), c));
                    work.push((Node::Expr(b), c));
                }
            }
        }
    }
}

fn push_specs<'a>(work: &mut Vec<(Node<'a>, usize)>, specs: &'a DeclSpecs, c: usize) {
    for spec in &specs.items {
        match spec {
            DeclSpec::Type(t) => match &t.kind {
                TypeSpecKind::TypeofExpr(e) => work.push((Node::Expr(e), c)),
                TypeSpecKind::TypeofType(t) => work.push((Node::TypeName(t), c)),
                TypeSpecKind::Record(r) => {
                    for m in r.members.iter().flatten() {
                        match m {
                            MemberDecl::Field {
                                specs, declarators, ..
                            } => {
                                work.push((Node::Specs(specs), c));
                                for md in declarators {
                                    if let Some(d) = &md.declarator {
                                        work.push((Node::Declarator(d), c));
                                    }
                                    if let Some(w) = &md.bit_width {
                                        work.push((Node::Expr(w), c));
                                    }
                                }
                            }
                            MemberDecl::StaticAssert(s) => work.push((Node::Expr(&s.cond), c)),
                        }
                    }
                }
                TypeSpecKind::Enum(e) => {
                    if let Some(b) = &e.base {
                        work.push((Node::Specs(b), c));
                    }
                    for en in e.enumerators.iter().flatten() {
                        if let Some(v) = &en.value {
                            work.push((Node::Expr(v), c));
                        }
                    }
                }
                _ => {}
            },
            DeclSpec::Align(AlignSpec {
                arg: AlignArg::Expr(e),
                ..
            }) => work.push((Node::Expr(e), c)),
            DeclSpec::Align(AlignSpec {
                arg: AlignArg::Type(t),
                ..
            }) => work.push((Node::TypeName(t), c)),
            _ => {}
        }
    }
}

fn push_asm<'a>(work: &mut Vec<(Node<'a>, usize)>, a: &'a AsmStmt, c: usize) {
    for op in a.outputs.iter().chain(&a.inputs) {
        work.push((Node::Expr(&op.expr), c));
    }
}

fn push_expr_children<'a>(work: &mut Vec<(Node<'a>, usize)>, e: &'a Expr, c: usize) {
    let mut push = |x: &'a Expr| work.push((Node::Expr(x), c));
    match &e.kind {
        ExprKind::Ident(_)
        | ExprKind::IntLit(_)
        | ExprKind::FloatLit(_)
        | ExprKind::CharLit(_)
        | ExprKind::StrLit(_) => {}
        ExprKind::Unary { operand, .. } => push(operand),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            push(lhs);
            push(rhs);
        }
        ExprKind::Cond { cond, then, els } => {
            push(cond);
            if let Some(t) = then {
                push(t);
            }
            push(els);
        }
        ExprKind::Cast { ty, expr } => {
            push(expr);
            work.push((Node::TypeName(ty), c));
        }
        ExprKind::SizeofExpr(x) | ExprKind::AlignofExpr(x) => push(x),
        ExprKind::SizeofType(t) | ExprKind::AlignofType(t) => work.push((Node::TypeName(t), c)),
        ExprKind::CompoundLit { ty, init } => {
            work.push((Node::TypeName(ty), c));
            push_items(work, init, c);
        }
        ExprKind::Member { base, .. } => push(base),
        ExprKind::Index { base, index } => {
            push(base);
            push(index);
        }
        ExprKind::Call { callee, args } => {
            push(callee);
            for a in args {
                push(a);
            }
        }
        ExprKind::StmtExpr(b) => work.push((Node::Block(b), c)),
        ExprKind::Offsetof { ty, path } => {
            for p in path {
                if let OffsetofPart::Index(x) = p {
                    push(x);
                }
            }
            work.push((Node::TypeName(ty), c));
        }
        ExprKind::TypesCompatible(a, b) => {
            work.push((Node::TypeName(a), c));
            work.push((Node::TypeName(b), c));
        }
        ExprKind::ChooseExpr { cond, then, els } => {
            push(cond);
            push(then);
            push(els);
        }
        ExprKind::VaArg { ap, ty } => {
            push(ap);
            work.push((Node::TypeName(ty), c));
        }
        ExprKind::Generic { control, assocs } => {
            push(control);
            for a in assocs {
                push(&a.expr);
            }
            for a in assocs {
                if let Some(t) = &a.ty {
                    work.push((Node::TypeName(t), c));
                }
            }
        }
    }
}

fn push_stmt_children<'a>(work: &mut Vec<(Node<'a>, usize)>, s: &'a Stmt, c: usize) {
    match &s.kind {
        StmtKind::Compound(b) => work.push((Node::Block(b), c)),
        StmtKind::Decl(d) => work.push((Node::Decl(d), c)),
        StmtKind::StaticAssert(sa) => work.push((Node::Expr(&sa.cond), c)),
        StmtKind::Expr(e) => work.push((Node::Expr(e), c)),
        StmtKind::Null(_) | StmtKind::Break | StmtKind::Continue | StmtKind::Goto(_) => {}
        StmtKind::If { cond, then, els } => {
            work.push((Node::Expr(cond), c));
            work.push((Node::Stmt(then), c));
            if let Some(e) = els {
                work.push((Node::Stmt(e), c));
            }
        }
        StmtKind::While { cond, body }
        | StmtKind::DoWhile { body, cond }
        | StmtKind::Switch { cond, body } => {
            work.push((Node::Expr(cond), c));
            work.push((Node::Stmt(body), c));
        }
        StmtKind::For {
            init,
            cond,
            step,
            body,
        } => {
            match init {
                ForInit::None => {}
                ForInit::Expr(e) => work.push((Node::Expr(e), c)),
                ForInit::Decl(d) => work.push((Node::Decl(d), c)),
            }
            for e in cond.iter().chain(step) {
                work.push((Node::Expr(e), c));
            }
            work.push((Node::Stmt(body), c));
        }
        StmtKind::Return(e) => {
            if let Some(e) = e {
                work.push((Node::Expr(e), c));
            }
        }
        StmtKind::Case { lo, hi, body } => {
            work.push((Node::Expr(lo), c));
            if let Some(h) = hi {
                work.push((Node::Expr(h), c));
            }
            work.push((Node::Stmt(body), c));
        }
        StmtKind::Default(body) | StmtKind::Label { body, .. } => work.push((Node::Stmt(body), c)),
        StmtKind::Asm(a) => push_asm(work, a, c),
    }
}
