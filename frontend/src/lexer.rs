//! The C lexer (C17 6.4): turns one file's text into preprocessing tokens with byte
//! spans, through the logos `Tok` enum of `token.rs`.
//!
//! Invariants:
//! - The output never contains `Tok::Newline` or `Tok::LineContinuation`; instead each
//!   token records `bol` (first token of a logical line, C17 5.1.1.2 phase 2 joins
//!   backslash-newlines) and `space` (whitespace or a comment precedes it on its line).
//! - Characters that start no token are kept as `kind: None` tokens rather than being
//!   reported here: the preprocessor reports them only in groups that are not skipped
//!   (C17 6.10.1p6: skipped groups are only scanned for directives), as clang does.
//! - An unterminated `/*` swallows the rest of the file into one bad token; an
//!   unterminated string or character literal swallows the rest of its line.

use crate::token::{Tok, Token};
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, Span, codes};
use logos::Logos;
use std::sync::Arc;

/// Why a lexed token is not a C token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadKind {
    UnterminatedComment,
    UnterminatedLiteral,
    BadChar,
}

/// One preprocessing token of a file: a kind (or why it is bad) and a byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawTok {
    pub kind: Result<Tok, BadKind>,
    pub start: u32,
    pub end: u32,
    /// First token of its logical line (directives start only here).
    pub bol: bool,
    /// Whitespace or a comment comes before it on the same logical line.
    pub space: bool,
}

/// Lexes a whole file. Never fails: bad input becomes tokens with an `Err` kind.
pub fn lex(text: &str) -> Vec<RawTok> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut lexer = Tok::lexer(text);
    let mut bol = true;
    let mut prev_end = 0usize;
    // A UTF-8 byte order mark is not part of the program (clang skips it too).
    if text.starts_with('\u{feff}') {
        lexer.bump('\u{feff}'.len_utf8());
        prev_end = '\u{feff}'.len_utf8();
    }
    let bytes = text.as_bytes();
    while let Some(res) = lexer.next() {
        let span = lexer.span();
        let kind = match res {
            Ok(Tok::Newline) => {
                bol = true;
                prev_end = span.end;
                continue;
            }
            // A backslash-newline is not whitespace: `;\<newline>}` has no space.
            Ok(Tok::LineContinuation) => {
                if span.start == prev_end {
                    prev_end = span.end;
                }
                continue;
            }
            Ok(t @ (Tok::IntLit | Tok::FloatLit)) => {
                let extra = pp_number_tail(bytes, span.end);
                if extra == 0 {
                    Ok(t)
                } else {
                    lexer.bump(extra);
                    Ok(pp_number_kind(
                        text.get(span.start..span.end + extra).unwrap_or(""),
                    ))
                }
            }
            Ok(t) => Ok(t),
            // The comment callback ran to the end of the input without finding `*/`.
            Err(()) if text.get(span.start..).is_some_and(|r| r.starts_with("/*")) => {
                Err(BadKind::UnterminatedComment)
            }
            Err(()) => match bytes.get(span.start) {
                Some(b'"' | b'\'') => {
                    let rest = &bytes[span.end.min(bytes.len())..];
                    let to_eol = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                    lexer.bump(to_eol);
                    Err(BadKind::UnterminatedLiteral)
                }
                _ => Err(BadKind::BadChar),
            },
        };
        let span = lexer.span();
        out.push(RawTok {
            kind,
            start: clamp(span.start),
            end: clamp(span.end),
            bol,
            space: span.start > prev_end,
        });
        bol = false;
        prev_end = span.end;
    }
    out
}

/// How many bytes after `at` continue a preprocessing number (C17 6.4.8: digits,
/// letters, `_`, `.`, and `+`/`-` after `e`, `E`, `p`, `P`). The logos literal rules stop
/// at the first character that makes no valid literal (`0x` of `0x##ff`, `1e` of
/// `1e+`, hex floats); the preprocessor must see the whole pp-number as one token.
fn pp_number_tail(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        let sign_after_exp = matches!(b, b'+' | b'-')
            && i > 0
            && matches!(bytes.get(i - 1), Some(b'e' | b'E' | b'p' | b'P'));
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || sign_after_exp {
            i += 1;
        } else {
            break;
        }
    }
    i - at
}

/// The kind of a pp-number that is not a well-formed literal: floating if it has a
/// `.` or an exponent (decimal `e`, hexadecimal `p`), else integer. The parser's
/// literal decoder reports the malformed ones, with their location.
fn pp_number_kind(text: &str) -> Tok {
    let hex = text.starts_with("0x") || text.starts_with("0X");
    let exp = if hex { ['p', 'P'] } else { ['e', 'E'] };
    if text.contains('.') || text.contains(exp) {
        Tok::FloatLit
    } else {
        Tok::IntLit
    }
}

