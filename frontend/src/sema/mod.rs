//! Semantic analysis: checks the parser's AST against C17 and BPF's limits and produces
//! the typed AST ([`tast`]) that lowering consumes.
//!
//! One [`Checker`] walks the translation unit once, in source order: declarations
//! (`decl.rs`, enums in `enum_decl.rs`), initializers (`init.rs`), statements (`stmt.rs`), expressions
//! (`expr.rs`), builtins (`builtins.rs`) and CO-RE builtins (`core.rs`); then the
//! call graph is checked for recursion and the emitted functions are marked
//! (`callgraph.rs`).
//!
//! Invariants:
//! - When `check` reports no errors, every node of the typed AST is well-typed (see
//!   the invariants of [`tast`]). Errors carry E03xx codes, clang-like messages and
//!   the span of the offending construct; checking recovers (an erroneous expression
//!   gets type `int`) so that one run reports many errors.
//! - Scopes are a stack: file scope at the bottom, then function-prototype and block
//!   scopes (C17 6.2.1). Ordinary identifiers and tags live in separate namespaces;
//!   labels are per function.
//! - BPF's limits are errors here, never silent miscompiles: floating-point operations
//!   (floating values are declared and copied as bit patterns, `floats.rs`), VLAs,
//!   recursion, more than 5 parameters, aggregates passed or returned by value where
//!   clang's BPF calling convention cannot (`byvalue.rs`), indirect calls, inline
//!   assembly.

mod bitops;
mod builtins;
pub mod byvalue;
pub mod callgraph;
pub mod consteval;
mod core;
mod decl;
mod enum_decl;
mod expr;
mod floats;
mod init;
mod stmt;
pub mod tast;

use crate::preprocess::fasthash::FastMap;
use std::collections::HashMap;
use std::sync::Arc;

use crate::ast;
use crate::types::{EnumId, IntKind, QualType, RecordId};
use diag::{Code, Diagnostic, Diagnostics, Span};
use tast::{FuncId, GlobalId, LabelId, Local, LocalId, Program};

/// What an ordinary identifier names in a scope.
#[derive(Clone, Copy, Debug)]
pub(crate) enum OrdName {
    Local(LocalId),
    Global(GlobalId),
    Func(FuncId),
    EnumConst(i128, QualType),
    Typedef(QualType),
}

/// What a tag names.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TagName {
    Record(RecordId, bool),
    Enum(EnumId),
}

#[derive(Default, Debug)]
pub(crate) struct Scope {
    ords: FastMap<Arc<str>, OrdName>,
    tags: FastMap<Arc<str>, TagName>,
}

/// A `switch` being checked: its cases so far.
#[derive(Debug)]
pub(crate) struct SwitchCtx {
    pub cases: Vec<(i128, i128, LabelId, Span)>,
    pub default: Option<LabelId>,
    pub ty: QualType,
}

/// Per-function state while a body is checked.
#[derive(Debug)]
pub(crate) struct FnState {
    pub id: FuncId,
    pub ret: QualType,
    pub locals: Vec<Local>,
    pub label_names: Vec<String>,
    /// Named labels: id, defined yet, first use.
    pub labels: HashMap<Arc<str>, (LabelId, bool, Span)>,
    pub loops: u32,
    pub breakable: u32,
    pub switches: Vec<SwitchCtx>,
    /// Errors reported only if the function is emitted.
    pub deferred: Vec<Diagnostic>,
}

/// The semantic checker of one translation unit.
pub struct Checker {
    pub prog: Program,
    pub diags: Diagnostics,
    scopes: Vec<Scope>,
    fs: Option<FnState>,
    str_count: usize,
    /// The string literal global of each contents (NUL included).
    strings: HashMap<Vec<u8>, GlobalId>,
    /// Records declared with `__attribute__((preserve_access_index))`: every member
    /// access through a pointer to them is a CO-RE relocation.
    core_records: std::collections::BTreeSet<RecordId>,
    core_regions: Vec<(diag::FileId, u32, u32)>,
}

/// What semantic analysis needs to know besides the tree.
#[derive(Clone, Debug, Default)]
pub struct SemaOptions {
    /// Source ranges (file, start byte, end byte) between `#pragma clang attribute
    /// push(__attribute__((preserve_access_index)), apply_to = record)` and its `pop`:
    /// every struct/union defined there is a CO-RE record (bpftool's `vmlinux.h`).
    pub core_regions: Vec<(diag::FileId, u32, u32)>,
}

