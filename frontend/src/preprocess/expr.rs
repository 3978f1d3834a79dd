//! `#if`/`#elif` evaluation (C17 6.10.1): `defined`, clang's `__has_include`,
//! `__has_builtin`, `__has_attribute`, `__has_feature`, ..., macro expansion, then an
//! integer constant expression in `intmax_t`/`uintmax_t` (64-bit) arithmetic.
//!
//! Invariants: identifiers left after expansion are 0 (6.10.1p4); if either operand
//! is unsigned, the operation is unsigned (usual arithmetic conversions); `&&`, `||`
//! and `?:` do not evaluate the side not taken, so `0 && 1/0` is fine; division by
//! zero where evaluated is an error, never a panic. The `__has_*` answers are tables
//! of what clang-19 answers for `-target bpf` on the names BPF code tests.

use super::{PTok, Pp};
use crate::token::Tok;
use diag::{Diagnostic, Span, codes};

/// Builtins clang-19 has for BPF that BPF code commonly tests with `__has_builtin`.
pub const HAS_BUILTINS: &[&str] = &[
    "__builtin_abs",
    "__builtin_assume",
    "__builtin_bswap16",
    "__builtin_bswap32",
    "__builtin_bswap64",
    "__builtin_btf_type_id",
    "__builtin_choose_expr",
    "__builtin_clz",
    "__builtin_clzll",
    "__builtin_constant_p",
    "__builtin_ctz",
    "__builtin_ctzll",
    "__builtin_expect",
    "__builtin_ffs",
    "__builtin_memcmp",
    "__builtin_memcpy",
    "__builtin_memmove",
    "__builtin_memset",
    "__builtin_offsetof",
    "__builtin_popcount",
    "__builtin_popcountll",
    "__builtin_preserve_access_index",
    "__builtin_preserve_enum_value",
    "__builtin_preserve_field_info",
    "__builtin_preserve_type_info",
    "__builtin_strlen",
    "__builtin_trap",
    "__builtin_types_compatible_p",
    "__builtin_unreachable",
    "__builtin_va_arg",
    "__builtin_va_copy",
    "__builtin_va_end",
    "__builtin_va_start",
];

/// GNU attributes clang accepts on a BPF target (`__has_attribute`).
pub const HAS_ATTRIBUTES: &[&str] = &[
    "aligned",
    "always_inline",
    "btf_decl_tag",
    "btf_type_tag",
    "cleanup",
    "const",
    "deprecated",
    "fallthrough",
    "format",
    "noinline",
    "nonnull",
    "noreturn",
    "packed",
    "preserve_access_index",
    "preserve_static_offset",
    "pure",
    "section",
    "unused",
    "used",
    "visibility",
    "warn_unused_result",
    "weak",
];

/// `__has_feature` / `__has_extension` names clang answers 1 for in C17 mode.
pub const HAS_FEATURES: &[&str] = &[
    "attribute_deprecated_with_message",
    "c_alignas",
    "c_alignof",
    "c_atomic",
    "c_generic_selections",
    "c_static_assert",
    "enumerator_attributes",
];

/// Standard C attributes and the value clang-19 gives `__has_c_attribute` for them
/// (the version of the standard that added them); `gnu::`/`clang::` names of the
/// GNU attributes above answer 1.
const C_ATTRIBUTES: &[(&str, &str)] = &[
    ("_Noreturn", "202202L"),
    ("deprecated", "201904L"),
    ("fallthrough", "201910L"),
    ("maybe_unused", "202106L"),
    ("nodiscard", "202003L"),
    ("noreturn", "202202L"),
];

fn c_attribute_value(word: &str) -> &'static str {
    if let Some(gnu) = word
        .strip_prefix("gnu::")
        .or_else(|| word.strip_prefix("clang::"))
    {
        let gnu = gnu
            .strip_prefix("__")
            .and_then(|w| w.strip_suffix("__"))
            .unwrap_or(gnu);
        return if HAS_ATTRIBUTES.contains(&gnu) {
            "1"
        } else {
            "0"
        };
    }
    let w = word
        .strip_prefix("__")
        .and_then(|w| w.strip_suffix("__"))
        .unwrap_or(word);
    C_ATTRIBUTES
        .iter()
        .find(|(n, _)| *n == w)
        .map_or("0", |(_, v)| *v)
}

