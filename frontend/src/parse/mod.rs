//! The C parser: tokens from the preprocessor → [`ast::TranslationUnit`], with
//! syntax errors as E02xx diagnostics.
//!
//! Pipeline inside: [`adapter`] turns tokens into terminals (deciding typedef names with
//! the scopes in [`state`]), the lalrpop grammar (`grammar.lalrpop`) builds the tree
//! through [`build`], [`literal`] decodes constants, [`error`] words syntax errors, and
//! [`print`] gives the tree a text form for snapshots and `--emit=ast`.
//!
//! Invariants: never panics on any token sequence; always returns a tree (possibly
//! partial when there are errors) and every problem as a diagnostic.

mod adapter;
mod build;
mod error;
pub mod literal;
pub mod print;
mod state;

pub use print::print_ast;

use crate::ast;
use crate::token::Token;
use diag::{Diagnostics, SourceMap};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused_parens, unused_imports, dead_code)]
    grammar,
    "/parse/grammar.rs"
);

/// Parses a preprocessed token stream. `sources` is where the tokens' spans point (used
/// for nothing but keeping the API symmetric with the other phases today).
pub fn parse(tokens: &[Token], sources: &SourceMap) -> (ast::TranslationUnit, Diagnostics) {
    let _ = sources;
    let st = state::ParseState::new(tokens);
    let parser = grammar::TranslationUnitParser::new();
    let result = parser.parse(&st, adapter::Adapter::new(&st));
    let tu = match result {
        Ok(tu) => tu,
        Err(e) => {
            error::report(&st, e);
            ast::TranslationUnit {
                items: Vec::new(),
                span: st.span(0, tokens.len()),
            }
        }
    };
    let diags = st.diags.into_inner();
    (tu, diags)
}
