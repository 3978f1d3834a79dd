//! Syntax errors: lalrpop's `ParseError`s become E02xx diagnostics in rustc style
//! ("expected `;`, found `}`"), listing the few most useful expected tokens.
//!
//! Invariants:
//! - One error per statement: after an error, further errors are reported only once a
//!   `;` or `}` has been passed (error recovery resumes there), so one typo does not
//!   produce a cascade. At most [`MAX_ERRORS`] are reported, then one E0208 error,
//!   and the parse stops (the adapter ends the token stream).
//! - Token indices come from the adapter; out-of-range indices map to the end of input.

use super::adapter::Term;
use super::state::ParseState;
use crate::token::Tok;
use diag::{Diagnostic, codes};
use lalrpop_util::{ErrorRecovery, ParseError};

/// How many syntax errors are reported before the parser goes quiet.
pub const MAX_ERRORS: usize = 20;

/// How many syntax errors (reported or not) the parser recovers from before stopping.
pub const MAX_RAW_ERRORS: usize = 500;

/// Error-recovery hook of the grammar (`!` rules).
pub fn recover(st: &ParseState, e: ErrorRecovery<usize, Term, ()>) {
    report(st, e.error);
}

/// Reports one lalrpop error (deduplicated, see the module docs).
pub fn report(st: &ParseState, err: ParseError<usize, Term, ()>) {
    if st.stopped.get() {
        return;
    }
    let at = match &err {
        ParseError::InvalidToken { location } => *location,
        ParseError::UnrecognizedEof { location, .. } => *location,
        ParseError::UnrecognizedToken { token, .. } => token.0,
        ParseError::ExtraToken { token } => token.0,
        ParseError::User { .. } => st.tokens.len(),
    };
    if st.error_count.get() > MAX_ERRORS {
        return;
    }
    // Every error costs a recovery; after this many (most of them not reported, being
    // cascades) the parse stops, keeping garbage input linear.
    st.raw_errors.set(st.raw_errors.get() + 1);
    if st.raw_errors.get() > MAX_RAW_ERRORS && st.error_count.get() > 0 {
        st.stopped.set(true);
        return;
    }
    if let Some(prev) = st.last_error_at.get() {
        // Scan only the tokens not scanned before (linear over the whole input).
        let from = st.scanned_to.get().max(prev);
        if at > from {
            let found = st
                .tokens
                .get(from..at)
                .is_some_and(|ts| ts.iter().any(|t| matches!(t.tok, Tok::Semi | Tok::RBrace)));
            st.boundary_seen.set(st.boundary_seen.get() || found);
            st.scanned_to.set(at);
        }
        if at <= prev || !st.boundary_seen.get() {
            return;
        }
    }
    st.last_error_at.set(Some(at));
    st.scanned_to.set(at);
    st.boundary_seen.set(false);
    let count = st.error_count.get() + 1;
    st.error_count.set(count);
    if count > MAX_ERRORS {
        st.report(
            Diagnostic::error(
                codes::E_PARSE_TOO_MANY_ERRORS,
                format!("too many syntax errors ({MAX_ERRORS}); stopping here"),
            )
            .with_label(st.token_span(at), "no more errors are reported after this"),
        );
        // Stop parsing: the adapter ends the token stream.
        st.stopped.set(true);
        return;
    }
    let diag = match err {
        ParseError::UnrecognizedEof { expected, .. } => Diagnostic::error(
            codes::E_PARSE_EOF,
            format!(
                "expected {}, found end of input",
                describe_expected(&expected)
            ),
        )
        .with_label(st.token_span(at), "the input ends here"),
        ParseError::UnrecognizedToken {
            token: (l, t, _),
            expected,
        } if unknown_type_name(st, l, &t, &expected).is_some() => {
            let at = unknown_type_name(st, l, &t, &expected).unwrap_or(l);
            Diagnostic::error(
                codes::E_PARSE_UNEXPECTED,
                format!("unknown type name `{}`", st.text(at)),
            )
            .with_label(st.token_span(at), "not a type name in this scope")
            .with_note("declare it with `typedef` (or include the header that does) before using it as a type")
        }
        ParseError::UnrecognizedToken {
            token: (l, t, _),
            expected,
        } => {
            let found = describe_found(st, l, &t);
            let msg = if t == Term::P(Tok::Hash) || t == Term::P(Tok::HashHash) {
                format!("stray {found} in program")
            } else if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}, found {found}", describe_expected(&expected))
            };
            let label = match short_expected(&expected) {
                Some(e) => format!("expected {e}"),
                None => "unexpected token".to_string(),
            };
            match missing_semi_at(st, l, &expected) {
                // The `;` belongs at the end of the previous line (clang: "expected ';'
                // at end of declaration"); the token that revealed it is context.
                Some(end) => Diagnostic::error(codes::E_PARSE_UNEXPECTED, msg)
                    .with_label(end, "expected `;` here")
                    .with_secondary(st.token_span(l), "unexpected token"),
                None => Diagnostic::error(codes::E_PARSE_UNEXPECTED, msg)
                    .with_label(st.token_span(l), label),
            }
        }
        ParseError::ExtraToken { token: (l, t, _) } => Diagnostic::error(
            codes::E_PARSE_UNEXPECTED,
            format!("unexpected {}", describe_found(st, l, &t)),
        )
        .with_label(st.token_span(l), "unexpected token"),
        ParseError::InvalidToken { .. } | ParseError::User { .. } => {
            Diagnostic::error(codes::E_PARSE_UNEXPECTED, "invalid token")
                .with_label(st.token_span(at), "here")
        }
    };
    st.report(diag);
}

