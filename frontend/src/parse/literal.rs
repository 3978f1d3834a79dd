//! Decoding of literal tokens: integer constants (C17 6.4.4.1, with their type for the
//! BPF LP64 model), floating constants (6.4.4.2, decimal and hexadecimal), character constants (6.4.4.4) and string literals (6.4.5, with
//! concatenation of adjacent pieces).
//!
//! Invariants:
//! - Never panics on any spelling; problems come back as `(code, message)` for the
//!   grammar action to report at the token's span.
//! - `char` is signed on BPF (as clang's `-target bpf`): `'\xff'` has value -1.
//! - Escapes are decoded per piece before concatenation (`"\x1" "2"` is two units).

use crate::ast::{CharLit, CharPrefix, IntLit, IntLitType, IntSuffix, Radix};
use crate::types::FloatKind;
use diag::{Code, codes};

pub type LitError = (Code, String);

/// Decodes an integer constant's spelling (`0x1fULL`, `0b101`, `017`, `42u`).
pub fn parse_int(text: &str) -> Result<IntLit, LitError> {
    let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let suffix_text = text.get(body.len()..).unwrap_or("");
    let suffix = parse_suffix(suffix_text).ok_or_else(|| {
        (
            codes::E_PARSE_BAD_NUMBER,
            format!("invalid suffix `{suffix_text}` on integer constant"),
        )
    })?;
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (Radix::Hex, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (Radix::Binary, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (Radix::Octal, lower.get(1..).unwrap_or(""))
    } else {
        (Radix::Decimal, lower.as_str())
    };
    let base: u32 = match radix {
        Radix::Decimal => 10,
        Radix::Octal => 8,
        Radix::Hex => 16,
        Radix::Binary => 2,
    };
    if digits.is_empty() {
        return Err((
            codes::E_PARSE_BAD_NUMBER,
            format!("integer constant `{text}` has no digits"),
        ));
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        let Some(d) = c.to_digit(base) else {
            return Err((
                codes::E_PARSE_BAD_NUMBER,
                format!(
                    "invalid digit `{c}` in {} constant `{text}`",
                    radix_name(radix)
                ),
            ));
        };
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if overflow {
        return Err((
            codes::E_PARSE_INT_TOO_LARGE,
            format!("integer constant `{text}` is too large for any integer type"),
        ));
    }
    Ok(IntLit {
        value,
        radix,
        suffix,
        ty: int_type(value, radix, suffix),
    })
}

/// Decodes a floating constant's spelling (`1.5`, `2e-3f`, `0x1.8p3`, `1.0L`) into its
/// value and type. A `float` constant is rounded once, directly to binary32, as clang.
pub fn parse_float(text: &str) -> Result<(f64, FloatKind), LitError> {
    let bad = || {
        (
            codes::E_PARSE_BAD_NUMBER,
            format!("invalid floating point constant `{text}`"),
        )
    };
    let (body, kind) = match text.as_bytes().last() {
        Some(b'f' | b'F') if !is_hex_float(text) || text.contains(['p', 'P']) => {
            (&text[..text.len() - 1], FloatKind::Float)
        }
        Some(b'l' | b'L') => (&text[..text.len() - 1], FloatKind::LongDouble),
        _ => (text, FloatKind::Double),
    };
    let value = if is_hex_float(body) {
        hex_float(&body[2..]).ok_or_else(bad)?
    } else if kind == FloatKind::Float {
        f64::from(body.parse::<f32>().map_err(|_| bad())?)
    } else {
        body.parse::<f64>().map_err(|_| bad())?
    };
    let value = match kind {
        FloatKind::Float => f64::from(value as f32),
        _ => value,
    };
    Ok((value, kind))
}

fn is_hex_float(text: &str) -> bool {
    text.starts_with("0x") || text.starts_with("0X")
}

/// The value of a hexadecimal floating constant after `0x`: hex digits with an optional
/// point, then a mandatory binary exponent `p±N`.
fn hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    // Keep the first 30 hex digits exactly (120 bits, more than binary64 needs to round
    // correctly save for ties far below); scale by the remaining digits' weight.
    let mut m: u128 = 0;
    let mut scale: i32 = exp;
    let mut kept = 0;
    for (i, c) in int_part.chars().chain(frac_part.chars()).enumerate() {
        let d = c.to_digit(16)?;
        let in_frac = i >= int_part.len();
        if kept < 30 {
            m = m * 16 + u128::from(d);
            if m != 0 {
                kept += 1;
            }
            if in_frac {
                scale -= 4;
            }
        } else if !in_frac {
            scale += 4;
        }
    }
    Some((m as f64) * 2f64.powi(scale))
}

fn radix_name(r: Radix) -> &'static str {
    match r {
        Radix::Decimal => "decimal",
        Radix::Octal => "octal",
        Radix::Hex => "hexadecimal",
        Radix::Binary => "binary",
    }
}

