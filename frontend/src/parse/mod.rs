//! The C parser: tokens from the preprocessor → [`ast::TranslationUnit`], with
//! syntax errors as E02xx diagnostics.
//!
//! Pipeline inside: [`adapter`] turns tokens into terminals (deciding typedef names with
//! the scopes in [`state`]), the lalrpop grammar (`grammar.lalrpop`) builds the tree
//! through [`build`], [`literal`] decodes constants, [`error`] words syntax errors,
//! [`depth`] guards against trees too deep for recursive walkers, [`print`] gives the
//! tree an S-expression text form (snapshots, `--emit=ast`) and [`print_c`] prints it
//! back as C (round-trip tests against clang).
//!
//! Invariants: never panics on any token sequence; always returns a tree (possibly
//! partial when there are errors) and every problem as a diagnostic. The tree never
//! nests deeper than [`depth::MAX_DEPTH`] nor brackets deeper than 256 (E0209), so
//! recursive walkers of it cannot overflow the stack.

mod adapter;
mod build;
pub mod depth;
mod enum_base;
mod error;
pub mod literal;
pub mod print;
pub mod print_c;
mod state;

pub use print::print_ast;
pub use print_c::print_c;

use crate::ast;
use crate::token::Token;
use diag::{Diagnostic, Diagnostics, SourceMap, codes};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused_parens, unused_imports, dead_code)]
    grammar,
    "/parse/grammar.rs"
);

/// Parses a preprocessed token stream. `sources` is where the tokens' spans point (used
/// for nothing but keeping the API symmetric with the other phases today).
pub fn parse(tokens: &[Token], sources: &SourceMap) -> (ast::TranslationUnit, Diagnostics) {
    let st = state::ParseState::new(tokens).with_sources(sources);
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
    let mut diags = st.diags.into_inner();
    if let Some(at) = depth::too_deep(&tu, depth::MAX_DEPTH) {
        let span = tu.span;
        diags.push(
            Diagnostic::error(
                codes::E_PARSE_NESTING,
                format!(
                    "expressions or statements nest deeper than {} levels",
                    depth::MAX_DEPTH
                ),
            )
            .with_label(at, "this is nested too deeply")
            .with_note("split the expression or statement into smaller ones"),
        );
        // Dropping the tree would recurse as deep as it nests: leak it instead (the
        // driver stops on this error).
        std::mem::forget(tu);
        let empty = ast::TranslationUnit {
            items: Vec::new(),
            span,
        };
        return (empty, diags);
    }
    (tu, diags)
}
