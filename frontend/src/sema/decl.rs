//! Declarations (C17 6.7, 6.9): specifiers to types, declarators, struct/union/enum
//! definitions, attributes, typedefs, globals (tentative definitions, `extern`,
//! redeclarations), functions and their definitions, and block-scope declarations.
//!
//! Invariants: a name declared twice at file scope must have compatible types (the
//! composite type is kept); a function has at most one body; BPF limits on function
//! definitions (≤ 5 parameters, no aggregates by value, no variadic definitions) are
//! reported at the declarator. libbpf's helper declarations
//! (`static T (* const name)(...) = (void *) N;`) become `GlobalKind::Helper(N)`.

use std::sync::Arc;

use super::tast::{
    Func, FuncAttrs, FuncId, Global, GlobalId, GlobalKind, Init, Linkage, Stmt, StmtKind, TopDef,
};
use super::{Checker, FnState, OrdName, TagName};
use crate::ast;
use crate::types::{
    FieldDecl, FloatKind, FuncType, IntKind, LayoutError, QualType, Quals, RecordAttrs, Type,
};
use diag::{Diagnostic, Span, codes};

/// Attributes that matter on a declaration.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeclAttrs {
    pub section: Option<String>,
    pub always_inline: bool,
    pub noinline: bool,
    pub used: bool,
    pub weak: bool,
    pub packed: bool,
    pub aligned: Option<u64>,
}

/// A parameter as declared: name and adjusted type.
pub(crate) type ParamList = Vec<(Option<ast::Ident>, QualType, Span)>;

impl Checker {
    pub(crate) fn external_decl(&mut self, item: &ast::ExternalDecl) {
        match item {
            ast::ExternalDecl::Function(fd) => self.function_def(fd),
            ast::ExternalDecl::Decl(d) => {
                self.declaration(d, false);
            }
            ast::ExternalDecl::StaticAssert(sa) => self.static_assert(sa),
            ast::ExternalDecl::Asm(a) => self.err(
                codes::E_UNSUPPORTED,
                a.span,
                "file-scope inline assembly is not supported for BPF",
            ),
            ast::ExternalDecl::Empty(_) => {}
        }
    }

    pub(crate) fn static_assert(&mut self, sa: &ast::StaticAssert) {
        if let Some(v) = self.const_int(&sa.cond)
            && v == 0
        {
            {
                let msg = match &sa.message {
                    Some(m) => format!("static assertion failed: {}", m.to_string_lossy()),
                    None => "static assertion failed".to_string(),
                };
                self.err(codes::E_STATIC_ASSERT, sa.cond.span, msg);
            }
        }
    }

    /// Evaluates an integer constant expression, reporting when it is not one.
    pub(crate) fn const_int(&mut self, e: &ast::Expr) -> Option<i128> {
        let errs = self.diags.items.len();
        let te = self.rv_expr(e);
        if self.diags.items.len() > errs {
            return None;
        }
        if !self.prog.types.is_integer(te.ty) {
            self.err(
                codes::E_NOT_CONSTANT,
                e.span,
                format!(
                    "integer constant expression must have integer type, not '{}'",
                    self.prog.types.display(te.ty)
                ),
            );
            return None;
        }
        match super::consteval::eval_int(&self.prog.types, &te) {
            Some(v) => Some(v),
            None => {
                self.err(
                    codes::E_NOT_CONSTANT,
                    e.span,
                    "expression is not an integer constant expression",
                );
                None
            }
        }
    }

