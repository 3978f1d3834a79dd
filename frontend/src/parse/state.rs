//! The parser's mutable state, shared by the grammar actions and the token adapter:
//! the ordinary-identifier scopes that decide whether a name is a typedef name (the
//! "lexer hack" of C17 6.7.8p3), the stack of declarations being parsed (is the current
//! one a `typedef`?), and the diagnostics the actions report.
//!
//! Invariants:
//! - Scope changes happen only in grammar actions reduced while the lookahead token is
//!   punctuation (`{`, `}`, `(`, `)`, `;`, `,`, `=`), never an identifier, so that the
//!   adapter has not yet classified the next identifier with a stale scope. The
//!   grammar's marker rules (`BlockBegin`, `BlockBody`, `ParamsBegin`, ...) exist for
//!   that reason. A `for` scope ends with its body's block (`{ ... }`); the one known
//!   gap is a `for` body that is not a block: its scope ends after one lookahead token,
//!   so `for (int T;;) ; T * x;` (with `T` a file-scope typedef)
//!   reads the second statement as a multiplication.
//! - Pops never underflow. Blocks restore the stack depths they started with
//!   ([`Mark`]), and a file-scope syntax error resets to the file scope, so what error
//!   recovery leaves pushed does not leak into the rest of the file.
//! - Interior mutability through `RefCell`, borrowed only inside one method call, so no
//!   borrow is ever held across a call back into the parser.

use crate::preprocess::fasthash::FastMap;
use crate::token::{Tok, Token};
use diag::{Diagnostic, Diagnostics, Span};
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// One scope: for each ordinary identifier declared in it, whether it is a typedef.
pub(crate) type Scope = FastMap<Arc<str>, bool>;

/// The depths of the scope and declaration stacks at the start of a block, restored at
/// its end: that also drops what error recovery left pushed inside the block.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mark {
    scopes: usize,
    decls: usize,
}

/// State shared between the grammar (as its parameter) and the token adapter.
pub struct ParseState<'t> {
    pub(crate) tokens: &'t [Token],
    scopes: RefCell<Vec<Scope>>,
    /// For each declaration being parsed (nested through statement expressions), whether
    /// its specifiers include `typedef`.
    decls: RefCell<Vec<bool>>,
    /// The parameter scope of the parameter list that closed last.
    last_params: RefCell<Option<Scope>>,
    /// The parameter scope of the last function declarator directly applied to a name:
    /// it becomes the outermost scope of the body if a function definition follows.
    fn_params: RefCell<Option<Scope>>,
    /// The mark taken before the function scope of the definition being parsed.
    fn_mark: Cell<Mark>,
    /// A `for` scope the next block adopts as its own (see [`ParseState::adopt_if_block_at`]).
    adopt: Cell<Option<Mark>>,
    pub(crate) diags: RefCell<Diagnostics>,
    /// Index of the last token where a syntax error was reported (to report one error
    /// per statement, not a cascade).
    pub(crate) last_error_at: Cell<Option<usize>>,
    pub(crate) error_count: Cell<usize>,
    /// Every syntax error met, reported or not.
    pub(crate) raw_errors: Cell<usize>,
    /// How far the tokens after the last reported error were scanned for `;`/`}`, and
    /// whether one was found.
    pub(crate) scanned_to: Cell<usize>,
    pub(crate) boundary_seen: Cell<bool>,
    /// Set when the adapter cut the input short (nesting limit): later syntax errors
    /// are consequences of the cut and are not reported.
    pub(crate) stopped: Cell<bool>,
    /// The source text, when known: syntax errors look at line breaks between tokens
    /// (a missing `;` is reported at the end of its line, as clang does).
    pub(crate) sources: Option<&'t diag::SourceMap>,
}

impl<'t> ParseState<'t> {
    /// Lets syntax errors see the source text of the tokens' files.
    pub fn with_sources(mut self, sources: &'t diag::SourceMap) -> Self {
        self.sources = Some(sources);
        self
    }

    pub fn new(tokens: &'t [Token]) -> Self {
        ParseState {
            tokens,
            scopes: RefCell::new(vec![Scope::default()]),
            decls: RefCell::new(Vec::new()),
            last_params: RefCell::new(None),
            fn_params: RefCell::new(None),
            fn_mark: Cell::new(Mark::default()),
            adopt: Cell::new(None),
            diags: RefCell::new(Diagnostics::new()),
            last_error_at: Cell::new(None),
            error_count: Cell::new(0),
            raw_errors: Cell::new(0),
            scanned_to: Cell::new(0),
            boundary_seen: Cell::new(false),
            stopped: Cell::new(false),
            sources: None,
        }
    }