fn clamp(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Lexes a string that must be exactly one token (for `##` pasting); `None` if it is
/// not a single valid token.
pub fn lex_single(text: &str) -> Option<Tok> {
    let mut lexer = Tok::lexer(text);
    let first = lexer.next()?.ok()?;
    if lexer.span().start != 0 || lexer.span().end != text.len() || lexer.next().is_some() {
        return None;
    }
    match first {
        Tok::Newline | Tok::LineContinuation => None,
        t => Some(t),
    }
}

/// The diagnostic for a bad token at `span`.
pub fn bad_token_diagnostic(kind: BadKind, span: Span, text: &str) -> Diagnostic {
    match kind {
        BadKind::UnterminatedComment => {
            let head = Span::new(span.file, span.start as usize, span.start as usize + 2);
            Diagnostic::error(codes::E_PP_UNTERMINATED_COMMENT, "unterminated /* comment")
                .with_label(head, "comment starts here and never ends")
        }
        BadKind::UnterminatedLiteral => {
            let quote = text.chars().next().unwrap_or('"');
            let head = Span::new(span.file, span.start as usize, span.start as usize + 1);
            Diagnostic::error(
                codes::E_PP_UNTERMINATED_LITERAL,
                format!("missing terminating {quote} character"),
            )
            .with_label(head, "literal starts here and is not closed on this line")
        }
        BadKind::BadChar => {
            let c = text.chars().next().unwrap_or('?');
            let width = c.len_utf8().max(1);
            let head = Span::new(span.file, span.start as usize, span.start as usize + width);
            Diagnostic::error(
                codes::E_PP_BAD_CHAR,
                format!("unexpected character `{}`", c.escape_debug()),
            )
            .with_label(head, "no C token starts with this character")
        }
    }
}

/// Lexes one file of `sources` into tokens without preprocessing (no directives, no
/// macros): for tools and tests. Bad characters become diagnostics.
pub fn tokenize(file: FileId, sources: &SourceMap) -> (Vec<Token>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut toks = Vec::new();
    let Some(src) = sources.get(file) else {
        return (toks, diags);
    };
    let text = &*src.text;
    for t in lex(text) {
        let span = Span::new(file, t.start as usize, t.end as usize);
        let spelling = text.get(t.start as usize..t.end as usize).unwrap_or("");
        match t.kind {
            Ok(tok) => toks.push(Token {
                tok,
                text: Arc::from(spelling),
                span,
                expansion: None,
            }),
            Err(kind) => diags.push(bad_token_diagnostic(kind, span, spelling)),
        }
    }
    (toks, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Result<Tok, BadKind>, bool, bool)> {
        lex(text).iter().map(|t| (t.kind, t.bol, t.space)).collect()
    }

    #[test]
    fn tracks_line_starts_and_spacing() {
        let k = kinds("a b\n  c(d)\\\n e /* x\n */ f;\\\ng");
        assert_eq!(
            k,
            vec![
                (Ok(Tok::Ident), true, false),
                (Ok(Tok::Ident), false, true),
                (Ok(Tok::Ident), true, true),
                (Ok(Tok::LParen), false, false),
                (Ok(Tok::Ident), false, false),
                (Ok(Tok::RParen), false, false),
                (Ok(Tok::Ident), false, true),
                (Ok(Tok::Ident), false, true),
                (Ok(Tok::Semi), false, false),
                (Ok(Tok::Ident), false, false),
            ]
        );
    }

    #[test]
    fn bad_input_becomes_bad_tokens() {
        let k = kinds("a @ \"abc\nb /* never");
        assert_eq!(k[1].0, Err(BadKind::BadChar));
        assert_eq!(k[2].0, Err(BadKind::UnterminatedLiteral));
        assert_eq!(k[3].0, Ok(Tok::Ident));
        assert!(k[3].1, "b starts a line");
        assert_eq!(k[4].0, Err(BadKind::UnterminatedComment));
        assert_eq!(k.len(), 5);
    }

    #[test]
    fn byte_order_mark_and_crlf_are_accepted() {
        let k = kinds("\u{feff}#define X 1\r\nX \\\r\n+ 1\r\n");
        assert_eq!(k.len(), 7);
        assert_eq!(k[0], (Ok(Tok::Hash), true, false));
        assert_eq!(k[4], (Ok(Tok::Ident), true, false));
        assert_eq!(k[5], (Ok(Tok::Plus), false, true));
    }

    #[test]
    fn pp_numbers_are_one_token() {
        let k = |t: &str| -> Vec<(Result<Tok, BadKind>, u32)> {
            lex(t).iter().map(|r| (r.kind, r.end - r.start)).collect()
        };
        assert_eq!(k("0x"), vec![(Ok(Tok::IntLit), 2)]);
        assert_eq!(k("0x1p-3"), vec![(Ok(Tok::FloatLit), 6)]);
        assert_eq!(k("1e+5f"), vec![(Ok(Tok::FloatLit), 5)]);
        assert_eq!(
            k("123abc+1"),
            vec![
                (Ok(Tok::IntLit), 6),
                (Ok(Tok::Plus), 1),
                (Ok(Tok::IntLit), 1)
            ]
        );
        assert_eq!(
            k("0xffULL-1"),
            vec![
                (Ok(Tok::IntLit), 7),
                (Ok(Tok::Minus), 1),
                (Ok(Tok::IntLit), 1)
            ]
        );
        assert_eq!(lex_single("0xff"), Some(Tok::IntLit));
    }

    #[test]
    fn single_token_check_for_pasting() {
        assert_eq!(lex_single("foo_bar"), Some(Tok::Ident));
        assert_eq!(lex_single("->"), Some(Tok::Arrow));
        assert_eq!(lex_single("int"), Some(Tok::KwInt));
        assert_eq!(lex_single("+-"), None);
        assert_eq!(lex_single(""), None);
    }

    #[test]
    fn tokenize_reports_bad_characters_with_location() {
        let mut map = SourceMap::new();
        let f = map.add("t.c", "int x = 1 @ 2;\n");
        let (toks, diags) = tokenize(f, &map);
        assert_eq!(toks.len(), 6);
        assert_eq!(diags.items.len(), 1);
        assert_eq!(
            map.location(diags.items[0].primary_span().unwrap_or_default()),
            "t.c:1:11"
        );
    }
}
