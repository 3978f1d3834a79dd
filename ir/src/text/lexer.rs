//! Tokens of the IR text form.
//!
//! Invariants: never panics on any input (bytes outside the grammar become an
//! `E0401` diagnostic); every token carries its byte span. `; @L:C` and `; @F:L:C`
//! are source-location tokens; any other `;` starts a comment to the end of the line.
//! Words may contain dots (`iconst.i32`, `atomic_rmw.add.i64`): the parser splits them.

use diag::{Diagnostic, FileId, Span, codes};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Tok {
    /// A word: letters, digits, `_` and `.`, not starting with a digit.
    Word(String),
    /// `@name`.
    Sym(String),
    /// A decimal or `0x` hexadecimal integer, with optional sign.
    Int(i128),
    /// A string literal, unescaped.
    Str(Vec<u8>),
    /// A source location `; @L:C` or `; @F:L:C`.
    Loc(u32, u32, u32),
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Equals,
    Arrow,
    Ellipsis,
    Eof,
}

impl Tok {
    /// How the token is named in "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Sym(s) => format!("`@{s}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Str(_) => "a string".to_string(),
            Tok::Loc(..) => "a source location".to_string(),
            Tok::LParen => "`(`".to_string(),
            Tok::RParen => "`)`".to_string(),
            Tok::LBrace => "`{`".to_string(),
            Tok::RBrace => "`}`".to_string(),
            Tok::Comma => "`,`".to_string(),
            Tok::Colon => "`:`".to_string(),
            Tok::Equals => "`=`".to_string(),
            Tok::Arrow => "`->`".to_string(),
            Tok::Ellipsis => "`...`".to_string(),
            Tok::Eof => "end of input".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'$'
}