/// Checks a translation unit; the program is meaningful only without errors.
pub fn check(tu: &ast::TranslationUnit) -> (Program, Diagnostics) {
    check_with(tu, &SemaOptions::default())
}

/// [`check`] with options.
pub fn check_with(tu: &ast::TranslationUnit, opts: &SemaOptions) -> (Program, Diagnostics) {
    let mut c = Checker {
        prog: Program::default(),
        diags: Diagnostics::new(),
        scopes: vec![Scope::default()],
        fs: None,
        str_count: 0,
        strings: HashMap::new(),
        core_records: Default::default(),
        core_regions: opts.core_regions.clone(),
    };
    for item in &tu.items {
        c.external_decl(item);
    }
    let mut diags = std::mem::take(&mut c.diags);
    callgraph::mark_emitted(&mut c.prog);
    for f in &mut c.prog.funcs {
        if f.emitted {
            diags.items.append(&mut f.deferred);
        }
    }
    if !diags.has_errors() {
        callgraph::check_recursion(&c.prog, &mut diags);
        byvalue::check(&c.prog, &mut diags);
    }
    (c.prog, diags)
}

impl Checker {
    pub(crate) fn err(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        let msg = msg.into();
        self.diags
            .push(Diagnostic::error(code, msg).with_label(span, ""));
    }

    /// A warning (clang accepts the construct; the extra parts are ignored).
    pub(crate) fn warn(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        let msg = msg.into();
        self.diags
            .push(Diagnostic::warning(code, msg).with_label(span, ""));
    }

    pub(crate) fn err_note(
        &mut self,
        code: Code,
        span: Span,
        msg: impl Into<String>,
        note: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::error(code, msg.into())
                .with_label(span, "")
                .with_note(note),
        );
    }

    pub(crate) fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }
    pub(crate) fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<OrdName> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.ords.get(name).copied())
    }
    pub(crate) fn lookup_current(&self, name: &str) -> Option<OrdName> {
        self.scopes.last().and_then(|s| s.ords.get(name).copied())
    }
    pub(crate) fn lookup_file(&self, name: &str) -> Option<OrdName> {
        self.scopes.first().and_then(|s| s.ords.get(name).copied())
    }
    pub(crate) fn bind(&mut self, name: &Arc<str>, what: OrdName) {
        if let Some(s) = self.scopes.last_mut() {
            s.ords.insert(name.clone(), what);
        }
    }
    pub(crate) fn bind_file(&mut self, name: &Arc<str>, what: OrdName) {
        if let Some(s) = self.scopes.first_mut() {
            s.ords.insert(name.clone(), what);
        }
    }
    pub(crate) fn lookup_tag(&self, name: &str) -> Option<TagName> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.tags.get(name).copied())
    }
    pub(crate) fn lookup_tag_current(&self, name: &str) -> Option<TagName> {
        self.scopes.last().and_then(|s| s.tags.get(name).copied())
    }
    pub(crate) fn bind_tag(&mut self, name: &Arc<str>, what: TagName) {
        if let Some(s) = self.scopes.last_mut() {
            s.tags.insert(name.clone(), what);
        }
    }

    pub(crate) fn int_ty(&mut self) -> QualType {
        self.prog.types.int(IntKind::Int)
    }

    /// Adds a local to the current function.
    pub(crate) fn new_local(
        &mut self,
        name: &str,
        ty: QualType,
        span: Span,
        is_param: bool,
    ) -> LocalId {
        let Some(fs) = self.fs.as_mut() else {
            return LocalId(0);
        };
        let id = LocalId(u32::try_from(fs.locals.len()).unwrap_or(u32::MAX));
        let addr_taken = !self.prog.types.is_register_value(ty);
        fs.locals.push(Local {
            name: name.to_string(),
            ty,
            addr_taken,
            is_param,
            static_global: None,
            span,
        });
        id
    }

    pub(crate) fn new_label(&mut self, name: String) -> LabelId {
        let Some(fs) = self.fs.as_mut() else {
            return LabelId(0);
        };
        let id = LabelId(u32::try_from(fs.label_names.len()).unwrap_or(u32::MAX));
        fs.label_names.push(name);
        id
    }
}
