//! The AST's text form: an indented S-expression, one declaration or statement per
//! line, expressions inline. Used by snapshot tests and `ebpfc compile --emit=ast`.
//!
//! Invariants: deterministic (a pure function of the tree); spans are not printed, so
//! snapshots do not change when unrelated whitespace does.
//! Declarators print their type constructors in *reading order* (from the name
//! outward, as one reads C: `int *a[3]` is `(a (array 3) (ptr))`, "a is an array of 3
//! pointers"), the reverse of [`Declarator::derived`]'s application order.

use crate::ast::*;
use std::fmt::Write;

/// Prints a translation unit.
pub fn print_ast(tu: &TranslationUnit) -> String {
    let mut p = Printer { out: String::new() };
    p.line(0, "(translation-unit");
    for item in &tu.items {
        p.external(1, item);
    }
    p.out.push_str(")\n");
    p.out
}

/// Prints one expression inline (for tests and diagnostics).
pub fn print_expr(e: &Expr) -> String {
    expr(e)
}

struct Printer {
    out: String,
}

impl Printer {
    fn line(&mut self, depth: usize, text: &str) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
    }

    fn external(&mut self, d: usize, item: &ExternalDecl) {
        match item {
            ExternalDecl::Function(f) => {
                self.line(
                    d,
                    &format!(
                        "(function {} {}",
                        specs(&f.specs),
                        declarator(&f.declarator)
                    ),
                );
                self.block(d + 1, &f.body);
                self.out.push(')');
            }
            ExternalDecl::Decl(decl) => self.line(d, &declaration(decl)),
            ExternalDecl::StaticAssert(s) => self.line(d, &static_assert(s)),
            ExternalDecl::Asm(a) => self.line(d, &asm(a)),
            ExternalDecl::Empty(_) => self.line(d, "(empty)"),
        }
    }

    fn block(&mut self, d: usize, b: &Block) {
        self.line(d, "(block");
        for s in &b.items {
            self.stmt(d + 1, s);
        }
        self.out.push(')');
    }

    fn stmt(&mut self, d: usize, s: &Stmt) {
        match &s.kind {
            StmtKind::Compound(b) => self.block(d, b),
            StmtKind::Decl(decl) => self.line(d, &declaration(decl)),
            StmtKind::StaticAssert(sa) => self.line(d, &static_assert(sa)),
            StmtKind::Expr(e) => self.line(d, &format!("(expr {})", expr(e))),
            StmtKind::Null(attrs) if attrs.is_empty() => self.line(d, "(null)"),
            StmtKind::Null(attrs) => self.line(d, &format!("(null {})", attributes(attrs))),
            StmtKind::If { cond, then, els } => {
                self.line(d, &format!("(if {}", expr(cond)));
                self.stmt(d + 1, then);
                if let Some(e) = els {
                    self.line(d, " else");
                    self.stmt(d + 1, e);
                }
                self.out.push(')');
            }
            StmtKind::While { cond, body } => {
                self.line(d, &format!("(while {}", expr(cond)));
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::DoWhile { body, cond } => {
                self.line(d, "(do");
                self.stmt(d + 1, body);
                self.line(d, &format!(" while {})", expr(cond)));
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                let init = match init {
                    ForInit::None => "_".to_string(),
                    ForInit::Expr(e) => expr(e),
                    ForInit::Decl(decl) => declaration(decl),
                };
                let opt = |e: &Option<Box<Expr>>| e.as_ref().map_or("_".to_string(), |e| expr(e));
                self.line(d, &format!("(for {init} {} {}", opt(cond), opt(step)));
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::Break => self.line(d, "(break)"),
            StmtKind::Continue => self.line(d, "(continue)"),
            StmtKind::Return(None) => self.line(d, "(return)"),
            StmtKind::Return(Some(e)) => self.line(d, &format!("(return {})", expr(e))),
            StmtKind::Switch { cond, body } => {
                self.line(d, &format!("(switch {}", expr(cond)));
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::Case { lo, hi, body } => {
                match hi {
                    Some(hi) => self.line(d, &format!("(case {} ... {}", expr(lo), expr(hi))),
                    None => self.line(d, &format!("(case {}", expr(lo))),
                }
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::Default(body) => {
                self.line(d, "(default");
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::Goto(l) => self.line(d, &format!("(goto {})", l.name)),
            StmtKind::Label { label, body } => {
                self.line(d, &format!("(label {}", label.name));
                self.stmt(d + 1, body);
                self.out.push(')');
            }
            StmtKind::Asm(a) => self.line(d, &asm(a)),
        }
    }
}

fn declaration(d: &Declaration) -> String {
    let mut s = format!("(decl {}", specs(&d.specs));
    for id in &d.declarators {
        s.push(' ');
        match &id.init {
            None => s.push_str(&declarator(&id.declarator)),
            Some(init) => {
                let _ = write!(
                    s,
                    "(= {} {})",
                    declarator(&id.declarator),
                    initializer(init)
                );
            }
        }
    }
    s.push(')');
    s
}

fn static_assert(s: &StaticAssert) -> String {
    match &s.message {
        Some(m) => format!("(static-assert {} {})", expr(&s.cond), string(m)),
        None => format!("(static-assert {})", expr(&s.cond)),
    }
}

fn specs(s: &DeclSpecs) -> String {
    let parts: Vec<String> = s.items.iter().map(spec).collect();
    format!("({})", parts.join(" "))
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
            AlignArg::Expr(e) => format!("(_Alignas {})", expr(e)),
            AlignArg::Type(t) => format!("(_Alignas {})", type_name(t)),
        },
        DeclSpec::Attr(a) => attribute(a),
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
        TypeSpecKind::TypedefName(n) => format!("(typedef-name {})", n.name),
        TypeSpecKind::TypeofExpr(e) => format!("(typeof {})", expr(e)),
        TypeSpecKind::TypeofType(t) => format!("(typeof {})", type_name(t)),
        TypeSpecKind::AutoType => "__auto_type".into(),
        TypeSpecKind::Record(r) => {
            let kw = match r.kind {
                RecordKind::Struct => "struct",
                RecordKind::Union => "union",
            };
            let mut s = format!("({kw}");
            if let Some(n) = &r.name {
                let _ = write!(s, " {}", n.name);
            }
            if !r.attrs.is_empty() {
                let _ = write!(s, " {}", attributes(&r.attrs));
            }
            if let Some(members) = &r.members {
                s.push_str(" (members");
                for m in members {
                    s.push(' ');
                    s.push_str(&member(m));
                }
                s.push(')');
            }
            s.push(')');
            s
        }
        TypeSpecKind::Enum(e) => {
            let mut s = "(enum".to_string();
            if let Some(n) = &e.name {
                let _ = write!(s, " {}", n.name);
            }
            if !e.attrs.is_empty() {
                let _ = write!(s, " {}", attributes(&e.attrs));
            }
            if let Some(b) = &e.base {
                let _ = write!(s, " (base {})", specs(b));
            }
            if let Some(list) = &e.enumerators {
                s.push_str(" (enumerators");
                for en in list {
                    match &en.value {
                        Some(v) => {
                            let _ = write!(s, " (= {} {})", en.name.name, expr(v));
                        }
                        None => {
                            let _ = write!(s, " {}", en.name.name);
                        }
                    }
                    if !en.attrs.is_empty() {
                        let _ = write!(s, " {}", attributes(&en.attrs));
                    }
                }
                s.push(')');
            }
            s.push(')');
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
            let mut s = format!("(field {}", specs(sp));
            for md in declarators {
                s.push(' ');
                let d = md
                    .declarator
                    .as_ref()
                    .map_or("(unnamed)".to_string(), declarator);
                match &md.bit_width {
                    Some(w) => {
                        let _ = write!(s, "(bits {d} {})", expr(w));
                    }
                    None => s.push_str(&d),
                }
                if !md.attrs.is_empty() {
                    let _ = write!(s, " {}", attributes(&md.attrs));
                }
            }
            s.push(')');
            s
        }
    }
}

/// `(name ctor...)` in reading order; `_` for abstract declarators.
fn declarator(d: &Declarator) -> String {
    let mut s = format!("({}", d.name.as_ref().map_or("_", |n| &*n.name));
    for ctor in d.derived.iter().rev() {
        s.push(' ');
        match ctor {
            DerivedDecl::Pointer { quals, attrs, .. } => {
                s.push_str("(ptr");
                for q in quals {
                    let _ = write!(s, " {}", qualifier(*q));
                }
                if !attrs.is_empty() {
                    let _ = write!(s, " {}", attributes(attrs));
                }
                s.push(')');
            }
            DerivedDecl::Array {
                quals,
                is_static,
                size,
                ..
            } => {
                s.push_str("(array");
                if *is_static {
                    s.push_str(" static");
                }
                for q in quals {
                    let _ = write!(s, " {}", qualifier(*q));
                }
                if let Some(e) = size {
                    let _ = write!(s, " {}", expr(e));
                }
                s.push(')');
            }
            DerivedDecl::Function(f) => {
                s.push_str(if f.has_prototype {
                    "(fn"
                } else {
                    "(fn-noproto"
                });
                for p in &f.params {
                    let _ = write!(
                        s,
                        " (param {} {})",
                        specs(&p.specs),
                        declarator(&p.declarator)
                    );
                }
                if f.variadic {
                    s.push_str(" ...");
                }
                s.push(')');
            }
        }
    }
    if let Some(l) = &d.asm_label {
        let _ = write!(s, " (asm {})", string(l));
    }
    if !d.attrs.is_empty() {
        let _ = write!(s, " {}", attributes(&d.attrs));
    }
    s.push(')');
    s
}

fn type_name(t: &TypeName) -> String {
    format!("(type {} {})", specs(&t.specs), declarator(&t.declarator))
}

fn attributes(attrs: &[Attribute]) -> String {
    let parts: Vec<String> = attrs.iter().map(attribute).collect();
    parts.join(" ")
}

fn attribute(a: &Attribute) -> String {
    let mut s = format!("(attr {}", a.name.name);
    for arg in &a.args {
        s.push(' ');
        match arg {
            AttrArg::Ident(i) => s.push_str(&i.name),
            AttrArg::Str(st) => s.push_str(&string(st)),
            AttrArg::Expr(e) => s.push_str(&expr(e)),
        }
    }
    s.push(')');
    s
}

fn initializer(i: &Initializer) -> String {
    match i {
        Initializer::Expr(e) => expr(e),
        Initializer::List { items, .. } => init_list(items),
    }
}

fn init_list(items: &[InitItem]) -> String {
    let mut s = "{".to_string();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            s.push_str(", ");
        }
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
    }
    s.push('}');
    s
}

