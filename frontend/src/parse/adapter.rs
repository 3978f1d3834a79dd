//! The token adapter between the preprocessor's `Vec<Token>` and the lalrpop parser:
//! yields `(token index, Term, token index + 1)` triples.
//!
//! Invariants:
//! - Locations are token indices, not byte offsets (tokens come from several files);
//!   [`ParseState::span`] turns them back into spans.
//! - An `Ident` is classified when it is pulled (one token ahead of the parser): a
//!   typedef name visible in the parser's scopes becomes [`Term::TypeName`]. The
//!   grammar keeps scope changes off identifier lookaheads (see `state.rs`).
//! - `__extension__` is dropped (it only silences pedantic warnings), and so are stray
//!   `Newline`/`LineContinuation` tokens. The GNU builtins that take type names
//!   (`__builtin_types_compatible_p`, `__builtin_choose_expr`, `__builtin_va_arg`) get
//!   their own terminals, since the lexer spells them as identifiers.
//! - The `:` of an enum-base becomes [`Term::EnumBase`] and the base's end gets a
//!   zero-width [`Term::EnumBaseEnd`] (see [`super::enum_base`]).
//! - Input nested deeper than [`MAX_NESTING`] brackets ends the token stream with an
//!   E0209 error (and silences the parse errors that follow from the cut).

use super::state::ParseState;
use crate::token::Tok;
use diag::{Diagnostic, codes};
use std::sync::Arc;

/// Deepest nesting of `(`, `[` and `{` accepted, as clang's `-fbracket-depth` default:
/// it bounds the recursion of every later phase that walks the tree.
pub const MAX_NESTING: usize = 256;

/// A parser terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A keyword or punctuator (the lalrpop grammar matches the `Tok` variant).
    P(Tok),
    Ident(Arc<str>),
    TypeName(Arc<str>),
    Int(Arc<str>),
    Float(Arc<str>),
    Char(Arc<str>),
    Str(Arc<str>),
    TypesCompatible,
    ChooseExpr,
    VaArg,
    /// The `:` that opens an enum-base (C23 6.7.2.2), not a bit-field width.
    EnumBase,
    /// Zero-width: the end of an enum-base's specifier-qualifier list.
    EnumBaseEnd,
}

/// Iterates over the tokens for the parser.
pub struct Adapter<'s, 't> {
    state: &'s ParseState<'t>,
    pos: usize,
    depth: usize,
    /// Where the open enum-base ends (see [`super::enum_base`]).
    base_end: Option<usize>,
}

impl<'s, 't> Adapter<'s, 't> {
    pub fn new(state: &'s ParseState<'t>) -> Self {
        Adapter {
            state,
            pos: 0,
            depth: 0,
            base_end: None,
        }
    }
}

impl Iterator for Adapter<'_, '_> {
    type Item = Result<(usize, Term, usize), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.state.stopped.get() {
                return None;
            }
            let i = self.pos;
            if self.base_end == Some(i) {
                self.base_end = None;
                return Some(Ok((i, Term::EnumBaseEnd, i)));
            }
            let tok = self.state.tokens.get(i)?;
            self.pos += 1;
            // (The spelling is shared only by the terminals that carry it.)
            let text = || tok.text.clone();
            let term = match tok.tok {
                Tok::KwExtension | Tok::Newline | Tok::LineContinuation => continue,
                Tok::Ident => match &*tok.text {
                    "__builtin_types_compatible_p" => Term::TypesCompatible,
                    "__builtin_choose_expr" => Term::ChooseExpr,
                    "__builtin_va_arg" => Term::VaArg,
                    t if self.state.is_typedef(t) => Term::TypeName(text()),
                    _ => Term::Ident(text()),
                },
                Tok::Colon => {
                    match super::enum_base::base_end(self.state.tokens, i, |n| {
                        self.state.is_typedef(n)
                    }) {
                        Some(end) => {
                            self.base_end = Some(end);
                            Term::EnumBase
                        }
                        None => Term::P(Tok::Colon),
                    }
                }
                Tok::IntLit => Term::Int(text()),
                Tok::FloatLit => Term::Float(text()),
                Tok::CharLit => Term::Char(text()),
                Tok::StrLit => Term::Str(text()),
                Tok::LParen | Tok::LBracket | Tok::LBrace => {
                    self.depth += 1;
                    if self.depth > MAX_NESTING {
                        self.state.report(
                            Diagnostic::error(
                                codes::E_PARSE_NESTING,
                                format!(
                                    "bracket nesting level exceeds the maximum of {MAX_NESTING}"
                                ),
                            )
                            .with_label(tok.report_span(), "nested too deeply here"),
                        );
                        self.state.stopped.set(true);
                        self.pos = self.state.tokens.len();
                        return None;
                    }
                    Term::P(tok.tok)
                }
                Tok::RParen | Tok::RBracket | Tok::RBrace => {
                    self.depth = self.depth.saturating_sub(1);
                    Term::P(tok.tok)
                }
                other => Term::P(other),
            };
            return Some(Ok((i, term, i + 1)));
        }
    }
}