/// Warning options BPF headers switch with `#pragma clang diagnostic` and test with
/// `__has_warning` (clang-19 knows each of them).
pub const HAS_WARNINGS: &[&str] = &[
    "-Waddress-of-packed-member",
    "-Wcompare-distinct-pointer-types",
    "-Wdeprecated-declarations",
    "-Wgnu-variable-sized-type-not-at-end",
    "-Wignored-attributes",
    "-Wincompatible-pointer-types",
    "-Wint-conversion",
    "-Wlanguage-extension-token",
    "-Wmissing-prototypes",
    "-Wpointer-arith",
    "-Wshadow",
    "-Wsign-compare",
    "-Wunused-function",
    "-Wunused-parameter",
    "-Wunused-variable",
];

/// A value of the `#if` arithmetic: 64 bits, signed or unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Val {
    v: i64,
    unsigned: bool,
}

impl Val {
    fn int(v: i64) -> Val {
        Val { v, unsigned: false }
    }
    fn truth(self) -> bool {
        self.v != 0
    }
}

impl Pp<'_> {
    /// Evaluates an `#if` line.
    pub(super) fn eval_if(&mut self, line: Vec<PTok>, dir_span: Span) -> bool {
        let saved = std::mem::replace(&mut self.in_if, true);
        let toks = self.expand_list(line);
        self.in_if = saved;
        if toks.is_empty() {
            self.if_error(dir_span, "#if with no expression");
            return false;
        }
        let mut p = Parser {
            toks: &toks,
            pos: 0,
            err: None,
            depth: 0,
        };
        let v = p.ternary(true);
        if p.err.is_none()
            && let Some(t) = toks.get(p.pos)
        {
            p.err = Some((
                t.report_span(),
                format!("unexpected `{}` in #if expression", t.text),
            ));
        }
        if let Some((span, msg)) = p.err {
            self.if_error(span, &msg);
            return false;
        }
        v.truth()
    }

    fn if_error(&mut self, span: Span, msg: &str) {
        self.diags.push(
            Diagnostic::error(codes::E_PP_BAD_IF_EXPR, msg.to_string())
                .with_label(span, "in this #if expression"),
        );
    }

    /// `defined X` / `defined ( X )` → `1` or `0`.
    pub(super) fn defined_operator(&mut self, kw: PTok) -> PTok {
        let mut t = self.next_raw();
        let paren = t.as_ref().is_some_and(|t| t.tok == Tok::LParen);
        if paren {
            t = self.next_raw();
        }
        let value = match &t {
            Some(n) if n.is_identlike() => self.macros.contains(&n.text),
            _ => {
                self.if_error(kw.report_span(), "`defined` needs a macro name");
                false
            }
        };
        if paren {
            match self.next_raw() {
                Some(r) if r.tok == Tok::RParen => {}
                other => {
                    if let Some(o) = other {
                        self.pending.push(o);
                    }
                    self.if_error(kw.report_span(), "missing `)` after `defined(NAME`");
                }
            }
        }
        self.synth_int(value, &kw)
    }

    /// `__has_include(...)`, `__has_builtin(x)`, ...: None if not followed by `(`.
    pub(super) fn has_operator(&mut self, kw: &PTok) -> Option<PTok> {
        if !self.next_is_lparen() {
            return None;
        }
        self.next_raw();
        let mut inner: Vec<PTok> = Vec::new();
        let mut depth = 0usize;
        loop {
            let Some(t) = self.next_raw() else {
                self.if_error(
                    kw.report_span(),
                    &format!("missing `)` after `{}(`", kw.text),
                );
                break;
            };
            match t.tok {
                Tok::LParen => depth += 1,
                Tok::RParen if depth == 0 => break,
                Tok::RParen => depth -= 1,
                _ => {}
            }
            inner.push(t);
        }
        let word = || -> String {
            // `__attribute__` names may be written `__name__`.
            inner.iter().map(|t| t.text.to_string()).collect::<String>()
        };
        let value = match &*kw.text {
            "__has_include" | "__has_include_next" => {
                let next = &*kw.text == "__has_include_next";
                match self.header_name(inner.clone(), kw.report_span()) {
                    Some(h) => self.find_header(&h.name, h.quoted, next).is_some(),
                    None => {
                        self.if_error(kw.report_span(), "expected \"FILENAME\" or <FILENAME>");
                        false
                    }
                }
            }
            "__has_builtin" => HAS_BUILTINS.contains(&word().as_str()),
            "__has_attribute" => {
                let w = word();
                let w = w
                    .strip_prefix("__")
                    .and_then(|w| w.strip_suffix("__"))
                    .unwrap_or(&w);
                HAS_ATTRIBUTES.contains(&w)
            }
            "__has_feature" | "__has_extension" => HAS_FEATURES.contains(&word().as_str()),
            "__is_identifier" => {
                inner.len() == 1 && inner.first().is_some_and(|t| t.tok == Tok::Ident)
            }
            "__has_c_attribute" => {
                let value = c_attribute_value(&word());
                return Some(self.synth_value(value, kw));
            }
            "__has_warning" => {
                let w = inner.first().map(|t| t.text.trim_matches('"').to_string());
                w.is_some_and(|w| HAS_WARNINGS.contains(&w.as_str()))
            }
            // `__has_declspec_attribute`: no declspecs on BPF.
            _ => false,
        };
        Some(self.synth_int(value, kw))
    }

    fn synth_value(&mut self, value: &str, at: &PTok) -> PTok {
        let mut t = self.synth_int(false, at);
        t.text = self.intern(value);
        t
    }

    fn synth_int(&mut self, v: bool, at: &PTok) -> PTok {
        let text = self.intern(if v { "1" } else { "0" });
        PTok {
            tok: Tok::IntLit,
            text,
            span: at.span,
            expansion: at.expansion,
            bol: false,
            space: at.space,
            hide: 0,
            paste_op: false,
            placemarker: false,
        }
    }
}

