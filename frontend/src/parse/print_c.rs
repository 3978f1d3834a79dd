//! Prints the AST back as C: fully parenthesized expressions, declarators rebuilt from
//! their application-order constructors, literals spelled so that they decode to the
//! same value and type. Parsing the output gives the same tree (up to spans), and
//! clang compiles it to the same code as the original; both are tested
//! (`tests/parse_roundtrip.rs`), which checks declarator and precedence handling
//! against clang itself.
//!
//! Invariants: deterministic; one declaration or statement per line; an `if` whose
//! `then` branch came from the parser never needs braces added (the parser already
//! bound each `else` to the nearest `if`).

use crate::ast::*;
use std::fmt::Write;

/// Prints a translation unit as C source.
pub fn print_c(tu: &TranslationUnit) -> String {
    let mut p = CPrinter { out: String::new() };
    for item in &tu.items {
        p.external(item);
    }
    p.out
}

struct CPrinter {
    out: String,
}

impl CPrinter {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn external(&mut self, item: &ExternalDecl) {
        match item {
            ExternalDecl::Function(f) => {
                let head = format!("{} {}", specs(&f.specs), declarator(&f.declarator));
                self.line(0, &head);
                self.block(0, &f.body);
            }
            ExternalDecl::Decl(d) => self.line(0, &declaration(d)),
            ExternalDecl::StaticAssert(s) => self.line(0, &static_assert(s)),
            ExternalDecl::Asm(a) => self.line(0, &format!("{};", asm(a))),
            ExternalDecl::Empty(_) => {}
        }
    }

    fn block(&mut self, d: usize, b: &Block) {
        self.line(d, "{");
        for s in &b.items {
            self.stmt(d + 1, s);
        }
        self.line(d, "}");
    }

    fn stmt(&mut self, d: usize, s: &Stmt) {
        match &s.kind {
            StmtKind::Compound(b) => self.block(d, b),
            StmtKind::Decl(decl) => self.line(d, &declaration(decl)),
            StmtKind::StaticAssert(sa) => self.line(d, &static_assert(sa)),
            StmtKind::Expr(e) => self.line(d, &format!("{};", expr(e))),
            StmtKind::Null(attrs) => self.line(d, &format!("{};", attributes(attrs))),
            StmtKind::If { cond, then, els } => {
                self.line(d, &format!("if ({})", expr(cond)));
                self.stmt(d + 1, then);
                if let Some(e) = els {
                    self.line(d, "else");
                    self.stmt(d + 1, e);
                }
            }
            StmtKind::While { cond, body } => {
                self.line(d, &format!("while ({})", expr(cond)));
                self.stmt(d + 1, body);
            }
            StmtKind::DoWhile { body, cond } => {
                self.line(d, "do");
                self.stmt(d + 1, body);
                self.line(d, &format!("while ({});", expr(cond)));
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                let init = match init {
                    ForInit::None => ";".to_string(),
                    ForInit::Expr(e) => format!("{};", expr(e)),
                    ForInit::Decl(decl) => declaration(decl),
                };
                let opt = |e: &Option<Box<Expr>>| e.as_ref().map_or(String::new(), |e| expr(e));
                self.line(d, &format!("for ({init} {}; {})", opt(cond), opt(step)));
                self.stmt(d + 1, body);
            }
            StmtKind::Break => self.line(d, "break;"),
            StmtKind::Continue => self.line(d, "continue;"),
            StmtKind::Return(None) => self.line(d, "return;"),
            StmtKind::Return(Some(e)) => self.line(d, &format!("return {};", expr(e))),
            StmtKind::Switch { cond, body } => {
                self.line(d, &format!("switch ({})", expr(cond)));
                self.stmt(d + 1, body);
            }
            StmtKind::Case { lo, hi, body } => {
                match hi {
                    Some(hi) => self.line(d, &format!("case {} ... {}:", expr(lo), expr(hi))),
                    None => self.line(d, &format!("case {}:", expr(lo))),
                }
                self.stmt(d + 1, body);
            }
            StmtKind::Default(body) => {
                self.line(d, "default:");
                self.stmt(d + 1, body);
            }
            StmtKind::Goto(l) => self.line(d, &format!("goto {};", l.name)),
            StmtKind::Label { label, body } => {
                self.line(d, &format!("{}:", label.name));
                self.stmt(d + 1, body);
            }
            StmtKind::Asm(a) => self.line(d, &format!("{};", asm(a))),
        }
    }
}