    /// Collects the attributes that matter from one or more lists.
    pub(crate) fn collect_attrs<'a>(
        &mut self,
        attrs: impl Iterator<Item = &'a ast::Attribute>,
    ) -> DeclAttrs {
        let mut out = DeclAttrs::default();
        for a in attrs {
            match a.normalized_name() {
                "section" => match a.args.first() {
                    Some(ast::AttrArg::Str(s)) => out.section = Some(s.to_string_lossy()),
                    _ => self.err(
                        codes::E_BAD_TYPE,
                        a.span,
                        "'section' attribute requires a string",
                    ),
                },
                "always_inline" => out.always_inline = true,
                "noinline" => out.noinline = true,
                "used" => out.used = true,
                "weak" => out.weak = true,
                "packed" => out.packed = true,
                "aligned" => {
                    let v = match a.args.first() {
                        Some(ast::AttrArg::Expr(e)) => self.const_int(e),
                        // A bare `aligned` means the target's largest alignment: 8 on BPF.
                        None => Some(8),
                        Some(_) => None,
                    };
                    match v {
                        Some(n) if n > 1 << 16 => self.err(
                            codes::E_BAD_TYPE,
                            a.span,
                            "requested alignment is too large (at most 65536)",
                        ),
                        Some(n) if n > 0 && (n & (n - 1)) == 0 => {
                            let n = n as u64;
                            out.aligned = Some(out.aligned.map_or(n, |m: u64| m.max(n)));
                        }
                        Some(_) => self.err(
                            codes::E_BAD_TYPE,
                            a.span,
                            "requested alignment is not a power of 2",
                        ),
                        None => {}
                    }
                }
                // Harmless attributes (unused, format, deprecated, btf tags,
                // preserve_access_index, ...) are accepted and ignored.
                _ => {}
            }
        }
        out
    }

    /// The type named by declaration specifiers (C17 6.7.2), with qualifiers.
    pub(crate) fn base_type(&mut self, specs: &ast::DeclSpecs) -> QualType {
        use ast::TypeSpecKind as K;
        let (
            mut void,
            mut char_,
            mut short,
            mut int,
            mut long,
            mut signed,
            mut unsigned,
            mut bool_,
        ) = (0, 0, 0, 0, 0, 0, 0, 0);
        let mut int128 = 0;
        let (mut float_, mut double_, mut complex) = (0, 0, 0);
        let mut other: Option<QualType> = None;
        let mut bad = false;
        for ts in specs.type_specs() {
            match &ts.kind {
                K::Void => void += 1,
                K::Char => char_ += 1,
                K::Short => short += 1,
                K::Int => int += 1,
                K::Long => long += 1,
                K::Signed => signed += 1,
                K::Unsigned => unsigned += 1,
                K::Bool => bool_ += 1,
                // Declared and copied as bit patterns (`types/floats.rs`).
                K::Float => float_ += 1,
                K::Double => double_ += 1,
                K::Complex => complex += 1,
                // Laid out like clang (vmlinux.h declares `__u128`); computing with
                // such values is rejected where they are used.
                K::Int128 => int128 += 1,
                K::BuiltinVaList => {
                    let v = self.prog.types.void();
                    other = Some(self.prog.types.ptr(v));
                }
                K::Record(rs) => other = Some(self.record_spec(rs)),
                K::Enum(es) => other = Some(self.enum_spec(es)),
                K::TypedefName(id) => match self.lookup(&id.name) {
                    Some(OrdName::Typedef(t)) => other = Some(t),
                    _ => {
                        self.err(
                            codes::E_BAD_TYPE,
                            id.span,
                            format!("unknown type name '{}'", id.name),
                        );
                        bad = true;
                    }
                },
                K::TypeofExpr(e) => {
                    let te = self.expr(e);
                    other = Some(te.ty);
                }
                K::TypeofType(tn) => other = Some(self.type_name(tn)),
                // `declaration` handles the allowed form before calling this.
                K::AutoType => {
                    self.err(
                        codes::E_BAD_TYPE,
                        ts.span,
                        "'__auto_type' is only allowed in a variable declaration with an initializer",
                    );
                    bad = true;
                }
            }
        }
        let basics = void
            + char_
            + short
            + int
            + long
            + signed
            + unsigned
            + bool_
            + int128
            + float_
            + double_;
        let quals = quals_of(specs.qualifiers().map(|(q, _)| q));
        let tt = &mut self.prog.types;
        if bad {
            return tt.int(IntKind::Int).with_quals(quals);
        }
        if let Some(o) = other {
            if basics > 0 {
                self.err(
                    codes::E_BAD_TYPE,
                    specs.span,
                    "cannot combine with previous type specifier",
                );
            }
            return o.with_quals(quals);
        }
        let invalid = ((bool_ > 0 || void > 0) && basics > 1)
            || (signed > 0 && unsigned > 0)
            || char_ > 1
            || short > 1
            || int > 1
            || long > 2
            || (short > 0 && (long > 0 || char_ > 0))
            || (char_ > 0 && long > 0)
            || (int128 > 0 && (char_ + short + int + long + void + bool_ > 0 || int128 > 1))
            || (float_ > 0 && basics > 1)
            || (double_ > 0 && (basics > 2 || basics != double_ + long || long > 1))
            || complex > 1
            || (complex > 0 && float_ + double_ == 0);
        if invalid {
            self.err(
                codes::E_BAD_TYPE,
                specs.span,
                "invalid combination of type specifiers",
            );
        }
        let tt = &mut self.prog.types;
        let t = if basics == 0 {
            self.err(
                codes::E_BAD_TYPE,
                specs.span,
                "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int",
            );
            self.prog.types.int(IntKind::Int)
        } else if float_ + double_ > 0 {
            let k = if float_ > 0 {
                FloatKind::Float
            } else if long > 0 {
                FloatKind::LongDouble
            } else {
                FloatKind::Double
            };
            if complex > 0 {
                QualType::new(tt.intern(Type::Complex(k)))
            } else {
                tt.float(k)
            }
        } else if int128 > 0 {
            tt.int(if unsigned > 0 {
                IntKind::UInt128
            } else {
                IntKind::Int128
            })
        } else if void > 0 {
            tt.void()
        } else if bool_ > 0 {
            tt.bool_()
        } else if char_ > 0 {
            tt.int(if unsigned > 0 {
                IntKind::UChar
            } else if signed > 0 {
                IntKind::SChar
            } else {
                IntKind::Char
            })
        } else if short > 0 {
            tt.int(if unsigned > 0 {
                IntKind::UShort
            } else {
                IntKind::Short
            })
        } else if long == 1 {
            tt.int(if unsigned > 0 {
                IntKind::ULong
            } else {
                IntKind::Long
            })
        } else if long >= 2 {
            tt.int(if unsigned > 0 {
                IntKind::ULongLong
            } else {
                IntKind::LongLong
            })
        } else {
            tt.int(if unsigned > 0 {
                IntKind::UInt
            } else {
                IntKind::Int
            })
        };
        t.with_quals(quals)
    }

    /// The `_Alignas` of declaration specifiers, if any.
    pub(crate) fn alignas(&mut self, specs: &ast::DeclSpecs) -> Option<u64> {
        let mut out = None;
        for s in &specs.items {
            if let ast::DeclSpec::Align(a) = s {
                let v = match &a.arg {
                    ast::AlignArg::Expr(e) => self.const_int(e).map(|v| v as u64),
                    ast::AlignArg::Type(tn) => {
                        let t = self.type_name(tn);
                        self.prog.types.align_of(t)
                    }
                };
                if let Some(v) = v {
                    out = Some(out.map_or(v, |o: u64| o.max(v)));
                }
            }
        }
        out
    }

    pub(crate) fn type_name(&mut self, tn: &ast::TypeName) -> QualType {
        let base = self.base_type(&tn.specs);
        self.apply_declarator(base, &tn.declarator).0
    }

    /// Applies a declarator's type constructors to `base`. Returns the type and, when
    /// the declarator declares a function, its parameters.
    pub(crate) fn apply_declarator(
        &mut self,
        base: QualType,
        d: &ast::Declarator,
    ) -> (QualType, Option<ParamList>) {
        let mut ty = base;
        let mut params = None;
        let n = d.derived.len();
        for (i, dd) in d.derived.iter().enumerate() {
            // Later phases (layout, debug types, BTF) walk types recursively: refuse
            // types nested deeper than they can follow, before building more levels.
            if self.prog.types.depth(ty) > crate::types::MAX_TYPE_DEPTH {
                break;
            }
            match dd {
                ast::DerivedDecl::Pointer { quals, .. } => {
                    ty = self
                        .prog
                        .types
                        .ptr(ty)
                        .with_quals(quals_of(quals.iter().copied()));
                }
                ast::DerivedDecl::Array { size, span, .. } => {
                    if self.prog.types.is_func(ty) {
                        self.err(
                            codes::E_BAD_TYPE,
                            *span,
                            "array of functions is not allowed",
                        );
                    } else if !self.prog.types.is_complete(ty) {
                        self.err(
                            codes::E_INCOMPLETE_TYPE,
                            *span,
                            format!(
                                "array has incomplete element type '{}'",
                                self.prog.types.display(ty)
                            ),
                        );
                    }
                    let len = match size {
                        None => None,
                        Some(e) => {
                            let te = self.rv_expr(e);
                            match super::consteval::eval_int(&self.prog.types, &te) {
                                Some(v) if v < 0 => {
                                    self.err(codes::E_BAD_TYPE, e.span, "array has negative size");
                                    Some(1)
                                }
                                Some(v) => Some(v as u64),
                                None => {
                                    self.err_note(
                                        codes::E_BPF_VLA,
                                        e.span,
                                        "variable length arrays are not supported by BPF",
                                        "the BPF stack frame has a fixed size known at compile time",
                                    );
                                    Some(1)
                                }
                            }
                        }
                    };
                    // Objects larger than 4 GiB cannot exist on BPF (the stack is 512
                    // bytes, map values are far smaller); refusing them keeps layout
                    // arithmetic in range.
                    let elem_size = self.prog.types.size_of(ty).unwrap_or(1).max(1);
                    let len = match len {
                        Some(n) if n.checked_mul(elem_size).is_none_or(|b| b > 1 << 32) => {
                            self.err(codes::E_BAD_TYPE, *span, "array is too large");
                            Some(1)
                        }
                        other => other,
                    };
                    ty = self.prog.types.array(ty, len);
                }
                ast::DerivedDecl::Function(fd) => {
                    if self.prog.types.is_func(ty) || self.prog.types.is_array(ty) {
                        self.err(
                            codes::E_BAD_TYPE,
                            fd.span,
                            "function cannot return a function or an array",
                        );
                    }
                    let ps = self.param_list(fd);
                    let ft = FuncType {
                        ret: ty.unqual(),
                        params: ps.iter().map(|p| p.1).collect(),
                        variadic: fd.variadic,
                        has_proto: fd.has_prototype,
                    };
                    ty = self.prog.types.func(ft);
                    if i + 1 == n {
                        params = Some(ps);
                    }
                }
            }
        }
        if self.prog.types.depth(ty) > crate::types::MAX_TYPE_DEPTH {
            self.err(
                codes::E_TYPE_TOO_DEEP,
                d.span,
                format!(
                    "type nests deeper than {} levels of pointers, arrays, functions, typedefs or members",
                    crate::types::MAX_TYPE_DEPTH
                ),
            );
            return (self.prog.types.int(crate::types::IntKind::Int), None);
        }
        (ty, params)
    }

    /// The parameters of a function declarator, adjusted (C17 6.7.6.3p7-8).
    fn param_list(&mut self, fd: &ast::FunctionDecl) -> ParamList {
        self.push_scope();
        let mut out = Vec::new();
        for p in &fd.params {
            let base = self.base_type(&p.specs);
            let (t, _) = self.apply_declarator(base, &p.declarator);
            if fd.params.len() == 1
                && p.declarator.name.is_none()
                && self.prog.types.is_void(t)
                && t.quals.is_empty()
            {
                break;
            }
            let adj = if let Some(elem) = self.prog.types.array_elem(t) {
                self.prog.types.ptr(elem)
            } else if self.prog.types.is_func(t) {
                self.prog.types.ptr(t)
            } else {
                t
            };
            if self.prog.types.is_void(adj) {
                self.err(
                    codes::E_BAD_TYPE,
                    p.span,
                    "parameter has incomplete type 'void'",
                );
            }
            out.push((p.declarator.name.clone(), adj.unqual(), p.span));
        }
        self.pop_scope();
        out
    }

    fn record_spec(&mut self, rs: &ast::RecordSpec) -> QualType {
        let is_union = rs.kind == ast::RecordKind::Union;
        let kw = if is_union { "union" } else { "struct" };
        let Some(members) = &rs.members else {
            let Some(name) = &rs.name else {
                self.err(
                    codes::E_BAD_TYPE,
                    rs.span,
                    format!("declaration of anonymous {kw} must be a definition"),
                );
                return self.int_ty();
            };
            if let Some(TagName::Record(rid, u)) = self.lookup_tag(&name.name) {
                if u != is_union {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!(
                            "use of '{}' with tag type that does not match previous declaration",
                            name.name
                        ),
                    );
                }
                return QualType::new(self.prog.types.intern(Type::Record(rid)));
            }
            let (rid, qt) = self.prog.types.new_record(Some(&name.name), is_union);
            self.bind_tag(&name.name, TagName::Record(rid, is_union));
            return qt;
        };
        let (rid, qt) = match &rs.name {
            Some(name) => match self.lookup_tag_current(&name.name) {
                Some(TagName::Record(rid, u))
                    if u == is_union && !self.prog.types.record(rid).complete =>
                {
                    (
                        rid,
                        QualType::new(self.prog.types.intern(Type::Record(rid))),
                    )
                }
                Some(_) => {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!("redefinition of '{kw} {}'", name.name),
                    );
                    let (rid, qt) = self.prog.types.new_record(Some(&name.name), is_union);
                    (rid, qt)
                }
                None => {
                    let (rid, qt) = self.prog.types.new_record(Some(&name.name), is_union);
                    self.bind_tag(&name.name, TagName::Record(rid, is_union));
                    (rid, qt)
                }
            },
            None => self.prog.types.new_record(None, is_union),
        };
        let mut decls: Vec<FieldDecl> = Vec::new();
        // Member names seen so far: the duplicate check stays linear for wide records.
        let mut member_names: crate::preprocess::fasthash::FastSet<Arc<str>> = Default::default();
        let mut spans: Vec<Span> = Vec::new();
        for m in members {
            match m {
                ast::MemberDecl::StaticAssert(sa) => self.static_assert(sa),
                ast::MemberDecl::Field {
                    specs,
                    declarators,
                    span,
                } => {
                    let base = self.base_type(specs);
                    self.check_standalone_enum_base(specs, !declarators.is_empty());
                    let spec_align = self.alignas(specs);
                    if declarators.is_empty() {
                        if self.prog.types.is_record(base) {
                            decls.push(FieldDecl {
                                name: None,
                                ty: base,
                                bit_width: None,
                                align: spec_align,
                            });
                            spans.push(*span);
                        }
                        continue;
                    }
                    for md in declarators {
                        let (ty, name, dspan) = match &md.declarator {
                            Some(d) => {
                                let (t, _) = self.apply_declarator(base, d);
                                (t, d.name.clone(), d.span)
                            }
                            None => (base, None, md.span),
                        };
                        let attrs = self.collect_attrs(
                            md.attrs
                                .iter()
                                .chain(md.declarator.iter().flat_map(|d| d.attrs.iter())),
                        );
                        let align = match (attrs.aligned, spec_align) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            (a, b) => a.or(b),
                        };
                        let fname = name.as_ref().map(|n| n.name.to_string());
                        let shown: &str = fname.as_deref().unwrap_or("<anonymous>");
                        if self.prog.types.is_func(ty) {
                            self.err(
                                codes::E_BAD_TYPE,
                                dspan,
                                format!("field '{shown}' declared as a function"),
                            );
                            continue;
                        }
                        let width = match &md.bit_width {
                            None => None,
                            Some(w) => {
                                let v = self.const_int(w);
                                if !self.prog.types.is_integer(ty) {
                                    self.err(
                                        codes::E_BITFIELD,
                                        dspan,
                                        format!(
                                            "bit-field '{shown}' has non-integral type '{}'",
                                            self.prog.types.display(ty)
                                        ),
                                    );
                                    continue;
                                }
                                match v {
                                    Some(v) if v < 0 => {
                                        self.err(
                                            codes::E_BITFIELD,
                                            w.span,
                                            format!("bit-field '{shown}' has negative width ({v})"),
                                        );
                                        continue;
                                    }
                                    Some(0) if fname.is_some() => {
                                        self.err(
                                            codes::E_BITFIELD,
                                            dspan,
                                            format!("named bit-field '{shown}' has zero width"),
                                        );
                                        continue;
                                    }
                                    Some(v) => {
                                        let bits = self.prog.types.size_of(ty).unwrap_or(0) * 8;
                                        if v as u64 > bits {
                                            self.err(
                                                codes::E_BITFIELD,
                                                w.span,
                                                format!("width of bit-field '{shown}' ({v} bits) exceeds the width of its type ({bits} bits)"),
                                            );
                                            continue;
                                        }
                                        Some(v as u32)
                                    }
                                    None => continue,
                                }
                            }
                        };
                        if let Some(n) = &name
                            && !member_names.insert(n.name.clone())
                        {
                            self.err(
                                codes::E_REDEFINITION,
                                dspan,
                                format!("duplicate member '{}'", n.name),
                            );
                            continue;
                        }
                        decls.push(FieldDecl {
                            name: fname,
                            ty,
                            bit_width: width,
                            align,
                        });
                        spans.push(dspan);
                    }
                }
            }
        }
        let attrs = self.collect_attrs(rs.attrs.iter());
        if rs
            .attrs
            .iter()
            .any(|a| a.normalized_name() == "preserve_access_index")
            || self
                .core_regions
                .iter()
                .any(|&(f, s, e)| rs.span.file == f && rs.span.start >= s && rs.span.start < e)
        {
            self.core_records.insert(rid);
        }
        let rattrs = RecordAttrs {
            packed: attrs.packed,
            align: attrs.aligned,
        };
        if let Err(e) = self.prog.types.complete_record(rid, &decls, rattrs) {
            let (i, msg) = match e {
                LayoutError::IncompleteMember(i) => (
                    i,
                    format!(
                        "field has incomplete type '{}'",
                        decls
                            .get(i)
                            .map(|d| self.prog.types.display(d.ty))
                            .unwrap_or_default()
                    ),
                ),
                LayoutError::BitFieldTooWide(i) => {
                    (i, "bit-field is wider than its type".to_string())
                }
                LayoutError::BitFieldNotInteger(i) => {
                    (i, "bit-field has non-integral type".to_string())
                }
                LayoutError::FlexibleArrayNotLast(i) => (
                    i,
                    "flexible array member must be the last member of a struct".to_string(),
                ),
            };
            let sp = spans.get(i).copied().unwrap_or(rs.span);
            self.err(codes::E_INCOMPLETE_TYPE, sp, msg);
        }
        qt
    }

    /// A declaration at file scope (`local == false`) or in a block; returns the
    /// statements that initialize block-scope locals.
    /// The type `__auto_type name = init;` declares: the initializer's type after array
    /// and function decay, unqualified, plus the specifiers' qualifiers. As in clang, the
    /// declarator must be a plain name and the initializer a single expression.
    fn auto_type(&mut self, specs: &ast::DeclSpecs, idecl: &ast::InitDeclarator) -> QualType {
        let quals = quals_of(specs.qualifiers().map(|(q, _)| q));
        let others = specs
            .type_specs()
            .any(|t| !matches!(t.kind, ast::TypeSpecKind::AutoType));
        match &idecl.init {
            Some(ast::Initializer::Expr(e)) if idecl.declarator.derived.is_empty() && !others => {
                let te = self.rv_expr(e);
                te.ty.unqual().with_quals(quals)
            }
            _ => {
                self.err(
                    codes::E_BAD_TYPE,
                    idecl.declarator.span,
                    "'__auto_type' needs a plain variable name initialized by an expression",
                );
                self.prog.types.int(IntKind::Int)
            }
        }
    }

    pub(crate) fn declaration(&mut self, d: &ast::Declaration, local: bool) -> Vec<Stmt> {
        let auto = d
            .specs
            .type_specs()
            .any(|t| matches!(t.kind, ast::TypeSpecKind::AutoType));
        let base = if auto {
            self.prog.types.int(IntKind::Int)
        } else {
            self.base_type(&d.specs)
        };
        self.check_standalone_enum_base(&d.specs, !d.declarators.is_empty());
        let spec_align = self.alignas(&d.specs);
        let storages: Vec<(ast::StorageClass, Span)> = d.specs.storage().collect();
        if storages.len() > 1 {
            self.err(
                codes::E_BAD_TYPE,
                storages[1].1,
                "cannot combine with previous storage class specifier",
            );
        }
        let storage = storages.first().map(|s| s.0);
        let mut out = Vec::new();
        for idecl in &d.declarators {
            let base = if auto {
                self.auto_type(&d.specs, idecl)
            } else {
                base
            };
            let (ty, _) = self.apply_declarator(base, &idecl.declarator);
            let Some(name) = idecl.declarator.name.clone() else {
                continue;
            };
            let mut attrs =
                self.collect_attrs(d.specs.attributes().chain(idecl.declarator.attrs.iter()));
            if let Some(a) = spec_align {
                attrs.aligned = Some(attrs.aligned.map_or(a, |b| b.max(a)));
            }
            if storage == Some(ast::StorageClass::Typedef) {
                if let Some(OrdName::Typedef(prev)) = self.lookup_current(&name.name)
                    && !self.prog.types.compatible(prev, ty)
                {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!(
                            "typedef redefinition with different types ('{}' vs '{}')",
                            self.prog.types.display(ty),
                            self.prog.types.display(prev)
                        ),
                    );
                }
                let t = self.prog.types.typedef(&name.name, ty);
                self.bind(&name.name, OrdName::Typedef(t));
                continue;
            }
            if self.prog.types.is_func(ty) {
                if let Some(init) = &idecl.init {
                    self.err(
                        codes::E_BAD_INIT,
                        init.span(),
                        "illegal initializer (only variables can be initialized)",
                    );
                }
                let f = self.declare_function(&name, ty, storage, &attrs, idecl.span);
                if let Some(label) = &idecl.declarator.asm_label {
                    // `int f(void) asm("sym");`: the object file calls it `sym`.
                    self.prog.funcs[f.0 as usize].name = label.to_string_lossy();
                }
                self.bind(&name.name, OrdName::Func(f));
                continue;
            }
            if !local
                || matches!(
                    storage,
                    Some(ast::StorageClass::Static | ast::StorageClass::Extern)
                )
            {
                let gname = if local && storage == Some(ast::StorageClass::Static) {
                    // Static locals are globals named `function.name`, as clang names them.
                    let fname = self
                        .fs
                        .as_ref()
                        .map(|f| self.prog.func(f.id).name.clone())
                        .unwrap_or_default();
                    // A second static of the same name in the function (two bpf_printk
                    // calls both declare `____fmt`) gets `.1`, `.2`... as in clang.
                    let base = format!("{fname}.{}", name.name);
                    let mut n = 0;
                    let mut cand = base.clone();
                    while self.prog.globals.iter().any(|g| g.name == cand) {
                        n += 1;
                        cand = format!("{base}.{n}");
                    }
                    cand
                } else {
                    match &idecl.declarator.asm_label {
                        Some(label) => label.to_string_lossy(),
                        None => name.name.to_string(),
                    }
                };
                if let Some(g) = self.declare_global(
                    &name,
                    &gname,
                    ty,
                    storage,
                    &attrs,
                    idecl.init.as_ref(),
                    idecl.span,
                    local,
                ) {
                    self.bind(&name.name, OrdName::Global(g));
                }
                continue;
            }
            // A block-scope object with automatic storage.
            if let Some(OrdName::Local(_)) = self.lookup_current(&name.name) {
                self.err(
                    codes::E_REDEFINITION,
                    name.span,
                    format!("redefinition of '{}'", name.name),
                );
            }
            // The scope of a local starts at its declarator, before the initializer
            // (C17 6.2.1p7): `struct ev *e = f(sizeof(*e));` names the new `e`.
            let mut ty = ty;
            let l = self.new_local(&name.name, ty, name.span, false);
            self.bind(&name.name, OrdName::Local(l));
            let init = match &idecl.init {
                Some(i) => {
                    let (init, t) = self.initializer(ty, i, false);
                    ty = t;
                    Some(init)
                }
                None => None,
            };
            if let Some(local) = self
                .fs
                .as_mut()
                .and_then(|f| f.locals.get_mut(l.0 as usize))
            {
                local.ty = ty;
                if !ty_is_scalar_after(&self.prog.types, ty) {
                    local.addr_taken = true;
                }
            }
            if !self.prog.types.is_complete(ty) {
                self.err(
                    codes::E_INCOMPLETE_TYPE,
                    name.span,
                    format!(
                        "variable has incomplete type '{}'",
                        self.prog.types.display(ty)
                    ),
                );
            }
            out.push(Stmt::new(StmtKind::Decl(l, init), idecl.span));
        }
        out
    }

    /// Declares (or redeclares) a global variable.
    #[allow(clippy::too_many_arguments)]
    fn declare_global(
        &mut self,
        name: &ast::Ident,
        gname: &str,
        ty: QualType,
        storage: Option<ast::StorageClass>,
        attrs: &DeclAttrs,
        init: Option<&ast::Initializer>,
        span: Span,
        local: bool,
    ) -> Option<GlobalId> {
        let is_static = storage == Some(ast::StorageClass::Static);
        let is_extern = storage == Some(ast::StorageClass::Extern);
        let existing = if local && is_static {
            None
        } else {
            match self.lookup_file(&name.name) {
                Some(OrdName::Global(g)) => Some(g),
                Some(OrdName::Func(_))
                | Some(OrdName::Typedef(_))
                | Some(OrdName::EnumConst(..)) => {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!(
                            "redefinition of '{}' as different kind of symbol",
                            name.name
                        ),
                    );
                    return None;
                }
                _ => None,
            }
        };
        let has_init = init.is_some();
        let (init, ty) = match init {
            Some(i) => {
                let (init, t) = self.initializer(ty, i, true);
                (Some(init), t)
            }
            None => (None, ty),
        };
        // Initialized data is built byte by byte in memory (lowering, codegen, the
        // assembler): refuse what no kernel loads before allocating it (the assembler
        // has the same 256 MiB bound). Objects without an initializer only record a size.
        const MAX_INIT_BYTES: u64 = 1 << 28;
        if let Some(size) = init.as_ref().and(self.prog.types.size_of(ty))
            && size > MAX_INIT_BYTES
        {
            self.err(
                codes::E_BAD_INIT,
                span,
                format!(
                    "initialized object of {size} bytes: ebpfc builds initialized data up to 256 MiB"
                ),
            );
            return None;
        }
        let linkage = if attrs.weak {
            Linkage::Weak
        } else if is_static {
            Linkage::Internal
        } else {
            Linkage::External
        };
        if let Some(g) = existing {
            let prev = self.prog.globals[g.0 as usize].ty;
            if !self.prog.types.compatible(prev, ty) {
                self.err(
                    codes::E_REDEFINITION,
                    name.span,
                    format!(
                        "redefinition of '{}' with a different type: '{}' vs '{}'",
                        name.name,
                        self.prog.types.display(ty),
                        self.prog.types.display(prev)
                    ),
                );
                return Some(g);
            }
            let comp = self.prog.types.composite(ty, prev);
            let gl = &mut self.prog.globals[g.0 as usize];
            gl.ty = comp;
            if init.is_some() {
                if gl.init.is_some() {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!("redefinition of '{}'", name.name),
                    );
                    return Some(g);
                }
                gl.init = init;
            }
            let gl = &mut self.prog.globals[g.0 as usize];
            if !is_extern {
                gl.is_extern = false;
            }
            if attrs.section.is_some() {
                gl.section = attrs.section.clone();
            }
            if attrs.weak {
                gl.linkage = Linkage::Weak;
            }
            gl.used |= attrs.used;
            if let Some(a) = attrs.aligned {
                gl.align = Some(gl.align.map_or(a, |b| b.max(a)));
            }
            if !local && (!is_extern || has_init) {
                self.prog.defs.push(TopDef::Var(g, has_init));
            }
            return Some(g);
        }
        let mut ty = ty;
        let extern_decl = is_extern && init.is_none();
        if !extern_decl {
            if let Some(None) = self.prog.types.array_len(ty) {
                // A tentative definition of an array of unknown size has one element.
                let elem = self.prog.types.array_elem(ty).unwrap_or(ty);
                ty = self.prog.types.array(elem, Some(1)).with_quals(ty.quals);
            }
            if !self.prog.types.is_complete(ty) {
                self.err(
                    codes::E_INCOMPLETE_TYPE,
                    name.span,
                    format!(
                        "variable has incomplete type '{}'",
                        self.prog.types.display(ty)
                    ),
                );
            }
        }
        // libbpf helper declaration: a static constant pointer to function initialized
        // with an integer (the helper id).
        let mut kind = GlobalKind::Var;
        let canon = self.prog.types.canon(ty);
        if (canon.quals.is_const || linkage == Linkage::Internal)
            && self
                .prog
                .types
                .pointee(ty)
                .is_some_and(|p| self.prog.types.is_func(p))
            && let Some(Init::Expr(e)) = &init
            && let Some(n) = super::consteval::eval_int(&self.prog.types, e)
        {
            kind = GlobalKind::Helper(n as i64);
        }
        let g = GlobalId(u32::try_from(self.prog.globals.len()).unwrap_or(u32::MAX));
        self.prog.globals.push(Global {
            name: gname.to_string(),
            ty,
            kind,
            linkage,
            is_extern: extern_decl,
            init,
            section: attrs.section.clone(),
            align: attrs.aligned,
            used: attrs.used,
            span,
        });
        if local && is_static {
            if let Some(fs) = self.fs.as_ref() {
                let _ = fs;
            }
        } else {
            self.bind_file(&name.name, OrdName::Global(g));
        }
        if !local && !extern_decl {
            self.prog.defs.push(TopDef::Var(g, has_init));
        }
        Some(g)
    }

    /// Declares (or redeclares) a function.
    fn declare_function(
        &mut self,
        name: &ast::Ident,
        ty: QualType,
        storage: Option<ast::StorageClass>,
        attrs: &DeclAttrs,
        span: Span,
    ) -> FuncId {
        let is_static = storage == Some(ast::StorageClass::Static);
        let inline_hint = false;
        match self.lookup_file(&name.name) {
            Some(OrdName::Func(f)) => {
                let prev = self.prog.funcs[f.0 as usize].ty;
                if !self.prog.types.compatible(prev, ty) {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!("conflicting types for '{}'", name.name),
                    );
                } else {
                    let comp = self.prog.types.composite(prev, ty);
                    self.prog.funcs[f.0 as usize].ty = comp;
                }
                let func = &mut self.prog.funcs[f.0 as usize];
                if attrs.section.is_some() {
                    func.section = attrs.section.clone();
                }
                func.attrs.always_inline |= attrs.always_inline;
                func.attrs.noinline |= attrs.noinline;
                func.attrs.used |= attrs.used;
                if attrs.weak {
                    func.linkage = Linkage::Weak;
                }
                f
            }
            Some(_) => {
                self.err(
                    codes::E_REDEFINITION,
                    name.span,
                    format!(
                        "redefinition of '{}' as different kind of symbol",
                        name.name
                    ),
                );
                self.new_func(name, ty, is_static, attrs, inline_hint, span)
            }
            None => {
                let f = self.new_func(name, ty, is_static, attrs, inline_hint, span);
                self.bind_file(&name.name, OrdName::Func(f));
                f
            }
        }
    }

    fn new_func(
        &mut self,
        name: &ast::Ident,
        ty: QualType,
        is_static: bool,
        attrs: &DeclAttrs,
        inline_hint: bool,
        span: Span,
    ) -> FuncId {
        let f = FuncId(u32::try_from(self.prog.funcs.len()).unwrap_or(u32::MAX));
        self.prog.funcs.push(Func {
            name: name.name.to_string(),
            ty,
            linkage: if attrs.weak {
                Linkage::Weak
            } else if is_static {
                Linkage::Internal
            } else {
                Linkage::External
            },
            section: attrs.section.clone(),
            attrs: FuncAttrs {
                always_inline: attrs.always_inline,
                noinline: attrs.noinline,
                inline_hint,
                used: attrs.used,
            },
            params: Vec::new(),
            locals: Vec::new(),
            body: None,
            labels: Vec::new(),
            addr_taken: false,
            referenced: false,
            emitted: false,
            deferred: Vec::new(),
            span,
        });
        f
    }

    fn function_def(&mut self, fd: &ast::FunctionDef) {
        let base = self.base_type(&fd.specs);
        let (ty, params) = self.apply_declarator(base, &fd.declarator);
        let Some(name) = fd.declarator.name.clone() else {
            self.err(
                codes::E_BAD_TYPE,
                fd.declarator.span,
                "function definition without a name",
            );
            return;
        };
        let Some(params) = params else {
            self.err(
                codes::E_BAD_TYPE,
                fd.declarator.span,
                format!("'{}' is defined like a function but is not one", name.name),
            );
            return;
        };
        let storages: Vec<(ast::StorageClass, Span)> = fd.specs.storage().collect();
        let storage = storages.first().map(|s| s.0);
        let attrs = self.collect_attrs(fd.specs.attributes().chain(fd.declarator.attrs.iter()));
        let fid = self.declare_function(&name, ty, storage, &attrs, fd.declarator.span);
        if let Some(label) = &fd.declarator.asm_label {
            self.prog.funcs[fid.0 as usize].name = label.to_string_lossy();
        }
        let inline = fd
            .specs
            .items
            .iter()
            .any(|s| matches!(s, ast::DeclSpec::Func(ast::FuncSpec::Inline, _)));
        self.prog.funcs[fid.0 as usize].attrs.inline_hint |= inline;
        if self.prog.funcs[fid.0 as usize].body.is_some() {
            let first = self.prog.funcs[fid.0 as usize].span;
            self.diags.push(
                Diagnostic::error(
                    codes::E_REDEFINITION,
                    format!("redefinition of '{}'", name.name),
                )
                .with_label(name.span, "")
                .with_secondary(first, "first declared here"),
            );
            return;
        }
        self.bind(&name.name, OrdName::Func(fid));
        let Some(ft) = self.prog.types.func_type(ty).cloned() else {
            return;
        };
        // BPF's calling convention: arguments in r1-r5, scalars only (abi.rst).
        if params.len() > 5 {
            self.err_note(
                codes::E_BPF_TOO_MANY_PARAMS,
                fd.declarator.span,
                format!(
                    "function '{}' has {} parameters, but BPF functions take at most 5",
                    name.name,
                    params.len()
                ),
                "BPF passes arguments in registers r1-r5 only",
            );
        }
        if ft.variadic {
            self.err(
                codes::E_UNSUPPORTED,
                fd.declarator.span,
                "variadic functions are not supported by BPF",
            );
        }
        // Aggregates by value: `byvalue.rs`, once every declaration is known.
        let ret = ft.ret;
        self.fs = Some(FnState {
            id: fid,
            ret,
            locals: Vec::new(),
            label_names: Vec::new(),
            labels: Default::default(),
            loops: 0,
            breakable: 0,
            switches: Vec::new(),
            deferred: Vec::new(),
        });
        self.push_scope();
        let mut pids = Vec::new();
        for (pn, pt, psp) in &params {
            let n = pn.as_ref().map(|i| i.name.to_string()).unwrap_or_default();
            let l = self.new_local(&n, *pt, *psp, true);
            if let Some(id) = pn {
                self.bind(&id.name, OrdName::Local(l));
            }
            pids.push(l);
        }
        let items = self.block_items(&fd.body.items);
        self.pop_scope();
        let Some(fs) = self.fs.take() else { return };
        let mut undefined: Vec<(String, Span)> = fs
            .labels
            .iter()
            .filter(|(_, (_, def, _))| !def)
            .map(|(n, (_, _, sp))| (n.to_string(), *sp))
            .collect();
        undefined.sort_by_key(|(_, sp)| (sp.file, sp.start));
        for (n, sp) in undefined {
            self.err(codes::E_LABEL, sp, format!("use of undeclared label '{n}'"));
        }
        let f = &mut self.prog.funcs[fid.0 as usize];
        f.params = pids;
        f.locals = fs.locals;
        f.labels = fs.label_names;
        f.body = Some(Stmt::new(StmtKind::Block(items), fd.body.span));
        f.deferred = fs.deferred;
        f.span = fd.declarator.span;
        self.prog.defs.push(TopDef::Func(fid));
    }
}

/// Qualifiers from a list (`_Atomic` is ignored: BPF has no atomic types, only the
/// `__sync_*` builtins).
pub(crate) fn quals_of(qs: impl Iterator<Item = ast::Qualifier>) -> Quals {
    let mut q = Quals::NONE;
    for x in qs {
        match x {
            ast::Qualifier::Const => q.is_const = true,
            ast::Qualifier::Volatile => q.is_volatile = true,
            ast::Qualifier::Restrict => q.is_restrict = true,
            ast::Qualifier::Atomic => {}
        }
    }
    q
}

fn ty_is_scalar_after(tt: &crate::types::TypeTable, ty: QualType) -> bool {
    tt.is_register_value(ty)
}