fn string(s: &StringLit) -> String {
    let prefix = match s.prefix {
        CharPrefix::None => "",
        CharPrefix::Utf8 => "u8",
        CharPrefix::Utf16 => "u",
        CharPrefix::Utf32 => "U",
        CharPrefix::Wide => "L",
    };
    let mut out = format!("{prefix}\"");
    for &u in &s.units {
        match u {
            0x22 => out.push_str("\\\""),
            0x5c => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(u as u8)),
            0x0a => out.push_str("\\n"),
            0x09 => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\x{{{u:x}}}");
            }
        }
    }
    out.push('"');
    out
}

fn asm(a: &AsmStmt) -> String {
    let mut s = "(asm".to_string();
    for (on, name) in [
        (a.is_volatile, " volatile"),
        (a.is_inline, " inline"),
        (a.is_goto, " goto"),
    ] {
        if on {
            s.push_str(name);
        }
    }
    let _ = write!(s, " {}", string(&a.template));
    let ops = |ops: &[AsmOperand]| {
        ops.iter()
            .map(|o| {
                let name = o
                    .symbolic_name
                    .as_ref()
                    .map_or(String::new(), |n| format!("[{}]", n.name));
                format!("{name}{}({})", string(&o.constraint), expr(&o.expr))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(s, " (out {}) (in {})", ops(&a.outputs), ops(&a.inputs));
    let clobbers: Vec<String> = a.clobbers.iter().map(string).collect();
    let _ = write!(s, " (clobber {})", clobbers.join(" "));
    if !a.labels.is_empty() {
        let labels: Vec<&str> = a.labels.iter().map(|l| &*l.name).collect();
        let _ = write!(s, " (labels {})", labels.join(" "));
    }
    s.push(')');
    s
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(i) => i.name.to_string(),
        ExprKind::IntLit(l) => {
            let ty = match l.ty {
                IntLitType::Int => "",
                IntLitType::UInt => ":uint",
                IntLitType::Long => ":long",
                IntLitType::ULong => ":ulong",
                IntLitType::LongLong => ":llong",
                IntLitType::ULongLong => ":ullong",
            };
            format!("{}{ty}", l.value)
        }
        ExprKind::FloatLit(t) => format!("(float {t})"),
        ExprKind::CharLit(c) => format!("(char {})", c.value),
        ExprKind::StrLit(s) => string(s),
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::PostInc | UnaryOp::PostDec => {
                format!("(post{} {})", op.as_str(), expr(operand))
            }
            _ => format!("({} {})", op.as_str(), expr(operand)),
        },
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", op.as_str(), expr(lhs), expr(rhs))
        }
        ExprKind::Assign { op, lhs, rhs } => {
            let op = op.map_or(String::new(), |o| o.as_str().to_string());
            format!("({op}= {} {})", expr(lhs), expr(rhs))
        }
        ExprKind::Cond { cond, then, els } => match then {
            Some(t) => format!("(? {} {} {})", expr(cond), expr(t), expr(els)),
            None => format!("(?: {} {})", expr(cond), expr(els)),
        },
        ExprKind::Cast { ty, expr: inner } => format!("(cast {} {})", type_name(ty), expr(inner)),
        ExprKind::SizeofExpr(inner) => format!("(sizeof {})", expr(inner)),
        ExprKind::SizeofType(t) => format!("(sizeof {})", type_name(t)),
        ExprKind::AlignofExpr(inner) => format!("(alignof {})", expr(inner)),
        ExprKind::AlignofType(t) => format!("(alignof {})", type_name(t)),
        ExprKind::CompoundLit { ty, init } => {
            format!("(compound-literal {} {})", type_name(ty), init_list(init))
        }
        ExprKind::Member { base, field, arrow } => {
            format!(
                "({} {} {})",
                if *arrow { "->" } else { "." },
                expr(base),
                field.name
            )
        }
        ExprKind::Index { base, index } => format!("(index {} {})", expr(base), expr(index)),
        ExprKind::Call { callee, args } => {
            let mut s = format!("(call {}", expr(callee));
            for a in args {
                let _ = write!(s, " {}", expr(a));
            }
            s.push(')');
            s
        }
        ExprKind::StmtExpr(b) => {
            let mut p = Printer { out: String::new() };
            p.block(0, b);
            format!(
                "(stmt-expr {})",
                p.out
                    .replace('\n', " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        ExprKind::Offsetof { ty, path } => {
            let mut s = format!("(offsetof {} ", type_name(ty));
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
        ExprKind::TypesCompatible(a, b) => {
            format!("(types-compatible {} {})", type_name(a), type_name(b))
        }
        ExprKind::ChooseExpr { cond, then, els } => {
            format!("(choose-expr {} {} {})", expr(cond), expr(then), expr(els))
        }
        ExprKind::VaArg { ap, ty } => format!("(va-arg {} {})", expr(ap), type_name(ty)),
        ExprKind::Generic { control, assocs } => {
            let mut s = format!("(_Generic {}", expr(control));
            for a in assocs {
                match &a.ty {
                    Some(t) => {
                        let _ = write!(s, " ({} {})", type_name(t), expr(&a.expr));
                    }
                    None => {
                        let _ = write!(s, " (default {})", expr(&a.expr));
                    }
                }
            }
            s.push(')');
            s
        }
    }
}