fn declaration(d: &Declaration) -> String {
    let mut s = specs(&d.specs);
    for (i, id) in d.declarators.iter().enumerate() {
        s.push_str(if i == 0 { " " } else { ", " });
        s.push_str(&declarator(&id.declarator));
        if let Some(init) = &id.init {
            let _ = write!(s, " = {}", initializer(init));
        }
    }
    s.push(';');
    s
}

fn static_assert(s: &StaticAssert) -> String {
    match &s.message {
        Some(m) => format!("_Static_assert({}, {});", expr(&s.cond), string(m)),
        None => format!("_Static_assert({});", expr(&s.cond)),
    }
}

fn specs(s: &DeclSpecs) -> String {
    let parts: Vec<String> = s.items.iter().map(spec).collect();
    parts.join(" ")
}

fn spec(s: &DeclSpec) -> String {
    match s {
        DeclSpec::Storage(c, _) => match c {
            StorageClass::Typedef => "typedef",
            StorageClass::Extern => "extern",
            StorageClass::Static => "static",
            StorageClass::Auto => "auto",
            StorageClass::Register => "register",
            StorageClass::ThreadLocal => "_Thread_local",
        }
        .to_string(),
        DeclSpec::Type(t) => type_spec(t),
        DeclSpec::Qual(q, _) => qualifier(*q).to_string(),
        DeclSpec::Func(FuncSpec::Inline, _) => "inline".to_string(),
        DeclSpec::Func(FuncSpec::Noreturn, _) => "_Noreturn".to_string(),
        DeclSpec::Align(a) => match &a.arg {
            AlignArg::Expr(e) => format!("_Alignas({})", expr(e)),
            AlignArg::Type(t) => format!("_Alignas({})", type_name(t)),
        },
        DeclSpec::Attr(a) => attributes(std::slice::from_ref(a)),
    }
}

fn qualifier(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Const => "const",
        Qualifier::Volatile => "volatile",
        Qualifier::Restrict => "restrict",
        Qualifier::Atomic => "_Atomic",
    }
}

fn type_spec(t: &TypeSpec) -> String {
    match &t.kind {
        TypeSpecKind::Void => "void".into(),
        TypeSpecKind::Char => "char".into(),
        TypeSpecKind::Short => "short".into(),
        TypeSpecKind::Int => "int".into(),
        TypeSpecKind::Long => "long".into(),
        TypeSpecKind::Float => "float".into(),
        TypeSpecKind::Double => "double".into(),
        TypeSpecKind::Signed => "signed".into(),
        TypeSpecKind::Unsigned => "unsigned".into(),
        TypeSpecKind::Bool => "_Bool".into(),
        TypeSpecKind::Complex => "_Complex".into(),
        TypeSpecKind::Int128 => "__int128".into(),
        TypeSpecKind::BuiltinVaList => "__builtin_va_list".into(),
        TypeSpecKind::TypedefName(n) => n.name.to_string(),
        TypeSpecKind::TypeofExpr(e) => format!("typeof({})", expr(e)),
        TypeSpecKind::TypeofType(t) => format!("typeof({})", type_name(t)),
        TypeSpecKind::AutoType => "__auto_type".into(),
        TypeSpecKind::Record(r) => {
            let mut s = match r.kind {
                RecordKind::Struct => "struct".to_string(),
                RecordKind::Union => "union".to_string(),
            };
            if !r.attrs.is_empty() {
                let _ = write!(s, " {}", attributes(&r.attrs));
            }
            if let Some(n) = &r.name {
                let _ = write!(s, " {}", n.name);
            }
            if let Some(members) = &r.members {
                s.push_str(" { ");
                for m in members {
                    s.push_str(&member(m));
                    s.push(' ');
                }
                s.push('}');
            }
            s
        }
        TypeSpecKind::Enum(e) => {
            let mut s = "enum".to_string();
            if !e.attrs.is_empty() {
                let _ = write!(s, " {}", attributes(&e.attrs));
            }
            if let Some(n) = &e.name {
                let _ = write!(s, " {}", n.name);
            }
            if let Some(b) = &e.base {
                let _ = write!(s, " : {}", specs(b));
            }
            if let Some(list) = &e.enumerators {
                s.push_str(" { ");
                for en in list {
                    s.push_str(&en.name.name);
                    if !en.attrs.is_empty() {
                        let _ = write!(s, " {}", attributes(&en.attrs));
                    }
                    if let Some(v) = &en.value {
                        let _ = write!(s, " = {}", expr(v));
                    }
                    s.push_str(", ");
                }
                s.push('}');
            }
            s
        }
    }
}