/// `u`, `l`, `ll` in any case and order (but `lL` is not `ll`).
fn parse_suffix(s: &str) -> Option<IntSuffix> {
    let mut suffix = IntSuffix::default();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['u', 'U']) {
            if suffix.unsigned {
                return None;
            }
            suffix.unsigned = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("ll").or_else(|| rest.strip_prefix("LL")) {
            if suffix.longs != 0 {
                return None;
            }
            suffix.longs = 2;
            rest = r;
        } else if let Some(r) = rest.strip_prefix(['l', 'L']) {
            if suffix.longs != 0 {
                return None;
            }
            suffix.longs = 1;
            rest = r;
        } else {
            return None;
        }
    }
    Some(suffix)
}

/// The first type of C17 6.4.4.1p5's list that can represent `value` (LP64: int is 32
/// bits, long and long long 64). A decimal constant above `LLONG_MAX` without `u`
/// becomes `unsigned long long`, as clang does.
fn int_type(value: u64, radix: Radix, suffix: IntSuffix) -> IntLitType {
    use IntLitType::*;
    let decimal = radix == Radix::Decimal;
    let candidates: &[IntLitType] = match (suffix.unsigned, suffix.longs, decimal) {
        (false, 0, true) => &[Int, Long],
        (false, 0, false) => &[Int, UInt, Long, ULong],
        (true, 0, _) => &[UInt, ULong],
        (false, 1, true) => &[Long],
        (false, 1, false) => &[Long, ULong],
        (true, 1, _) => &[ULong],
        (false, _, true) => &[LongLong],
        (false, _, false) => &[LongLong, ULongLong],
        (true, _, _) => &[ULongLong],
    };
    let fits = |t: IntLitType| match t {
        Int => value <= i32::MAX as u64,
        UInt => value <= u64::from(u32::MAX),
        Long | LongLong => value <= i64::MAX as u64,
        ULong | ULongLong => true,
    };
    candidates
        .iter()
        .copied()
        .find(|&t| fits(t))
        .unwrap_or(ULongLong)
}

/// Splits an encoding prefix off a character or string literal's spelling.
fn split_prefix(text: &str) -> (CharPrefix, &str) {
    if let Some(r) = text.strip_prefix("u8") {
        (CharPrefix::Utf8, r)
    } else if let Some(r) = text.strip_prefix('u') {
        (CharPrefix::Utf16, r)
    } else if let Some(r) = text.strip_prefix('U') {
        (CharPrefix::Utf32, r)
    } else if let Some(r) = text.strip_prefix('L') {
        (CharPrefix::Wide, r)
    } else {
        (CharPrefix::None, text)
    }
}

/// Is this prefix's code unit a byte (narrow literals)?
fn narrow(p: CharPrefix) -> bool {
    matches!(p, CharPrefix::None | CharPrefix::Utf8)
}

/// The largest code unit of the prefix's element type.
fn unit_max(p: CharPrefix) -> u32 {
    match p {
        CharPrefix::None | CharPrefix::Utf8 => 0xff,
        CharPrefix::Utf16 => 0xffff,
        CharPrefix::Utf32 | CharPrefix::Wide => u32::MAX,
    }
}

/// Pushes a code point in the prefix's encoding (UTF-8 bytes, UTF-16 units, or itself).
fn push_code_point(out: &mut Vec<u32>, cp: char, p: CharPrefix) {
    if narrow(p) {
        let mut buf = [0u8; 4];
        out.extend(cp.encode_utf8(&mut buf).bytes().map(u32::from));
    } else if p == CharPrefix::Utf16 {
        let mut buf = [0u16; 2];
        out.extend(cp.encode_utf16(&mut buf).iter().map(|&u| u32::from(u)));
    } else {
        out.push(u32::from(cp));
    }
}

