//! A cursor over one statement's text (comments already removed): whitespace, names,
//! numbers, string literals and assembler expressions, each with a byte position so
//! errors point at the exact column.
//!
//! Names follow llvm-mc's ELF rules: `[A-Za-z_.$][A-Za-z0-9_.$@]*`, or any text in double
//! quotes. Numbers: decimal, `0x` hex, `0b` binary, leading-`0` octal, `'c'` characters;
//! values up to 2^64-1 are kept as their two's-complement `i64`. Expressions use GNU as /
//! llvm-mc precedence (`* / % << >>` over `& | ^` over `+ -`), unary `- ~ +`, parentheses
//! and `.` for the current location.

use crate::module::{BinOp, Expr};

/// A parse problem: byte range within the statement, message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

pub type CResult<T> = Result<T, CursorError>;

/// Most operators and parentheses in one expression (see [`Cursor::count_op`]); real
/// assembly (`sym+8`, `.Ltmp1-.Lfunc_begin0`) uses a handful.
const MAX_EXPR_OPS: u32 = 256;

pub struct Cursor<'a> {
    pub text: &'a str,
    pub pos: usize,
}

pub fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'.' || b == b'$'
}

pub fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'$' || b == b'@'
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    pub fn err<T>(&self, start: usize, message: impl Into<String>) -> CResult<T> {
        let end = (start + 1).min(self.text.len()).max(start);
        Err(CursorError {
            start,
            end,
            message: message.into(),
        })
    }

    pub fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + k).copied()
    }

    pub fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b')) {
            self.pos += 1;
        }
    }

    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.pos >= self.text.len()
    }

    /// Fails unless only whitespace is left.
    pub fn end(&mut self) -> CResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            self.err(self.pos, "unexpected text after the operands")
        }
    }

    /// Consumes `c` (after whitespace) if it is next.
    pub fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, c: u8) -> CResult<()> {
        if self.eat(c) {
            Ok(())
        } else {
            self.err(self.pos, format!("expected `{}`", c as char))
        }
    }

    /// A bare name (no quotes) starting here, if any.
    pub fn bare_name(&mut self) -> Option<&'a str> {
        self.ws();
        let b = self.text.as_bytes();
        let start = self.pos;
        if !b.get(start).is_some_and(|&c| is_name_start(c)) {
            return None;
        }
        let mut i = start + 1;
        while b.get(i).is_some_and(|&c| is_name_char(c)) {
            i += 1;
        }
        self.pos = i;
        self.text.get(start..i)
    }

    /// A symbol name: bare or quoted.
    pub fn name(&mut self) -> CResult<String> {
        self.ws();
        if self.peek() == Some(b'"') {
            let start = self.pos;
            let bytes = self.string()?;
            return String::from_utf8(bytes)
                .or_else(|_| self.err(start, "symbol names must be UTF-8"));
        }
        let start = self.pos;
        match self.bare_name() {
            Some(n) => Ok(n.to_string()),
            None => self.err(start, "expected a symbol name"),
        }
    }

    /// A double-quoted string with C/GNU escapes, decoded to bytes.
    pub fn string(&mut self) -> CResult<Vec<u8>> {
        self.ws();
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return self.err(start, "expected a string in double quotes");
        }
        self.pos += 1;
        let b = self.text.as_bytes();
        let mut out = Vec::new();
        loop {
            let Some(&c) = b.get(self.pos) else {
                return self.err(start, "unterminated string");
            };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = b.get(self.pos) else {
                        return self.err(start, "unterminated string");
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'v' => out.push(11),
                        b'a' => out.push(7),
                        b'0'..=b'7' => {
                            let mut v: u32 = u32::from(e - b'0');
                            for _ in 0..2 {
                                match b.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'x' | b'X' => {
                            let mut v: u32 = 0;
                            let mut n = 0;
                            while let Some(d) =
                                b.get(self.pos).and_then(|&d| (d as char).to_digit(16))
                            {
                                v = (v << 4 | d) & 0xff;
                                self.pos += 1;
                                n += 1;
                            }
                            if n == 0 {
                                return self.err(self.pos - 2, "`\\x` needs hex digits");
                            }
                            out.push(v as u8);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    /// An integer literal (with optional sign handled by `expr`).
    fn number(&mut self) -> CResult<i64> {
        let b = self.text.as_bytes();
        let start = self.pos;
        if b.get(start) == Some(&b'\'') {
            // Character literal: 'c' or '\n'.
            let c = match (b.get(start + 1), b.get(start + 2)) {
                (Some(b'\\'), Some(&e)) => {
                    self.pos = start + 3;
                    match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'0' => 0,
                        other => other,
                    }
                }
                (Some(&c), _) => {
                    self.pos = start + 2;
                    c
                }
                _ => return self.err(start, "bad character literal"),
            };
            if b.get(self.pos) == Some(&b'\'') {
                self.pos += 1;
            }
            return Ok(i64::from(c));
        }
        let (radix, digits_start) = match (b.get(start), b.get(start + 1)) {
            (Some(b'0'), Some(b'x' | b'X')) => (16, start + 2),
            (Some(b'0'), Some(b'b' | b'B'))
                if b.get(start + 2).is_some_and(|c| matches!(c, b'0' | b'1')) =>
            {
                (2, start + 2)
            }
            (Some(b'0'), Some(b'0'..=b'9')) => (8, start + 1),
            _ => (10, start),
        };
        let mut i = digits_start;
        while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
            i += 1;
        }
        let digits = self.text.get(digits_start..i).unwrap_or("");
        self.pos = i;
        match u64::from_str_radix(digits, radix) {
            Ok(v) => Ok(v as i64),
            Err(_) => self.err(
                start,
                format!("invalid number `{}`", self.text.get(start..i).unwrap_or("")),
            ),
        }
    }

    /// An expression.
    pub fn expr(&mut self) -> CResult<Expr> {
        let mut ops = 0;
        self.binary(0, &mut ops)
    }

    /// Counts one operator or parenthesis of the expression being parsed. Parsing,
    /// evaluation and dropping all recurse over the tree, so hostile input such as
    /// 100 000 nested `(` or `1+1+...` is refused here instead of overflowing the stack.
    fn count_op(&self, ops: &mut u32, start: usize) -> CResult<()> {
        *ops += 1;
        if *ops > MAX_EXPR_OPS {
            return self.err(
                start,
                format!("expression has more than {MAX_EXPR_OPS} operators and parentheses"),
            );
        }
        Ok(())
    }

    fn binop(&mut self) -> Option<(BinOp, usize)> {
        self.ws();
        let op = match (self.peek(), self.peek_at(1)) {
            (Some(b'<'), Some(b'<')) => (BinOp::Shl, 2),
            (Some(b'>'), Some(b'>')) => (BinOp::Shr, 2),
            (Some(b'+'), _) => (BinOp::Add, 1),
            (Some(b'-'), _) => (BinOp::Sub, 1),
            (Some(b'*'), _) => (BinOp::Mul, 1),
            (Some(b'/'), _) => (BinOp::Div, 1),
            (Some(b'%'), _) => (BinOp::Rem, 1),
            (Some(b'&'), _) => (BinOp::And, 1),
            (Some(b'|'), _) => (BinOp::Or, 1),
            (Some(b'^'), _) => (BinOp::Xor, 1),
            _ => return None,
        };
        Some(op)
    }

    fn binary(&mut self, min_prec: u8, ops: &mut u32) -> CResult<Expr> {
        let mut lhs = self.unary(ops)?;
        while let Some((op, len)) = self.binop() {
            let prec = op.precedence();
            if prec < min_prec {
                break;
            }
            self.count_op(ops, self.pos)?;
            self.pos += len;
            let rhs = self.binary(prec + 1, ops)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self, ops: &mut u32) -> CResult<Expr> {
        self.ws();
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'~' | b'+' | b'(')) {
            self.count_op(ops, start)?;
        }
        match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                let e = self.unary(ops)?;
                Ok(match e {
                    Expr::Num(n) => Expr::Num(n.wrapping_neg()),
                    e => Expr::Neg(Box::new(e)),
                })
            }
            Some(b'~') => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary(ops)?)))
            }
            Some(b'+') => {
                self.pos += 1;
                self.unary(ops)
            }
            Some(b'(') => {
                self.pos += 1;
                let e = self.binary(0, ops)?;
                self.expect(b')')?;
                Ok(e)
            }
            Some(b'0'..=b'9' | b'\'') => Ok(Expr::Num(self.number()?)),
            Some(b'"') => Ok(Expr::Sym(self.name()?)),
            Some(b'.') if !self.peek_at(1).is_some_and(is_name_char) => {
                self.pos += 1;
                Ok(Expr::Dot)
            }
            Some(c) if is_name_start(c) => Ok(Expr::Sym(self.name()?)),
            _ => self.err(start, "expected an expression"),
        }
    }

    /// An unsigned integer constant (for counts and line numbers).
    pub fn uint(&mut self) -> CResult<u64> {
        self.ws();
        let start = self.pos;
        match self.peek() {
            Some(b'0'..=b'9') => Ok(self.number()? as u64),
            _ => self.err(start, "expected a number"),
        }
    }

    /// A (possibly negative) integer constant.
    pub fn int(&mut self) -> CResult<i64> {
        self.ws();
        let neg = self.eat(b'-');
        self.ws();
        let v = self.uint()? as i64;
        Ok(if neg { v.wrapping_neg() } else { v })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_follow_gnu_precedence() {
        let mut c = Cursor::new(".Ltmp1-.Lfunc_begin0");
        assert_eq!(c.expr(), Ok(Expr::diff(".Ltmp1", ".Lfunc_begin0")));
        let mut c = Cursor::new("1 + 2 * 3 << 1");
        assert_eq!(
            c.expr(),
            Ok(Expr::Bin(
                BinOp::Add,
                Box::new(Expr::Num(1)),
                Box::new(Expr::Bin(
                    BinOp::Shl,
                    Box::new(Expr::Bin(
                        BinOp::Mul,
                        Box::new(Expr::Num(2)),
                        Box::new(Expr::Num(3))
                    )),
                    Box::new(Expr::Num(1))
                ))
            ))
        );
        let mut c = Cursor::new("0xffffffffffffffff");
        assert_eq!(c.expr(), Ok(Expr::Num(-1)));
        let mut c = Cursor::new("010");
        assert_eq!(c.expr(), Ok(Expr::Num(8)));
    }

    #[test]
    fn strings_decode_escapes() {
        let mut c = Cursor::new(r#""\214\001a\n\"\x41""#);
        assert_eq!(c.string(), Ok(vec![0o214, 1, b'a', b'\n', b'"', 0x41]));
        let mut c = Cursor::new(r#""abc"#);
        assert!(c.string().is_err());
    }
}