fn member(m: &MemberDecl) -> String {
    match m {
        MemberDecl::StaticAssert(s) => static_assert(s),
        MemberDecl::Field {
            specs: sp,
            declarators,
            ..
        } => {
            let mut s = specs(sp);
            for (i, md) in declarators.iter().enumerate() {
                s.push_str(if i == 0 { " " } else { ", " });
                if let Some(d) = &md.declarator {
                    s.push_str(&declarator(d));
                }
                if let Some(w) = &md.bit_width {
                    let _ = write!(s, " : {}", expr(w));
                }
                if !md.attrs.is_empty() {
                    let _ = write!(s, " {}", attributes(&md.attrs));
                }
            }
            s.push(';');
            s
        }
    }
}

/// Rebuilds C declarator syntax: constructors nearest the name first; a pointer that
/// an array or function suffix applies to gets parentheses.
fn declarator(d: &Declarator) -> String {
    let mut s = d
        .name
        .as_ref()
        .map_or(String::new(), |n| n.name.to_string());
    let mut last_was_pointer = false;
    for ctor in d.derived.iter().rev() {
        match ctor {
            DerivedDecl::Pointer { quals, attrs, .. } => {
                let mut p = "*".to_string();
                if !attrs.is_empty() {
                    let _ = write!(p, " {}", attributes(attrs));
                }
                for q in quals {
                    let _ = write!(p, " {}", qualifier(*q));
                }
                if !s.is_empty() {
                    p.push(' ');
                }
                s = p + &s;
                last_was_pointer = true;
            }
            DerivedDecl::Array {
                quals,
                is_static,
                size,
                ..
            } => {
                if last_was_pointer {
                    s = format!("({s})");
                }
                s.push('[');
                if *is_static {
                    s.push_str("static ");
                }
                for q in quals {
                    let _ = write!(s, "{} ", qualifier(*q));
                }
                if let Some(e) = size {
                    s.push_str(&expr(e));
                }
                s.push(']');
                last_was_pointer = false;
            }
            DerivedDecl::Function(f) => {
                if last_was_pointer {
                    s = format!("({s})");
                }
                let mut params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| {
                        let d = declarator(&p.declarator);
                        if d.is_empty() {
                            specs(&p.specs)
                        } else {
                            format!("{} {d}", specs(&p.specs))
                        }
                    })
                    .collect();
                if f.variadic {
                    params.push("...".to_string());
                }
                let _ = write!(s, "({})", params.join(", "));
                last_was_pointer = false;
            }
        }
    }
    if let Some(l) = &d.asm_label {
        let _ = write!(s, " asm({})", string(l));
    }
    if !d.attrs.is_empty() {
        let _ = write!(s, " {}", attributes(&d.attrs));
    }
    s
}

fn type_name(t: &TypeName) -> String {
    let d = declarator(&t.declarator);
    if d.is_empty() {
        specs(&t.specs)
    } else {
        format!("{} {d}", specs(&t.specs))
    }
}

fn attributes(attrs: &[Attribute]) -> String {
    if attrs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = attrs
        .iter()
        .map(|a| {
            if a.args.is_empty() {
                a.name.name.to_string()
            } else {
                let args: Vec<String> = a
                    .args
                    .iter()
                    .map(|arg| match arg {
                        AttrArg::Ident(i) => i.name.to_string(),
                        AttrArg::Str(s) => string(s),
                        AttrArg::Expr(e) => expr(e),
                    })
                    .collect();
                format!("{}({})", a.name.name, args.join(", "))
            }
        })
        .collect();
    format!("__attribute__(({}))", parts.join(", "))
}

fn initializer(i: &Initializer) -> String {
    match i {
        Initializer::Expr(e) => expr(e),
        Initializer::List { items, .. } => init_list(items),
    }
}

fn init_list(items: &[InitItem]) -> String {
    let mut s = "{ ".to_string();
    for item in items {
        for d in &item.designators {
            match d {
                Designator::Field(f) => {
                    let _ = write!(s, ".{}", f.name);
                }
                Designator::Index(e, _) => {
                    let _ = write!(s, "[{}]", expr(e));
                }
                Designator::Range(a, b, _) => {
                    let _ = write!(s, "[{} ... {}]", expr(a), expr(b));
                }
            }
        }
        if !item.designators.is_empty() {
            s.push_str(" = ");
        }
        s.push_str(&initializer(&item.init));
        s.push_str(", ");
    }
    s.push('}');
    s
}