    /// True when `name` is a typedef name in the innermost scope that declares it.
    pub fn is_typedef(&self, name: &str) -> bool {
        let scopes = self.scopes.borrow();
        for scope in scopes.iter().rev() {
            if let Some(&is_typedef) = scope.get(name) {
                return is_typedef;
            }
        }
        false
    }

    /// Declares an ordinary identifier (a typedef name when `is_typedef`) in the
    /// innermost scope.
    pub fn declare(&self, name: &Arc<str>, is_typedef: bool) {
        if let Some(scope) = self.scopes.borrow_mut().last_mut() {
            scope.insert(name.clone(), is_typedef);
        }
    }

    /// Declares the name of a declarator of the current declaration.
    pub fn declare_in_current_decl(&self, name: &Arc<str>) {
        let is_typedef = self.decls.borrow().last().copied().unwrap_or(false);
        self.declare(name, is_typedef);
    }

    pub fn push_scope(&self) {
        self.scopes.borrow_mut().push(Scope::default());
    }

    /// Closes a parameter list's scope, keeping it in case it belongs to a function
    /// definition.
    pub fn pop_params_scope(&self) {
        let mut scopes = self.scopes.borrow_mut();
        if scopes.len() > 1 {
            *self.last_params.borrow_mut() = scopes.pop();
        }
    }

    /// The parameter list that closed last belongs to a function declarator applied
    /// directly to the declared name (`f(int a)`, not `(*fp)(int a)`).
    pub fn mark_function_params(&self) {
        let last = self.last_params.borrow_mut().take();
        *self.fn_params.borrow_mut() = last;
    }

    /// The current depths of the scope and declaration stacks.
    pub fn mark(&self) -> Mark {
        Mark {
            scopes: self.scopes.borrow().len(),
            decls: self.decls.borrow().len(),
        }
    }

    /// Truncates the stacks back to `m` (never below the file scope).
    pub fn restore(&self, m: Mark) {
        self.scopes.borrow_mut().truncate(m.scopes.max(1));
        self.decls.borrow_mut().truncate(m.decls);
    }

    /// Opens a block scope, returning the mark to restore at the block's end.
    pub fn begin_block(&self) -> Mark {
        if let Some(m) = self.adopt.take() {
            return m;
        }
        let m = self.mark();
        self.push_scope();
        m
    }

    /// A `for` header ended just before token `next`: when that token is `{`, the body
    /// block takes over the for scope (whose mark is `m`) and closes it before `}`.
    pub fn adopt_if_block_at(&self, next: usize, m: Mark) {
        if self.tokens.get(next).is_some_and(|t| t.tok == Tok::LBrace) {
            self.adopt.set(Some(m));
        }
    }

    /// Ends a function body: back to the stacks as they were before its parameters.
    pub fn end_function_body(&self) {
        self.restore(self.fn_mark.get());
    }

    /// After a syntax error at file scope: back to a clean file scope.
    pub fn reset_to_file_scope(&self) {
        self.restore(Mark::default());
        *self.last_params.borrow_mut() = None;
        *self.fn_params.borrow_mut() = None;
    }

    /// Opens the outermost scope of a function body: the function's parameters.
    pub fn push_function_scope(&self) {
        self.fn_mark.set(self.mark());
        let params = self.fn_params.borrow_mut().take().unwrap_or_default();
        self.scopes.borrow_mut().push(params);
    }

    pub fn begin_decl(&self, is_typedef: bool) {
        self.decls.borrow_mut().push(is_typedef);
    }

    pub fn end_decl(&self) {
        self.decls.borrow_mut().pop();
    }

    /// Reports a diagnostic from a grammar action.
    pub fn report(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    /// The report span of token `i` (or an empty span after the last token).
    pub fn token_span(&self, i: usize) -> Span {
        match self.tokens.get(i) {
            Some(t) => t.report_span(),
            None => match self.tokens.last() {
                Some(t) => {
                    let s = t.report_span();
                    Span { start: s.end, ..s }
                }
                None => Span::default(),
            },
        }
    }

    /// The span covering tokens `[l, r)`: from the first token to the last when both
    /// are in the same file, else the first token's span; an empty span at `l` for an
    /// empty range.
    pub fn span(&self, l: usize, r: usize) -> Span {
        let first = self.token_span(l);
        if r <= l {
            return Span {
                end: first.start,
                ..first
            };
        }
        let last = self.token_span(r - 1);
        if last.file == first.file && last.end >= first.start {
            first.to(last)
        } else {
            first
        }
    }

    /// The spelling of token `i`.
    pub fn text(&self, i: usize) -> Arc<str> {
        self.tokens
            .get(i)
            .map(|t| t.text.clone())
            .unwrap_or_else(|| Arc::from(""))
    }
}