/// Decodes the body of a literal (between its quotes) into code units.
fn decode_body(body: &str, p: CharPrefix) -> Result<Vec<u32>, LitError> {
    let bad = |m: String| (codes::E_PARSE_BAD_ESCAPE, m);
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            push_code_point(&mut out, c, p);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err(bad("a backslash ends the literal".into()));
        };
        let simple = match e {
            'n' => Some(0x0a),
            't' => Some(0x09),
            'r' => Some(0x0d),
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'v' => Some(0x0b),
            'e' | 'E' => Some(0x1b),
            '\\' | '\'' | '"' | '?' => Some(u32::from(e)),
            // A backslash-newline inside a literal is a line continuation.
            '\n' => {
                continue;
            }
            _ => None,
        };
        if let Some(v) = simple {
            out.push(v);
            continue;
        }
        match e {
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if v > unit_max(p) {
                    return Err(bad(format!("octal escape sequence `\\{v:o}` out of range")));
                }
                out.push(v);
            }
            'x' => {
                let mut v: u64 = 0;
                let mut n = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(16)) {
                    v = v.saturating_mul(16).saturating_add(u64::from(d));
                    n += 1;
                    chars.next();
                }
                if n == 0 {
                    return Err(bad("`\\x` used with no following hex digits".into()));
                }
                if v > u64::from(unit_max(p)) {
                    return Err(bad("hex escape sequence out of range".into()));
                }
                out.push(v as u32);
            }
            'u' | 'U' => {
                let want = if e == 'u' { 4 } else { 8 };
                let mut v: u32 = 0;
                for _ in 0..want {
                    match chars.next().and_then(|c| c.to_digit(16)) {
                        Some(d) => v = v.wrapping_mul(16).wrapping_add(d),
                        None => {
                            return Err(bad(format!(
                                "incomplete universal character name `\\{e}`: it needs {want} hex digits"
                            )));
                        }
                    }
                }
                let Some(cp) = char::from_u32(v) else {
                    return Err(bad(format!(
                        "universal character name `\\{e}{v:X}` is not a valid code point"
                    )));
                };
                push_code_point(&mut out, cp, p);
            }
            // clang warns about unknown escapes and uses the character itself.
            other => push_code_point(&mut out, other, p),
        }
    }
    Ok(out)
}

/// Decodes a character constant (`'a'`, `'\n'`, `L'x'`, `'ab'`).
pub fn parse_char(text: &str) -> Result<CharLit, LitError> {
    let (prefix, rest) = split_prefix(text);
    let body = rest
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .ok_or_else(|| {
            (
                codes::E_PARSE_BAD_CHAR_LIT,
                format!("malformed character constant {text}"),
            )
        })?;
    let units = decode_body(body, prefix)?;
    let value = match (units.as_slice(), narrow(prefix)) {
        ([], _) => {
            return Err((
                codes::E_PARSE_BAD_CHAR_LIT,
                "empty character constant".into(),
            ));
        }
        // A plain single-char constant is a `char` (signed on BPF) promoted to int.
        ([u], true) if prefix == CharPrefix::None => i64::from((*u & 0xff) as u8 as i8),
        ([u], true) => i64::from(*u & 0xff),
        // Multi-character constants: implementation-defined; clang packs the bytes
        // big-endian into an int.
        (many, true) => {
            let v = many.iter().fold(0u32, |acc, &u| (acc << 8) | (u & 0xff));
            i64::from(v as i32)
        }
        ([u], false) => match prefix {
            CharPrefix::Wide => i64::from(*u as i32),
            _ => i64::from(*u),
        },
        (_, false) => {
            return Err((
                codes::E_PARSE_BAD_CHAR_LIT,
                "a wide or unicode character constant holds more than one character".into(),
            ));
        }
    };
    Ok(CharLit { value, prefix })
}