/// Precedence-climbing parser and evaluator over the expanded `#if` tokens.
struct Parser<'t> {
    toks: &'t [PTok],
    pos: usize,
    err: Option<(Span, String)>,
    /// Current nesting of parentheses and unary operators (bounded: each recurses).
    depth: usize,
}

/// Deepest nesting accepted in an `#if` expression.
const MAX_IF_DEPTH: usize = 256;

impl Parser<'_> {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).map(|t| t.tok)
    }

    fn fail(&mut self, msg: &str) -> Val {
        if self.err.is_none() {
            let span = self
                .toks
                .get(self.pos)
                .or(self.toks.last())
                .map(PTok::report_span)
                .unwrap_or_default();
            let msg = match self.toks.get(self.pos) {
                Some(t) => format!("{msg}, found `{}`", t.text),
                None => format!("{msg}, found end of line"),
            };
            self.err = Some((span, msg));
        }
        Val::int(0)
    }

    fn ternary(&mut self, eval: bool) -> Val {
        // `?:` nests through its operands without parentheses: count it too.
        if self.depth >= MAX_IF_DEPTH || self.err.is_some() {
            return self.fail("expression nested too deeply");
        }
        self.depth += 1;
        let v = self.ternary_inner(eval);
        self.depth -= 1;
        v
    }

    fn ternary_inner(&mut self, eval: bool) -> Val {
        let c = self.binary(0, eval);
        if self.peek() != Some(Tok::Question) {
            return c;
        }
        self.pos += 1;
        let a = self.ternary(eval && c.truth());
        if self.peek() != Some(Tok::Colon) {
            return self.fail("expected `:` in `?:`");
        }
        self.pos += 1;
        let b = self.ternary(eval && !c.truth());
        let unsigned = a.unsigned || b.unsigned;
        let v = if c.truth() { a.v } else { b.v };
        Val { v, unsigned }
    }

    /// Binary operators by precedence level (0 = `||` ... 9 = `* / %`).
    fn binary(&mut self, level: u8, eval: bool) -> Val {
        if level > 9 {
            return self.unary(eval);
        }
        let mut lhs = self.binary(level + 1, eval);
        loop {
            let Some(op) = self.peek() else { return lhs };
            if op_level(op) != Some(level) {
                return lhs;
            }
            self.pos += 1;
            let rhs_eval = match op {
                Tok::AmpAmp => eval && lhs.truth(),
                Tok::PipePipe => eval && !lhs.truth(),
                _ => eval,
            };
            let rhs = self.binary(level + 1, rhs_eval);
            lhs = self.apply(op, lhs, rhs, eval);
            if self.err.is_some() {
                return lhs;
            }
        }
    }

    fn apply(&mut self, op: Tok, a: Val, b: Val, eval: bool) -> Val {
        let unsigned = a.unsigned || b.unsigned;
        let (x, y) = (a.v, b.v);
        let (ux, uy) = (x as u64, y as u64);
        let cmp = |r: bool| Val::int(i64::from(r));
        match op {
            Tok::PipePipe => cmp(a.truth() || b.truth()),
            Tok::AmpAmp => cmp(a.truth() && b.truth()),
            Tok::Pipe => Val { v: x | y, unsigned },
            Tok::Caret => Val { v: x ^ y, unsigned },
            Tok::Amp => Val { v: x & y, unsigned },
            Tok::EqEq => cmp(x == y),
            Tok::NotEq => cmp(x != y),
            Tok::Lt => cmp(if unsigned { ux < uy } else { x < y }),
            Tok::Gt => cmp(if unsigned { ux > uy } else { x > y }),
            Tok::Le => cmp(if unsigned { ux <= uy } else { x <= y }),
            Tok::Ge => cmp(if unsigned { ux >= uy } else { x >= y }),
            // The result of a shift has the left operand's type.
            Tok::Shl => {
                let s = (uy & 63) as u32;
                Val {
                    v: if uy >= 64 { 0 } else { x.wrapping_shl(s) },
                    unsigned: a.unsigned,
                }
            }
            Tok::Shr => {
                let s = (uy.min(63)) as u32;
                let v = if a.unsigned {
                    if uy >= 64 { 0 } else { (ux >> s) as i64 }
                } else {
                    x >> s
                };
                Val {
                    v,
                    unsigned: a.unsigned,
                }
            }
            Tok::Plus => Val {
                v: x.wrapping_add(y),
                unsigned,
            },
            Tok::Minus => Val {
                v: x.wrapping_sub(y),
                unsigned,
            },
            Tok::Star => Val {
                v: x.wrapping_mul(y),
                unsigned,
            },
            Tok::Slash | Tok::Percent => {
                if y == 0 {
                    if eval && self.err.is_none() {
                        let span = self
                            .toks
                            .get(self.pos.saturating_sub(1))
                            .map(PTok::report_span)
                            .unwrap_or_default();
                        self.err = Some((span, "division by zero in #if".to_string()));
                    }
                    return Val { v: 0, unsigned };
                }
                let v = match (op, unsigned) {
                    (Tok::Slash, true) => (ux / uy) as i64,
                    (Tok::Slash, false) => x.wrapping_div(y),
                    (_, true) => (ux % uy) as i64,
                    (_, false) => x.wrapping_rem(y),
                };
                Val { v, unsigned }
            }
            _ => Val::int(0),
        }
    }

    fn unary(&mut self, eval: bool) -> Val {
        if self.depth >= MAX_IF_DEPTH || self.err.is_some() {
            return self.fail("expression nested too deeply");
        }
        self.depth += 1;
        let v = self.unary_inner(eval);
        self.depth -= 1;
        v
    }

    fn unary_inner(&mut self, eval: bool) -> Val {
        let Some(t) = self.toks.get(self.pos) else {
            return self.fail("expected an expression");
        };
        match t.tok {
            Tok::Plus => {
                self.pos += 1;
                self.unary(eval)
            }
            Tok::Minus => {
                self.pos += 1;
                let v = self.unary(eval);
                Val {
                    v: v.v.wrapping_neg(),
                    ..v
                }
            }
            Tok::Tilde => {
                self.pos += 1;
                let v = self.unary(eval);
                Val { v: !v.v, ..v }
            }
            Tok::Bang => {
                self.pos += 1;
                let v = self.unary(eval);
                Val::int(i64::from(!v.truth()))
            }
            Tok::LParen => {
                self.pos += 1;
                let v = self.ternary(eval);
                // The comma operator (a clang extension in #if): value of the right side.
                let mut v = v;
                while self.peek() == Some(Tok::Comma) {
                    self.pos += 1;
                    v = self.ternary(eval);
                }
                if self.peek() != Some(Tok::RParen) {
                    return self.fail("expected `)`");
                }
                self.pos += 1;
                v
            }
            Tok::IntLit => {
                self.pos += 1;
                match parse_int(&t.text) {
                    Some(v) => v,
                    None => {
                        self.pos -= 1;
                        self.fail("integer literal is too large")
                    }
                }
            }
            Tok::CharLit => {
                self.pos += 1;
                Val::int(char_value(&t.text))
            }
            Tok::FloatLit => self.fail("floating constant in #if"),
            Tok::StrLit => self.fail("string literal in #if"),
            // Identifiers (and keywords) that are not macros are 0 (6.10.1p4).
            _ if t.is_identlike() => {
                self.pos += 1;
                Val::int(0)
            }
            _ => self.fail("expected an expression"),
        }
    }
}