fn prefix(p: CharPrefix) -> &'static str {
    match p {
        CharPrefix::None => "",
        CharPrefix::Utf8 => "u8",
        CharPrefix::Utf16 => "u",
        CharPrefix::Utf32 => "U",
        CharPrefix::Wide => "L",
    }
}

/// Escapes one code unit: printable ASCII as itself, narrow units as 3-digit octal
/// (never greedy), wide units as `\x` (always followed by another escape or the quote).
fn escape_unit(out: &mut String, u: u32, narrow: bool, quote: char) {
    match char::from_u32(u) {
        Some(c) if c == quote || c == '\\' => {
            out.push('\\');
            out.push(c);
        }
        Some(c) if narrow && (' '..='~').contains(&c) => out.push(c),
        _ if narrow => {
            let _ = write!(out, "\\{:03o}", u & 0xff);
        }
        _ => {
            let _ = write!(out, "\\x{u:x}");
        }
    }
}

fn string(s: &StringLit) -> String {
    let narrow = matches!(s.prefix, CharPrefix::None | CharPrefix::Utf8);
    let mut out = format!("{}\"", prefix(s.prefix));
    for &u in &s.units {
        escape_unit(&mut out, u, narrow, '"');
    }
    out.push('"');
    out
}

fn char_lit(c: &CharLit) -> String {
    let mut out = format!("{}'", prefix(c.prefix));
    match c.prefix {
        CharPrefix::None | CharPrefix::Utf8 => {
            // One byte when it fits a (signed) char, else the big-endian bytes of the
            // int, as multi-character constants are packed.
            if (-128..=255).contains(&c.value) {
                escape_unit(&mut out, (c.value & 0xff) as u32, true, '\'');
            } else {
                let v = c.value as u32;
                let bytes = v.to_be_bytes();
                let first = bytes.iter().position(|&b| b != 0).unwrap_or(3);
                for &b in bytes.iter().skip(first) {
                    let _ = write!(out, "\\{b:03o}");
                }
            }
        }
        _ => {
            let _ = write!(out, "\\x{:x}", c.value as u32);
        }
    }
    out.push('\'');
    out
}