/// Where a forgotten `;` goes: right after the token before `l`, when `;` could have
/// come next and the token at `l` starts a later line (in the same file, outside macro
/// expansions).
fn missing_semi_at(st: &ParseState, l: usize, expected: &[String]) -> Option<diag::Span> {
    if !expected.iter().any(|e| e == "\";\"") {
        return None;
    }
    let prev = st.tokens.get(l.checked_sub(1)?)?;
    let cur = st.tokens.get(l)?;
    if prev.expansion.is_some() || cur.expansion.is_some() || prev.span.file != cur.span.file {
        return None;
    }
    let between = st
        .sources?
        .get(cur.span.file)?
        .text
        .get(prev.span.end as usize..cur.span.start as usize)?;
    between.contains('\n').then_some(diag::Span {
        start: prev.span.end,
        end: prev.span.end,
        ..prev.span
    })
}

/// The index of an identifier that was evidently meant as a type name (clang's
/// "unknown type name"): `foo_t x` where the parser read `foo_t` as an expression and
/// then met `x`, or an identifier where a type was expected, followed by a name or `*`.
fn unknown_type_name(st: &ParseState, l: usize, t: &Term, expected: &[String]) -> Option<usize> {
    let is_ident = |i: usize| st.tokens.get(i).is_some_and(|t| t.tok == Tok::Ident);
    if !matches!(t, Term::Ident(_)) {
        return None;
    }
    let expects = |name: &str| expected.iter().any(|e| e == name);
    // `foo_t x` at the start of a statement, where `foo_t` began an expression.
    let statement_start = l < 2
        || st
            .tokens
            .get(l - 2)
            .is_some_and(|t| matches!(t.tok, Tok::Semi | Tok::LBrace | Tok::RBrace | Tok::Colon));
    if l > 0
        && is_ident(l - 1)
        && statement_start
        && expects("\"+\"")
        && !expects("Ident")
        && !st.is_typedef(&st.text(l - 1))
    {
        return Some(l - 1);
    }
    let next_is_name_or_star =
        is_ident(l + 1) || st.tokens.get(l + 1).is_some_and(|t| t.tok == Tok::Star);
    if expects("\"int\"") && !expects("Ident") && next_is_name_or_star {
        return Some(l);
    }
    None
}

/// How the found token is named in a message.
fn describe_found(st: &ParseState, index: usize, t: &Term) -> String {
    let text = st.text(index);
    match t {
        Term::Ident(_) => format!("identifier `{text}`"),
        Term::TypeName(_) => format!("type name `{text}`"),
        Term::Int(_) | Term::Float(_) => format!("number `{text}`"),
        Term::Char(_) => format!("character constant {text}"),
        Term::Str(_) => "string literal".to_string(),
        _ => format!("`{text}`"),
    }
}

/// Expected tokens, most useful first: closing punctuation, then names, then the rest.
fn ranked(expected: &[String]) -> Vec<String> {
    const PRIORITY: &[&str] = &[
        "\";\"", "\")\"", "\"]\"", "\"}\"", "\",\"", "\":\"", "\"=\"", "\"(\"", "\"{\"", "Ident",
    ];
    let mut out: Vec<String> = PRIORITY
        .iter()
        .filter(|p| expected.iter().any(|e| e == *p))
        .map(|p| pretty(p))
        .collect();
    for e in expected {
        if !PRIORITY.contains(&e.as_str()) {
            let p = pretty(e);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// A grammar terminal name as users know it.
fn pretty(terminal: &str) -> String {
    match terminal {
        "Ident" => "identifier".to_string(),
        "TypedefName" => "type name".to_string(),
        "IntLit" | "FloatLit" => "number".to_string(),
        "CharLit" => "character constant".to_string(),
        "StrLit" => "string literal".to_string(),
        t => format!("`{}`", t.trim_matches('"')),
    }
}

fn describe_expected(expected: &[String]) -> String {
    let parts = summary(expected);
    match parts.len() {
        0 => "something else".to_string(),
        1 => parts.join(""),
        2 => format!("{} or {}", parts[0], parts[1]),
        _ => format!("one of {}", parts.join(", ")),
    }
}

/// The expected set in words: the closing punctuation users most often forget, then
/// "expression" / "type" / "identifier" for whole classes of tokens, or the first few
/// expected tokens when no class applies.
fn summary(expected: &[String]) -> Vec<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let mut parts: Vec<String> = [
        "\";\"", "\")\"", "\"]\"", "\"}\"", "\",\"", "\":\"", "\"=\"",
    ]
    .iter()
    .filter(|p| has(p))
    .map(|p| pretty(p))
    .collect();
    let before = parts.len();
    if has("IntLit") {
        parts.push("expression".to_string());
    } else if has("\"int\"") {
        parts.push("a type".to_string());
    } else if has("Ident") {
        parts.push("identifier".to_string());
    }
    if parts.len() == before && parts.len() < 2 {
        for p in ranked(expected) {
            if parts.len() >= 4 {
                break;
            }
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
    }
    parts.truncate(5);
    parts
}

fn short_expected(expected: &[String]) -> Option<String> {
    let parts = summary(expected);
    match parts.len() {
        0 => None,
        1 => Some(parts.join("")),
        _ => Some(format!("{} or {}", parts[0], parts[1])),
    }
}
