//! Small constructors the grammar actions call, so that `grammar.lalrpop` stays a
//! readable grammar: declarator assembly (type constructors in application order, see
//! `ast.rs`), specifier-list finishing, literal nodes with their diagnostics.
//!
//! Declarators and statements are built boxed, as are the other large nonterminals of
//! the grammar: lalrpop moves every symbol of its stack by value, so the largest
//! nonterminal type sets the cost of every shift and reduce (see `grammar.lalrpop`).
//!
//! Invariants: never panics; every literal problem becomes a diagnostic in the
//! [`ParseState`] and the node still gets a value (0 / empty) so that parsing goes on.

use super::literal;
use super::state::ParseState;
use crate::ast::*;
use diag::{Diagnostic, Span};
use std::sync::Arc;

pub fn ident(st: &ParseState, name: Arc<str>, l: usize, r: usize) -> Ident {
    Ident {
        name,
        span: st.span(l, r),
    }
}

pub fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

pub fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, span: Span) -> Expr {
    expr(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

pub fn unary(op: UnaryOp, operand: Expr, span: Span) -> Expr {
    expr(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
    )
}

pub fn int_lit(st: &ParseState, text: &str, span: Span) -> Expr {
    let lit = literal::parse_int(text).unwrap_or_else(|(code, msg)| {
        st.report(Diagnostic::error(code, msg).with_label(span, "here"));
        IntLit {
            value: 0,
            radix: Radix::Decimal,
            suffix: IntSuffix::default(),
            ty: IntLitType::Int,
        }
    });
    expr(ExprKind::IntLit(lit), span)
}

pub fn char_lit(st: &ParseState, text: &str, span: Span) -> Expr {
    let lit = literal::parse_char(text).unwrap_or_else(|(code, msg)| {
        st.report(Diagnostic::error(code, msg).with_label(span, "here"));
        CharLit {
            value: 0,
            prefix: CharPrefix::None,
        }
    });
    expr(ExprKind::CharLit(lit), span)
}

pub fn string_lit(st: &ParseState, pieces: &[Arc<str>], span: Span) -> StringLit {
    match literal::parse_strings(pieces.iter().map(|p| &**p)) {
        Ok((prefix, units)) => StringLit {
            prefix,
            units,
            span,
        },
        Err((code, msg)) => {
            st.report(Diagnostic::error(code, msg).with_label(span, "here"));
            StringLit {
                prefix: CharPrefix::None,
                units: Vec::new(),
                span,
            }
        }
    }
}

/// Finishes a specifier list: attributes written right after a struct/union/enum body
/// belong to that type (GCC and clang apply `struct s {...} __attribute__((packed))` to
/// the struct), so they move onto its specifier.
pub fn finish_specs(items: Vec<DeclSpec>, span: Span) -> DeclSpecs {
    // Common case: no attribute right after a body, so nothing moves.
    if !items
        .windows(2)
        .any(|w| is_body_spec(&w[0]) && matches!(w[1], DeclSpec::Attr(_)))
    {
        return DeclSpecs { items, span };
    }
    let mut out: Vec<DeclSpec> = Vec::with_capacity(items.len());
    let mut after_body = false;
    for item in items {
        match item {
            DeclSpec::Attr(a) if after_body => match out.last_mut() {
                Some(DeclSpec::Type(TypeSpec {
                    kind: TypeSpecKind::Record(r),
                    span,
                })) => {
                    *span = span.to(a.span);
                    r.attrs.push(a);
                }
                Some(DeclSpec::Type(TypeSpec {
                    kind: TypeSpecKind::Enum(e),
                    span,
                })) => {
                    *span = span.to(a.span);
                    e.attrs.push(a);
                }
                _ => out.push(DeclSpec::Attr(a)),
            },
            other => {
                after_body = is_body_spec(&other);
                out.push(other);
            }
        }
    }
    DeclSpecs { items: out, span }
}

/// True for a struct/union/enum specifier with a body.
fn is_body_spec(s: &DeclSpec) -> bool {
    match s {
        DeclSpec::Type(TypeSpec {
            kind: TypeSpecKind::Record(r),
            ..
        }) => r.members.is_some(),
        DeclSpec::Type(TypeSpec {
            kind: TypeSpecKind::Enum(e),
            ..
        }) => e.enumerators.is_some(),
        _ => false,
    }
}

/// A top-level item as the grammar builds it: [`ExternalDecl`] with its large variants
/// boxed, so that it stays a small parser symbol.
pub enum TopItem {
    Function(Box<FunctionDef>),
    Decl(Declaration),
    StaticAssert(StaticAssert),
    Asm(Box<AsmStmt>),
    Empty(Span),
}

pub fn external(item: TopItem) -> ExternalDecl {
    match item {
        TopItem::Function(f) => ExternalDecl::Function(*f),
        TopItem::Decl(d) => ExternalDecl::Decl(d),
        TopItem::StaticAssert(s) => ExternalDecl::StaticAssert(s),
        TopItem::Asm(a) => ExternalDecl::Asm(*a),
        TopItem::Empty(s) => ExternalDecl::Empty(s),
    }
}

/// An [`InitDeclarator`] as a small parser symbol: declarator, initializer, span.
pub type InitDeclParts = (Box<Declarator>, Option<Initializer>, Span);

pub fn init_declarator((declarator, init, span): InitDeclParts) -> InitDeclarator {
    InitDeclarator {
        declarator: *declarator,
        init,
        span,
    }
}

/// A [`MemberDeclarator`] as a small parser symbol: declarator, width, attributes, span.
pub type MemberDeclParts = (
    Option<Box<Declarator>>,
    Option<Box<Expr>>,
    Vec<Attribute>,
    Span,
);

pub fn member_declarator((d, w, attrs, span): MemberDeclParts) -> MemberDeclarator {
    MemberDeclarator {
        declarator: d.map(|d| *d),
        bit_width: w.map(|w| *w),
        attrs,
        span,
    }
}

/// A [`ParamDecl`] as a small parser symbol: specifiers, declarator, span.
pub type ParamParts = (DeclSpecs, Box<Declarator>, Span);

pub fn param_decl((specs, d, span): ParamParts) -> ParamDecl {
    ParamDecl {
        specs,
        declarator: *d,
        span,
    }
}

/// A declarator with just a name (or none, for abstract ones).
pub fn named(name: Option<Ident>, span: Span) -> Box<Declarator> {
    Box::new(Declarator {
        name,
        derived: Vec::new(),
        attrs: Vec::new(),
        asm_label: None,
        span,
    })
}

/// `pointers inner`, in the nearest-name-first order the declarator rules build: the
/// pointers (leftmost first) are further from the name than the inner constructors.
pub fn with_pointers(
    ptrs: Vec<DerivedDecl>,
    mut inner: Box<Declarator>,
    span: Span,
) -> Box<Declarator> {
    inner.derived.extend(ptrs.into_iter().rev());
    inner.span = span;
    inner
}

/// `inner suffix` (`[N]` or `(params)`), nearest-name-first: the suffix is further
/// from the name than the inner declarator's constructors.
pub fn with_suffix(mut inner: Box<Declarator>, suffix: DerivedDecl, span: Span) -> Box<Declarator> {
    inner.derived.push(suffix);
    inner.span = span;
    inner
}

/// Turns a finished declarator's constructors into application order (ast.rs).
pub fn finish_declarator(mut d: Box<Declarator>) -> Box<Declarator> {
    d.derived.reverse();
    d
}

/// Converts an attribute argument expression: bare identifiers and strings are kept
/// apart from other expressions.
pub fn attr_arg(e: Expr) -> AttrArg {
    match e.kind {
        ExprKind::Ident(id) => AttrArg::Ident(id),
        ExprKind::StrLit(s) => AttrArg::Str(s),
        kind => AttrArg::Expr(Expr { kind, span: e.span }),
    }
}

pub fn stmt(kind: StmtKind, span: Span) -> Box<Stmt> {
    Box::new(Stmt { kind, span })
}

/// The pieces of an asm statement after its template: outputs, inputs, clobbers, labels.
pub type AsmTail = (Vec<AsmOperand>, Vec<AsmOperand>, Vec<StringLit>, Vec<Ident>);

/// Which qualifiers an `asm` statement has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsmQual {
    Volatile,
    Inline,
    Goto,
}

pub fn asm_stmt(quals: Vec<AsmQual>, template: StringLit, tail: AsmTail, span: Span) -> AsmStmt {
    let (outputs, inputs, clobbers, labels) = tail;
    AsmStmt {
        is_volatile: quals.contains(&AsmQual::Volatile),
        is_inline: quals.contains(&AsmQual::Inline),
        is_goto: quals.contains(&AsmQual::Goto),
        template,
        outputs,
        inputs,
        clobbers,
        labels,
        span,
    }
}

/// What precedes a labelled statement.
/// (Boxed pieces keep the parser's symbols small.)
pub enum LabelKind {
    Label(Ident),
    Case(Box<Expr>, Option<Box<Expr>>),
    Default,
}

pub fn labelled(label: LabelKind, body: Box<Stmt>, span: Span) -> Box<Stmt> {
    let kind = match label {
        LabelKind::Label(label) => StmtKind::Label { label, body },
        LabelKind::Case(lo, hi) => StmtKind::Case { lo, hi, body },
        LabelKind::Default => StmtKind::Default(body),
    };
    stmt(kind, span)
}

/// A `for` header: init, condition, step.
pub type ForHead = (ForInit, Option<Expr>, Option<Expr>);

pub fn for_stmt(head: ForHead, body: Box<Stmt>, span: Span) -> Box<Stmt> {
    let (init, cond, step) = head;
    stmt(
        StmtKind::For {
            init,
            cond: cond.map(Box::new),
            step: step.map(Box::new),
            body,
        },
        span,
    )
}

/// One `*` with its qualifiers and type attributes.
pub fn pointer(quals: Vec<(Option<Qualifier>, Vec<Attribute>)>, span: Span) -> DerivedDecl {
    let mut qs = Vec::new();
    let mut attrs = Vec::new();
    for (q, a) in quals {
        qs.extend(q);
        attrs.extend(a);
    }
    DerivedDecl::Pointer {
        quals: qs,
        attrs,
        span,
    }
}

/// A declarator of a declaration, complete with its asm label and attributes: its name
/// is declared in the current scope from here on (C17 6.2.1p7).
pub fn reg_declarator(
    st: &ParseState,
    mut d: Box<Declarator>,
    asm_label: Option<StringLit>,
    attrs: Option<Vec<Attribute>>,
    span: Span,
) -> Box<Declarator> {
    if let Some(n) = &d.name {
        st.declare_in_current_decl(&n.name);
    }
    d.asm_label = asm_label;
    d.attrs = attrs.unwrap_or_default();
    d.span = span;
    d
}