fn asm(a: &AsmStmt) -> String {
    let mut s = "asm".to_string();
    for (on, q) in [
        (a.is_volatile, " volatile"),
        (a.is_inline, " inline"),
        (a.is_goto, " goto"),
    ] {
        if on {
            s.push_str(q);
        }
    }
    let ops = |ops: &[AsmOperand]| {
        ops.iter()
            .map(|o| {
                let name = o
                    .symbolic_name
                    .as_ref()
                    .map_or(String::new(), |n| format!("[{}] ", n.name));
                format!("{name}{} ({})", string(&o.constraint), expr(&o.expr))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clobbers: Vec<String> = a.clobbers.iter().map(string).collect();
    let labels: Vec<&str> = a.labels.iter().map(|l| &*l.name).collect();
    let _ = write!(s, "({}", string(&a.template));
    let plain = !a.is_goto && a.outputs.is_empty() && a.inputs.is_empty() && a.clobbers.is_empty();
    // File-scope asm takes only the template: print colons only when needed.
    if !plain {
        let _ = write!(
            s,
            " : {} : {} : {}",
            ops(&a.outputs),
            ops(&a.inputs),
            clobbers.join(", ")
        );
    }
    if a.is_goto || !labels.is_empty() {
        let _ = write!(s, " : {}", labels.join(", "));
    }
    s.push(')');
    s
}

/// An expression, fully parenthesized unless it is a primary expression.
fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(i) => i.name.to_string(),
        ExprKind::IntLit(l) => {
            let suffix = match l.ty {
                IntLitType::Int => "",
                IntLitType::UInt => "u",
                IntLitType::Long => "l",
                IntLitType::ULong => "ul",
                IntLitType::LongLong => "ll",
                IntLitType::ULongLong => "ull",
            };
            format!("{}{suffix}", l.value)
        }
        ExprKind::FloatLit(t) => t.to_string(),
        ExprKind::CharLit(c) => char_lit(c),
        ExprKind::StrLit(s) => string(s),
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::PostInc | UnaryOp::PostDec => format!("({}{})", expr(operand), op.as_str()),
            // A cast operand stays unparenthesized (`*(T *)p`): clang's CO-RE builtins
            // require exactly that shape, and C's grammar reads it the same way.
            _ if matches!(operand.kind, ExprKind::Cast { .. }) => {
                format!("({}{})", op.as_str(), bare(operand))
            }
            _ => format!("({}{})", op.as_str(), expr(operand)),
        },
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", expr(lhs), op.as_str(), expr(rhs))
        }
        ExprKind::Assign { op, lhs, rhs } => {
            let op = op.map_or(String::new(), |o| o.as_str().to_string());
            format!("({} {op}= {})", expr(lhs), expr(rhs))
        }
        ExprKind::Cond { cond, then, els } => match then {
            Some(t) => format!("({} ? {} : {})", expr(cond), expr(t), expr(els)),
            None => format!("({} ?: {})", expr(cond), expr(els)),
        },
        ExprKind::Cast { ty, expr: inner } => format!("(({}){})", type_name(ty), expr(inner)),
        ExprKind::SizeofExpr(inner) => format!("(sizeof {})", paren(inner)),
        ExprKind::SizeofType(t) => format!("(sizeof({}))", type_name(t)),
        ExprKind::AlignofExpr(inner) => format!("(_Alignof {})", paren(inner)),
        ExprKind::AlignofType(t) => format!("(_Alignof({}))", type_name(t)),
        ExprKind::CompoundLit { ty, init } => format!("(({}){})", type_name(ty), init_list(init)),
        ExprKind::Member { base, field, arrow } => {
            format!(
                "({}{}{})",
                expr(base),
                if *arrow { "->" } else { "." },
                field.name
            )
        }
        ExprKind::Index { base, index } => format!("({}[{}])", expr(base), expr(index)),
        ExprKind::Call { callee, args } => {
            let args: Vec<String> = args.iter().map(bare).collect();
            format!("({}({}))", expr(callee), args.join(", "))
        }
        ExprKind::StmtExpr(b) => {
            let mut p = CPrinter { out: String::new() };
            p.block(0, b);
            format!("({})", p.out.trim_end())
        }
        ExprKind::Offsetof { ty, path } => {
            let mut s = format!("__builtin_offsetof({}, ", type_name(ty));
            for (n, part) in path.iter().enumerate() {
                match part {
                    OffsetofPart::Field(f) if n == 0 => s.push_str(&f.name),
                    OffsetofPart::Field(f) => {
                        let _ = write!(s, ".{}", f.name);
                    }
                    OffsetofPart::Index(e) => {
                        let _ = write!(s, "[{}]", expr(e));
                    }
                }
            }
            s.push(')');
            s
        }
        ExprKind::TypesCompatible(a, b) => format!(
            "__builtin_types_compatible_p({}, {})",
            type_name(a),
            type_name(b)
        ),
        ExprKind::ChooseExpr { cond, then, els } => format!(
            "__builtin_choose_expr({}, {}, {})",
            expr(cond),
            expr(then),
            expr(els)
        ),
        ExprKind::VaArg { ap, ty } => format!("__builtin_va_arg({}, {})", expr(ap), type_name(ty)),
        ExprKind::Generic { control, assocs } => {
            let mut s = format!("_Generic({}", expr(control));
            for a in assocs {
                match &a.ty {
                    Some(t) => {
                        let _ = write!(s, ", {}: {}", type_name(t), expr(&a.expr));
                    }
                    None => {
                        let _ = write!(s, ", default: {}", expr(&a.expr));
                    }
                }
            }
            s.push(')');
            s
        }
    }
}

/// A call argument without the outermost parentheses `expr` adds (a comma expression
/// keeps them): clang's CO-RE builtins check their argument's syntax, e.g.
/// `__builtin_preserve_enum_value(*(typeof(enum e) *)V, ...)` rejects `(*...)`.
fn bare(e: &Expr) -> String {
    let s = expr(e);
    let wrapped = match &e.kind {
        ExprKind::Binary { op, .. } => *op != BinaryOp::Comma,
        ExprKind::Unary { .. }
        | ExprKind::Assign { .. }
        | ExprKind::Cond { .. }
        | ExprKind::Cast { .. }
        | ExprKind::SizeofExpr(_)
        | ExprKind::SizeofType(_)
        | ExprKind::AlignofExpr(_)
        | ExprKind::AlignofType(_)
        | ExprKind::CompoundLit { .. }
        | ExprKind::Member { .. }
        | ExprKind::Index { .. }
        | ExprKind::Call { .. } => true,
        _ => false,
    };
    match s.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if wrapped => inner.to_string(),
        _ => s,
    }
}

/// An operand of `sizeof`/`_Alignof`: always parenthesized, so that it cannot read as
/// a type name or bind to what follows.
fn paren(e: &Expr) -> String {
    format!("({})", expr(e))
}