/// Splits `text` into tokens (ending with `Eof`), or reports the first bad character.
pub fn lex(text: &str, file: FileId) -> Result<Vec<Token>, Diagnostic> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let span = |s: usize, e: usize| Span::new(file, s, e);
    let err = |s: usize, e: usize, msg: String| {
        Diagnostic::error(codes::E_IR_LEX, msg.clone()).with_label(Span::new(file, s, e), msg)
    };
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b';' => {
                i += 1;
                while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'@' {
                    i += 1;
                    let mut nums = Vec::new();
                    loop {
                        let ns = i;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                        let digits = text.get(ns..i).unwrap_or("");
                        let n: u32 = digits.parse().map_err(|_| {
                            err(start, i.max(start + 1), "invalid source location".into())
                        })?;
                        nums.push(n);
                        if i < bytes.len() && bytes[i] == b':' && nums.len() < 3 {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    let tok = match nums.as_slice() {
                        [l, c] => Tok::Loc(0, *l, *c),
                        [f, l, c] => Tok::Loc(*f, *l, *c),
                        _ => {
                            return Err(err(
                                start,
                                i,
                                "a source location is `@line:col` or `@file:line:col`".into(),
                            ));
                        }
                    };
                    out.push(Token {
                        tok,
                        span: span(start, i),
                    });
                } else {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
            }
            b'(' | b')' | b'{' | b'}' | b',' | b':' | b'=' => {
                i += 1;
                let tok = match b {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'{' => Tok::LBrace,
                    b'}' => Tok::RBrace,
                    b',' => Tok::Comma,
                    b':' => Tok::Colon,
                    _ => Tok::Equals,
                };
                out.push(Token {
                    tok,
                    span: span(start, i),
                });
            }
            b'.' if bytes.get(i..i + 3) == Some(b"...") => {
                i += 3;
                out.push(Token {
                    tok: Tok::Ellipsis,
                    span: span(start, i),
                });
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                out.push(Token {
                    tok: Tok::Arrow,
                    span: span(start, i),
                });
            }
            b'@' => {
                i += 1;
                while i < bytes.len() && is_word_char(bytes[i]) {
                    i += 1;
                }
                if i == start + 1 {
                    return Err(err(start, i, "expected a symbol name after `@`".into()));
                }
                let name = text.get(start + 1..i).unwrap_or("").to_string();
                out.push(Token {
                    tok: Tok::Sym(name),
                    span: span(start, i),
                });
            }
            b'-' | b'+' | b'0'..=b'9' => {
                let neg = b == b'-';
                if b == b'-' || b == b'+' {
                    i += 1;
                }
                let hex =
                    bytes.get(i) == Some(&b'0') && matches!(bytes.get(i + 1), Some(b'x' | b'X'));
                if hex {
                    i += 2;
                }
                let ds = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let digits = text.get(ds..i).unwrap_or("");
                let parsed = if hex {
                    i128::from_str_radix(digits, 16)
                } else {
                    digits.parse::<i128>()
                };
                let Ok(mag) = parsed else {
                    return Err(err(start, i.max(start + 1), "invalid integer".into()));
                };
                if mag > u64::MAX as i128 {
                    return Err(Diagnostic::error(
                        codes::E_IR_NUMBER,
                        "integer does not fit in 64 bits",
                    )
                    .with_label(span(start, i), "too large"));
                }
                let v = if neg { -mag } else { mag };
                out.push(Token {
                    tok: Tok::Int(v),
                    span: span(start, i),
                });
            }
            b'"' => {
                i += 1;
                let mut s = Vec::new();
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            return Err(err(start, i, "unterminated string".into()));
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let esc = bytes.get(i + 1).copied();
                            match esc {
                                Some(b'n') => s.push(b'\n'),
                                Some(b't') => s.push(b'\t'),
                                Some(b'\\') => s.push(b'\\'),
                                Some(b'"') => s.push(b'"'),
                                Some(b'x') => {
                                    let h = text.get(i + 2..i + 4).unwrap_or("");
                                    let Ok(v) = u8::from_str_radix(h, 16) else {
                                        return Err(err(
                                            i,
                                            i + 2,
                                            "expected two hex digits after `\\x`".into(),
                                        ));
                                    };
                                    if h.len() != 2 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                                        return Err(err(
                                            i,
                                            i + 2,
                                            "expected two hex digits after `\\x`".into(),
                                        ));
                                    }
                                    s.push(v);
                                    i += 2;
                                }
                                _ => return Err(err(i, i + 2, "unknown escape".into())),
                            }
                            i += 2;
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                out.push(Token {
                    tok: Tok::Str(s),
                    span: span(start, i),
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && is_word_char(bytes[i]) {
                    i += 1;
                }
                let w = text.get(start..i).unwrap_or("").to_string();
                out.push(Token {
                    tok: Tok::Word(w),
                    span: span(start, i),
                });
            }
            _ => {
                // Step over a whole UTF-8 character for the span.
                let mut e = i + 1;
                while e < bytes.len() && !text.is_char_boundary(e) {
                    e += 1;
                }
                return Err(err(start, e, "unexpected character".into()));
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        span: span(bytes.len(), bytes.len()),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s, FileId(0))
            .map(|v| v.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn words_symbols_numbers_strings_locations() {
        assert_eq!(
            toks("v1 = iconst.i32 -5 ; @3:7\n; comment\n@x.y \"a\\x01\" 0x10 -> ... ; @2:3:4"),
            vec![
                Tok::Word("v1".into()),
                Tok::Equals,
                Tok::Word("iconst.i32".into()),
                Tok::Int(-5),
                Tok::Loc(0, 3, 7),
                Tok::Sym("x.y".into()),
                Tok::Str(vec![b'a', 1]),
                Tok::Int(16),
                Tok::Arrow,
                Tok::Ellipsis,
                Tok::Loc(2, 3, 4),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn bad_input_is_a_diagnostic() {
        for bad in [
            "#",
            "\"abc",
            "\"\\q\"",
            "@",
            "0xzz",
            "99999999999999999999999",
            "; @1",
            "é",
            "\"\\x4\"",
        ] {
            let e = lex(bad, FileId(0)).err();
            assert!(e.is_some(), "{bad:?} should fail");
        }
    }
}