fn op_level(t: Tok) -> Option<u8> {
    Some(match t {
        Tok::PipePipe => 0,
        Tok::AmpAmp => 1,
        Tok::Pipe => 2,
        Tok::Caret => 3,
        Tok::Amp => 4,
        Tok::EqEq | Tok::NotEq => 5,
        Tok::Lt | Tok::Gt | Tok::Le | Tok::Ge => 6,
        Tok::Shl | Tok::Shr => 7,
        Tok::Plus | Tok::Minus => 8,
        Tok::Star | Tok::Slash | Tok::Percent => 9,
        _ => return None,
    })
}

/// The value of an integer literal (C17 6.4.4.1), None if it overflows 64 bits.
fn parse_int(text: &str) -> Option<Val> {
    let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let suffix = text.get(body.len()..).unwrap_or("");
    let (digits, radix) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (h, 16)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (b, 2)
        } else if body.len() > 1 && body.starts_with('0') {
            (body.get(1..).unwrap_or(""), 8)
        } else {
            (body, 10)
        };
    let v = u64::from_str_radix(digits, radix).ok()?;
    // Without `u`, a value that does not fit intmax_t becomes uintmax_t (as clang, with a
    // warning for decimal literals).
    let unsigned = suffix.contains(['u', 'U']) || v > i64::MAX as u64;
    Some(Val {
        v: v as i64,
        unsigned,
    })
}

