//! Splits the text of one instruction (either dialect) into tokens with byte spans:
//! identifiers (mnemonics, registers, symbols), numbers, and punctuation/operators.
//! The same lexer splits the table's templates, so a template literal and the user's
//! text compare token by token.
//!
//! Invariants: tokens never overlap and appear in text order; spans are byte ranges
//! into the lexed text. Operators are matched longest first; LLVM's signed operators
//! (`s>>=`, `s<`, `s/=`, ...) are single tokens.

use super::IsaError;
use diag::codes;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    Ident,
    Num,
    Punct,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub span: Range<usize>,
}

/// Operators and punctuation, longest first where one is a prefix of another (the
/// set [`punct_len`] recognises; kept as the list the lexer is specified by).
#[cfg(test)]
const PUNCTS: &[&str] = &[
    "s>>=", "<<=", ">>=", "s>=", "s<=", "s/=", "s%=", "s>", "s<", "+=", "-=", "*=", "/=", "|=",
    "&=", "%=", "^=", "==", "!=", ">=", "<=", "<", ">", "&", "=", "-", "+", "(", ")", "*", "[",
    "]", ",", "%",
];

/// Length of the operator at the start of `b` (0: none), longest match first; the
/// signed operators (`s>`, `s<=`, ...) before the identifier `s`.
fn punct_len(b: &[u8]) -> usize {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let eq1 = usize::from(at(1) == b'=');
    match at(0) {
        b's' => match (at(1), at(2), at(3)) {
            (b'>', b'>', b'=') => 4,
            (b'>' | b'<' | b'/' | b'%', b'=', _) => 3,
            (b'>' | b'<', _, _) => 2,
            _ => 0,
        },
        b'<' | b'>' if at(1) == at(0) && at(2) == b'=' => 3,
        b'<' | b'>' | b'+' | b'-' | b'*' | b'&' | b'%' | b'=' => 1 + eq1,
        b'/' | b'|' | b'^' | b'!' => 2 * eq1,
        b'(' | b')' | b'[' | b']' | b',' => 1,
        _ => 0,
    }
}

/// Byte classes: bit 0 starts an identifier, bit 1 continues one, bit 2 continues a
/// number (one table lookup instead of a chain of comparisons per byte).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let alpha = b.is_ascii_alphabetic();
        let digit = b.is_ascii_digit();
        let extra = b == b'_' || b == b'.' || b == b'$';
        if alpha || extra {
            t[c] |= 1;
        }
        if alpha || digit || extra {
            t[c] |= 2;
        }
        if alpha || digit || b == b'_' {
            t[c] |= 4;
        }
        c += 1;
    }
    t
};

pub(crate) fn is_ident_start(c: u8) -> bool {
    CLASS[c as usize] & 1 != 0
}

pub(crate) fn is_ident_cont(c: u8) -> bool {
    CLASS[c as usize] & 2 != 0
}

fn is_number_cont(c: u8) -> bool {
    CLASS[c as usize] & 4 != 0
}

/// Tokens of `text`, or an error at the first character that starts no token.
pub(crate) fn lex(text: &str) -> Result<Vec<Tok>, IsaError> {
    let mut toks = Vec::new();
    lex_into(text, &mut toks)?;
    Ok(toks)
}

/// As [`lex`], into `toks` (cleared first), so a caller can reuse one buffer.
pub(crate) fn lex_into(text: &str, toks: &mut Vec<Tok>) -> Result<(), IsaError> {
    toks.clear();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let n = punct_len(&b[i..]);
        if n > 0 {
            i += n;
            toks.push(Tok {
                kind: TokKind::Punct,
                span: start..i,
            });
            continue;
        }
        if is_ident_start(c) {
            while i < b.len() && is_ident_cont(b[i]) {
                i += 1;
            }
            toks.push(Tok {
                kind: TokKind::Ident,
                span: start..i,
            });
        } else if c.is_ascii_digit() {
            while i < b.len() && is_number_cont(b[i]) {
                i += 1;
            }
            toks.push(Tok {
                kind: TokKind::Num,
                span: start..i,
            });
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            return Err(IsaError::new(
                start..start + len,
                codes::E_ISA_BAD_OPERAND,
                format!("unexpected character `{}`", &text[start..start + len]),
            ));
        }
    }
    Ok(())
}

/// Why a number token is not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumError {
    Malformed,
    Overflow,
}

/// The value of a number token: decimal, `0x` hex, `0b` binary, or `0`-prefixed octal
/// (as llvm-mc and GNU as read them).
pub(crate) fn number(text: &str) -> Result<u64, NumError> {
    let (digits, radix) =
        if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (h, 16)
        } else if let Some(b) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
            (b, 2)
        } else if text.len() > 1 && text.starts_with('0') {
            (&text[1..], 8)
        } else {
            (text, 10)
        };
    if digits.is_empty() {
        return Err(NumError::Malformed);
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or(NumError::Malformed)?;
        v = v
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d as u64))
            .ok_or(NumError::Overflow)?;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        lex(s).unwrap().iter().map(|t| &s[t.span.clone()]).collect()
    }

    #[test]
    fn operators_and_signed_operators() {
        assert_eq!(texts("r1 s>>= r2"), ["r1", "s>>=", "r2"]);
        assert_eq!(
            texts("if w1 s<= -3 goto +0x1"),
            ["if", "w1", "s<=", "-", "3", "goto", "+", "0x1"]
        );
        assert_eq!(texts("w1 = (s8)w2"), ["w1", "=", "(", "s8", ")", "w2"]);
        assert_eq!(
            texts("*(u8 *)(r1 + 0x2) = w2"),
            [
                "*", "(", "u8", "*", ")", "(", "r1", "+", "0x2", ")", "=", "w2"
            ]
        );
        assert_eq!(
            texts("ldxw %r0, [%r1-4]"),
            ["ldxw", "%", "r0", ",", "[", "%", "r1", "-", "4", "]"]
        );
        assert_eq!(texts("r1 %= r2"), ["r1", "%=", "r2"]);
        assert_eq!(texts("smod r1, 2"), ["smod", "r1", ",", "2"]);
    }

    /// `punct_len` is the longest-first match over `PUNCTS`, for every short input.
    #[test]
    fn punct_len_matches_the_list() {
        let alphabet = b"s<>=/%+-*|&^!()[],a1 ";
        let mut buf = [0u8; 4];
        let n = alphabet.len();
        for k in 0..n * n * n * n {
            let mut x = k;
            for slot in &mut buf {
                *slot = alphabet[x % n];
                x /= n;
            }
            let want = PUNCTS
                .iter()
                .find(|p| buf.starts_with(p.as_bytes()))
                .map_or(0, |p| p.len());
            assert_eq!(punct_len(&buf), want, "{:?}", std::str::from_utf8(&buf));
        }
    }

    #[test]
    fn bad_character_has_a_span() {
        let e = lex("r1 = @5").unwrap_err();
        assert_eq!(e.span, 5..6);
        assert_eq!(e.code, codes::E_ISA_BAD_OPERAND);
    }

    #[test]
    fn numbers() {
        assert_eq!(number("0x1F"), Ok(31));
        assert_eq!(number("010"), Ok(8));
        assert_eq!(number("0b101"), Ok(5));
        assert_eq!(number("0"), Ok(0));
        assert_eq!(number("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(number("18446744073709551616"), Err(NumError::Overflow));
        assert_eq!(number("12ab"), Err(NumError::Malformed));
        assert_eq!(number("0x"), Err(NumError::Malformed));
    }
}