/// Decodes and concatenates adjacent string literal pieces (C17 6.4.5p5): the result
/// has the one encoding prefix used by any piece.
pub fn parse_strings<'a>(
    pieces: impl IntoIterator<Item = &'a str>,
) -> Result<(CharPrefix, Vec<u32>), LitError> {
    let mut prefix = CharPrefix::None;
    let mut bodies = Vec::new();
    for text in pieces {
        let (p, rest) = split_prefix(text);
        let body = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .ok_or_else(|| {
                (
                    codes::E_PARSE_BAD_ESCAPE,
                    format!("malformed string literal {text}"),
                )
            })?;
        if p != CharPrefix::None {
            if prefix != CharPrefix::None && prefix != p {
                return Err((
                    codes::E_PARSE_STRING_PREFIX,
                    "unsupported concatenation of string literals with different prefixes".into(),
                ));
            }
            prefix = p;
        }
        bodies.push(body);
    }
    let mut units = Vec::new();
    for body in bodies {
        units.extend(decode_body(body, prefix)?);
    }
    Ok((prefix, units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntLitType::*;

    fn ty(s: &str) -> IntLitType {
        parse_int(s)
            .map(|l| l.ty)
            .unwrap_or_else(|e| panic!("{s}: {}", e.1))
    }

    #[test]
    fn integer_types_follow_c17_6_4_4_1() {
        assert_eq!(ty("0"), Int);
        assert_eq!(ty("2147483647"), Int);
        assert_eq!(ty("2147483648"), Long);
        assert_eq!(ty("0x80000000"), UInt);
        assert_eq!(ty("0x100000000"), Long);
        assert_eq!(ty("0x8000000000000000"), ULong);
        assert_eq!(ty("18446744073709551615"), ULongLong);
        assert_eq!(ty("1u"), UInt);
        assert_eq!(ty("1UL"), ULong);
        assert_eq!(ty("1lu"), ULong);
        assert_eq!(ty("1ll"), LongLong);
        assert_eq!(ty("1ULL"), ULongLong);
        assert_eq!(ty("0xffffffffffffffffLL"), ULongLong);
        assert_eq!(parse_int("017").map(|l| l.value), Ok(15));
        assert_eq!(parse_int("0b101").map(|l| l.value), Ok(5));
        assert_eq!(parse_int("0xDEADbeef").map(|l| l.value), Ok(0xdead_beef));
    }

    #[test]
    fn bad_integers_are_errors_not_panics() {
        for s in [
            "09",
            "1lL",
            "1uu",
            "0x",
            "18446744073709551616",
            "1Lul",
            "0b2",
        ] {
            assert!(parse_int(s).is_err(), "{s}");
        }
        assert_eq!(
            parse_int("99999999999999999999").map_err(|e| e.0),
            Err(codes::E_PARSE_INT_TOO_LARGE)
        );
    }

    #[test]
    fn char_constants_decode_escapes() {
        let v = |s: &str| parse_char(s).map(|c| c.value);
        assert_eq!(v("'a'"), Ok(97));
        assert_eq!(v(r"'\n'"), Ok(10));
        assert_eq!(v(r"'\0'"), Ok(0));
        assert_eq!(v(r"'\377'"), Ok(-1));
        assert_eq!(v(r"'\xff'"), Ok(-1));
        assert_eq!(v(r"'\''"), Ok(39));
        assert_eq!(v("'ab'"), Ok(0x6162));
        assert_eq!(v(r"L'\xff'"), Ok(255));
        assert_eq!(v(r"U'\U0001F600'"), Ok(0x1F600));
        assert!(parse_char("''").is_err());
        assert!(parse_char(r"'\x'").is_err());
        assert!(parse_char(r"'\x100'").is_err());
    }

    #[test]
    fn strings_concatenate_and_decode() {
        let (p, u) = parse_strings([r#""a\tb""#, r#""\x41" "#.trim(), r#""\1""#]).unwrap();
        assert_eq!(p, CharPrefix::None);
        assert_eq!(u, vec![97, 9, 98, 0x41, 1]);
        let (p, u) = parse_strings([r#""é""#, r#"u8"\u00e9""#]).unwrap();
        assert_eq!(p, CharPrefix::Utf8);
        assert_eq!(u, vec![0xc3, 0xa9, 0xc3, 0xa9]);
        let (p, u) = parse_strings([r#"u"\U0001F600""#]).unwrap();
        assert_eq!(p, CharPrefix::Utf16);
        assert_eq!(u, vec![0xd83d, 0xde00]);
        assert!(parse_strings([r#"u"a""#, r#"L"b""#]).is_err());
    }
}