/// The value of a character constant (C17 6.4.4.4): `char` is signed on BPF; a
/// multi-character constant packs bytes big-end first, as clang does.
fn char_value(text: &str) -> i64 {
    let wide = !text.starts_with('\'');
    let inner = text
        .trim_start_matches(['u', 'U', 'L', '8'])
        .trim_start_matches('\'')
        .trim_end_matches('\'');
    let mut vals: Vec<u32> = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            vals.push(c as u32);
            continue;
        }
        let Some(e) = chars.next() else { break };
        let v = match e {
            'n' => 10,
            't' => 9,
            'r' => 13,
            'a' => 7,
            'b' => 8,
            'f' => 12,
            'v' => 11,
            'e' => 27,
            'x' => {
                let mut v: u32 = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(16)) {
                    v = v.wrapping_mul(16).wrapping_add(d);
                    chars.next();
                }
                v
            }
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
                v
            }
            other => other as u32,
        };
        vals.push(v);
    }
    if wide {
        return vals.last().map(|&v| i64::from(v)).unwrap_or(0);
    }
    if vals.len() == 1 {
        return i64::from(vals.first().map(|&v| v as u8 as i8).unwrap_or(0));
    }
    let mut acc: i32 = 0;
    for v in vals {
        acc = acc.wrapping_shl(8) | i32::from(v as u8);
    }
    i64::from(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(
            parse_int("0x10"),
            Some(Val {
                v: 16,
                unsigned: false
            })
        );
        assert_eq!(
            parse_int("010"),
            Some(Val {
                v: 8,
                unsigned: false
            })
        );
        assert_eq!(
            parse_int("1u"),
            Some(Val {
                v: 1,
                unsigned: true
            })
        );
        assert_eq!(parse_int("18446744073709551615ULL").map(|v| v.v), Some(-1));
        assert_eq!(parse_int("99999999999999999999"), None);
        assert_eq!(char_value("'a'"), 97);
        assert_eq!(char_value("'\\xff'"), -1);
        assert_eq!(char_value("'\\n'"), 10);
        assert_eq!(char_value("'\\0'"), 0);
        assert_eq!(char_value("'ab'"), 0x6162);
    }
}
