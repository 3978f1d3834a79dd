//! Printing and parsing one instruction through the table's templates.
//!
//! A template is text with placeholders (see `table.rs` for their meaning). Printing
//! substitutes the fields of an [`Insn`]; parsing lexes the template and the user's text
//! with the same lexer and matches them token by token, reading the fields back from the
//! placeholders. So one template is the single source of an instruction's spelling.
//!
//! Invariants: number ranges are enforced, never truncated (32-bit imm: i32 or u32
//! values, as llvm-mc allows; off: i16; ld_imm64: i64 or u64). Errors carry the byte
//! span of the offending token within the instruction text.

use super::lex::{NumError, Tok, TokKind, lex, lex_into, number};
use super::table::{Key, OP_LD_IMM64, OPCODES, OpRow, Width};
use super::{
    CpuVersion, Dialect, Insn, IsaError, ParsedInsn, SymOperand, SymRole, lookup, lookup_lenient,
};
use diag::codes;
use std::ops::Range;
use std::sync::OnceLock;

/// A template, split into literal tokens and placeholders.
#[derive(Clone, Debug)]
enum Part {
    /// A literal token: its interned id (see [`lit_ids`]) and its text.
    Lit(u16, String),
    Slot(char),
}

/// The fields an instruction form uses (from its LLVM template).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slots {
    pub dst: bool,
    pub src: bool,
    pub off: bool,
    pub imm: bool,
    pub imm_hi: bool,
}

impl Slots {
    /// No field used (`Default` is not `const`).
    pub(crate) const NONE: Slots = Slots {
        dst: false,
        src: false,
        off: false,
        imm: false,
        imm_hi: false,
    };
}

/// The fields `row` uses: the placeholders `{c}` of its LLVM template. A `const fn` (a
/// byte scan) so that the per-row table in `codec.rs` is built by the compiler, not by
/// each run (~55K instructions per compile when it parsed the templates at start-up).
pub(crate) const fn slots_of(row: &OpRow) -> Slots {
    let mut s = Slots::NONE;
    let t = row.llvm.as_bytes();
    let mut i = 0;
    while i + 2 < t.len() {
        if t[i] == b'{' && t[i + 2] == b'}' {
            match t[i + 1] {
                b'd' | b'D' => s.dst = true,
                b's' | b'S' | b'p' => s.src = true,
                b'o' | b'j' => s.off = true,
                b'i' | b'u' | b'g' | b'c' => s.imm = true,
                b'q' => {
                    s.imm = true;
                    s.imm_hi = true;
                }
                _ => {}
            }
        }
        i += 1;
    }
    // The pseudo loads keep a value in the second slot (e.g. the offset into a map
    // value for src = 2) that LLVM does not print.
    if row.code == OP_LD_IMM64 {
        s.imm_hi = true;
    }
    s
}

/// The literal map hashes with the assembler's multiply-rotate name hasher: the keys are
/// short fixed strings (the map is never grown from input), and SipHash dominated.
type LitMap = std::collections::HashMap<
    String,
    u16,
    std::hash::BuildHasherDefault<crate::assemble::NameHasher>,
>;

/// Id of a token text that no template contains.
const NO_LIT: u16 = u16::MAX;

/// Every literal token of every template, numbered: matching compares ids, not text.
/// GNU literals are lower case, and GNU input is looked up lower-cased.
fn lit_ids() -> &'static LitMap {
    static IDS: OnceLock<LitMap> = OnceLock::new();
    IDS.get_or_init(|| {
        let mut ids = LitMap::default();
        for row in OPCODES {
            for t in std::iter::once(row.llvm).chain(row.gnu.split('|')) {
                for piece in t.split(['{', '}']) {
                    for tok in lex(piece).unwrap_or_default() {
                        let n = ids.len() as u16;
                        ids.entry(piece[tok.span].to_string()).or_insert(n);
                    }
                }
            }
        }
        ids
    })
}

/// A token of at most 16 bytes as one number. Tokens are ASCII without NUL (the lexer
/// accepts nothing else), so the zero padding makes this one-to-one.
fn pack(s: &[u8]) -> Option<u128> {
    let mut w = [0u8; 16];
    w.get_mut(..s.len())?.copy_from_slice(s);
    Some(u128::from_le_bytes(w))
}

/// [`lit_ids`] keyed by [`pack`]ed text, plus the longest literal's length.
struct PackedLits {
    short: std::collections::HashMap<
        u128,
        u16,
        std::hash::BuildHasherDefault<crate::assemble::NameHasher>,
    >,
    max_len: usize,
}

fn packed_lits() -> &'static PackedLits {
    static P: OnceLock<PackedLits> = OnceLock::new();
    P.get_or_init(|| {
        let mut p = PackedLits {
            short: Default::default(),
            max_len: 0,
        };
        for (text, &id) in lit_ids() {
            p.max_len = p.max_len.max(text.len());
            if let Some(k) = pack(text.as_bytes()) {
                p.short.insert(k, id);
            }
        }
        p
    })
}

fn lit_id(text: &str) -> u16 {
    let p = packed_lits();
    if text.len() > p.max_len {
        return NO_LIT;
    }
    match pack(text.as_bytes()) {
        Some(k) => p.short.get(&k).copied().unwrap_or(NO_LIT),
        None => lit_ids().get(text).copied().unwrap_or(NO_LIT),
    }
}

/// The literal id of each input token, as `dialect` compares them, into `out`.
fn token_ids(text: &str, toks: &[Tok], dialect: Dialect, out: &mut Vec<u16>) {
    out.clear();
    out.extend(toks.iter().map(|t| {
        let s = &text[t.span.clone()];
        if t.kind == TokKind::Num {
            return NO_LIT; // templates have no numeric literals
        }
        match dialect {
            Dialect::Llvm => lit_id(s),
            Dialect::Gnu if s.bytes().any(|b| b.is_ascii_uppercase()) => {
                lit_id(&s.to_ascii_lowercase())
            }
            Dialect::Gnu => lit_id(s),
        }
    }));
}

fn compile(template: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let (lit, after) = match rest.find('{') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        // Templates are constants of this crate; the table test checks they all lex.
        for t in lex(lit).unwrap_or_default() {
            let text = &lit[t.span];
            parts.push(Part::Lit(lit_id(text), text.to_string()));
        }
        let mut cs = after.chars();
        rest = match (cs.next(), cs.next(), cs.next()) {
            (Some('{'), Some(c), Some('}')) => {
                parts.push(Part::Slot(c));
                after.get(3..).unwrap_or("")
            }
            _ => "",
        };
    }
    parts
}

struct Compiled {
    llvm: Vec<Part>,
    gnu: Vec<Vec<Part>>,
    /// For each template: the literals at fixed token positions (before the first
    /// operand whose token count varies), checked before a full match is tried.
    llvm_prefix: Vec<(usize, u16)>,
    gnu_prefix: Vec<Vec<(usize, u16)>>,
}

/// Literals at fixed token positions: LLVM registers are one token; GNU registers may
/// carry a `%`, and numbers may carry a sign, so those end the fixed prefix.
fn fixed_prefix(dialect: Dialect, parts: &[Part]) -> Vec<(usize, u16)> {
    let mut out = Vec::new();
    for (pos, part) in parts.iter().enumerate() {
        match part {
            Part::Lit(id, _) => out.push((pos, *id)),
            Part::Slot('d' | 's' | 'D' | 'S') if dialect == Dialect::Llvm => {}
            Part::Slot(_) => break,
        }
    }
    out
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        OPCODES
            .iter()
            .map(|row| {
                let llvm = compile(row.llvm);
                let gnu: Vec<Vec<Part>> = row.gnu.split('|').map(compile).collect();
                Compiled {
                    llvm_prefix: fixed_prefix(Dialect::Llvm, &llvm),
                    gnu_prefix: gnu.iter().map(|g| fixed_prefix(Dialect::Gnu, g)).collect(),
                    llvm,
                    gnu,
                }
            })
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// Printing

fn hex_signed(v: i64) -> String {
    if v < 0 {
        format!("-0x{:x}", (v as i128).unsigned_abs())
    } else {
        format!("0x{v:x}")
    }
}

fn signed_dec(v: i64, plus: bool) -> String {
    if v < 0 || !plus {
        format!("{v}")
    } else {
        format!("+{v}")
    }
}

fn reg_name(n: u8, width: Width, alu32: bool, dialect: Dialect) -> String {
    match dialect {
        Dialect::Gnu => format!("%r{n}"),
        Dialect::Llvm => {
            let w = match width {
                Width::R => false,
                Width::W => true,
                Width::M => alu32,
            };
            format!("{}{n}", if w { 'w' } else { 'r' })
        }
    }
}

fn render(row: &OpRow, insn: &Insn, dialect: Dialect, alu32: bool, sym: Option<&str>) -> String {
    let template = match dialect {
        Dialect::Llvm => row.llvm,
        Dialect::Gnu => row.gnu_primary(),
    };
    let llvm = dialect == Dialect::Llvm;
    let mut out = String::with_capacity(32);
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let slot = rest[at + 1..].chars().next().unwrap_or(' ');
        rest = rest.get(at + 3..).unwrap_or("");
        let pc_rel = |v: i64| {
            let mut s = if llvm {
                if v < 0 {
                    hex_signed(v)
                } else {
                    format!("+{}", hex_signed(v))
                }
            } else {
                signed_dec(v, true)
            };
            if let (true, Some(sym)) = (llvm, sym) {
                s.push_str(&format!(" <{sym}>"));
            }
            s
        };
        let text = match slot {
            'd' => reg_name(insn.dst, row.width, alu32, dialect),
            's' => reg_name(insn.src, row.width, alu32, dialect),
            'D' => reg_name(insn.dst, Width::R, alu32, dialect),
            'S' => reg_name(insn.src, Width::R, alu32, dialect),
            'i' | 'c' if llvm => hex_signed(insn.imm as i64),
            'u' if llvm => format!("0x{:x}", insn.imm as u32),
            'i' | 'u' | 'c' => signed_dec(insn.imm as i64, false),
            'o' if llvm => {
                let v = insn.off as i64;
                if v < 0 {
                    format!("- 0x{:x}", -v)
                } else {
                    format!("+ 0x{v:x}")
                }
            }
            'o' => signed_dec(insn.off as i64, true),
            'j' => pc_rel(insn.off as i64),
            'g' => pc_rel(insn.imm as i64),
            'q' if llvm => hex_signed(insn.imm64()),
            'q' => format!("0x{:x}", insn.imm64() as u64),
            'p' if llvm => format!("0x{:x}", insn.src),
            _ => format!("{}", insn.src),
        };
        out.push_str(&text);
    }
    out.push_str(rest);
    out
}

/// The instruction as llvm-objdump-19 prints it with `--mcpu=v4`; `sym` is the branch
/// target annotation (`goto +0x3 <sym>`). Invalid encodings print `<unknown>`.
pub fn print_llvm(insn: &Insn, sym: Option<&str>) -> String {
    print_llvm_cpu(insn, sym, CpuVersion::V4)
}

/// As [`print_llvm`], for the given `--mcpu` (before v3, sub-word loads and stores
/// print with `rN` instead of `wN`).
pub fn print_llvm_cpu(insn: &Insn, sym: Option<&str>, cpu: CpuVersion) -> String {
    // Without alu32, llvm-objdump knows 32-bit atomics only as v1's `xadd`, ignores
    // the low four bits of imm (the fetch bit too), and prints the source as rN.
    if !cpu.has_alu32() && insn.code == 0xc3 {
        let plain = Insn { imm: 0, ..*insn };
        return match lookup(&plain) {
            Some(row) if insn.imm & 0xf0 == 0 => render(
                &OpRow {
                    width: Width::R,
                    ..*row
                },
                &plain,
                Dialect::Llvm,
                false,
                sym,
            ),
            _ => "<unknown>".to_string(),
        };
    }
    // Encodings that only llvm-objdump's lenient decoder accepts print as it prints them.
    match lookup(insn).or_else(|| lookup_lenient(insn)) {
        Some(row) => render(row, insn, Dialect::Llvm, cpu.has_alu32(), sym),
        None => "<unknown>".to_string(),
    }
}

/// The instruction in GNU/ubpf mnemonics (`add %r1, 5`, `ldxw %r0, [%r1+4]`).
pub fn print_gnu(insn: &Insn) -> String {
    match lookup(insn) {
        Some(row) => render(row, insn, Dialect::Gnu, true, None),
        None => "<unknown>".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

/// A failed match: how many tokens matched first (the best attempt is reported), and
/// whether the error says more than "this row does not fit".
struct Fail {
    progress: usize,
    specific: bool,
    err: IsaError,
}

struct Matcher<'a> {
    text: &'a str,
    toks: &'a [Tok],
    pos: usize,
    dialect: Dialect,
    insn: Insn,
    dst_set: bool,
    src_set: bool,
    sym: Option<SymOperand>,
    /// Span of the `{p}` operand, for the range check after the match.
    pseudo_span: Range<usize>,
    /// Build error messages (false on the fast path, whose failures are dropped).
    want_errors: bool,
    /// Literal id of each token (see [`token_ids`]).
    ids: &'a [u16],
}

fn is_register_like(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some('r' | 'w' | 'R' | 'W'))
        && s.len() > 1
        && cs.all(|c| c.is_ascii_digit())
}

/// `rN`/`wN` with N in 0..=10: (is 32-bit, number).
fn register(s: &str) -> Option<(bool, u8)> {
    let (w, digits) = match s.as_bytes().first()? {
        b'r' => (false, &s[1..]),
        b'w' => (true, &s[1..]),
        _ => return None,
    };
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    (n <= 10).then_some((w, n))
}

impl<'a> Matcher<'a> {
    fn tok_text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.text[t.span.clone()])
    }

    fn span_at(&self, i: usize) -> Range<usize> {
        self.toks
            .get(i)
            .map_or(self.text.len()..self.text.len(), |t| t.span.clone())
    }

    fn found(&self, i: usize) -> String {
        match self.toks.get(i) {
            Some(_) => format!("found `{}`", self.tok_text(i)),
            None => "found the end of the instruction".to_string(),
        }
    }

    /// A failed match; the message is only built when errors are wanted (the fast
    /// dispatch path discards them).
    fn fail(
        &self,
        specific: bool,
        code: diag::Code,
        span: Range<usize>,
        msg: impl FnOnce() -> String,
    ) -> Fail {
        let msg = if self.want_errors {
            msg()
        } else {
            String::new()
        };
        Fail {
            progress: self.pos,
            specific,
            err: IsaError::new(span, code, msg),
        }
    }

    fn peek_punct(&self, p: &str) -> bool {
        self.toks
            .get(self.pos)
            .is_some_and(|t| t.kind == TokKind::Punct)
            && self.tok_text(self.pos) == p
    }

    fn lit(&mut self, id: u16, lit: &str) -> Result<(), Fail> {
        if self.ids.get(self.pos) == Some(&id) {
            self.pos += 1;
            return Ok(());
        }
        let msg = || format!("expected `{lit}`, {}", self.found(self.pos));
        Err(self.fail(false, codes::E_ISA_BAD_OPERAND, self.span_at(self.pos), msg))
    }

    /// A register operand; `want_w`: Some(true) = wN, Some(false) = rN, None = either.
    fn reg(&mut self, want_w: Option<bool>, is_dst: bool) -> Result<(), Fail> {
        if self.dialect == Dialect::Gnu && self.peek_punct("%") {
            self.pos += 1;
        }
        let span = self.span_at(self.pos);
        let t = self.tok_text(self.pos);
        let Some((w, n)) = register(t) else {
            return Err(if is_register_like(t) {
                let msg = || format!("`{t}` is not a BPF register (r0-r10, w0-w10)");
                self.fail(true, codes::E_ISA_BAD_REGISTER, span, msg)
            } else {
                let msg = || format!("expected a register, {}", self.found(self.pos));
                self.fail(false, codes::E_ISA_BAD_OPERAND, span, msg)
            });
        };
        if let Some(want) = want_w
            && want != w
        {
            let msg = || {
                if want {
                    format!("expected a 32-bit register w{n} here, found `{t}`")
                } else {
                    format!("expected a 64-bit register r{n} here, found `{t}`")
                }
            };
            return Err(self.fail(true, codes::E_ISA_BAD_REGISTER, span, msg));
        }
        let (slot, set) = if is_dst {
            (&mut self.insn.dst, &mut self.dst_set)
        } else {
            (&mut self.insn.src, &mut self.src_set)
        };
        if *set && *slot != n {
            let first = *slot;
            let msg = || format!("this register must be the same as the first one (r{first})");
            return Err(self.fail(true, codes::E_ISA_BAD_REGISTER, span, msg));
        }
        *slot = n;
        *set = true;
        self.pos += 1;
        Ok(())
    }

    /// `[+|-] NUMBER` (the sign is required when `need_sign`): the value and its span.
    fn signed(&mut self, need_sign: bool) -> Result<(i128, Range<usize>), Fail> {
        let start = self.span_at(self.pos).start;
        let neg = if self.peek_punct("-") {
            self.pos += 1;
            true
        } else if self.peek_punct("+") {
            self.pos += 1;
            false
        } else if need_sign {
            let msg = || format!("expected `+` or `-`, {}", self.found(self.pos));
            return Err(self.fail(false, codes::E_ISA_BAD_OPERAND, self.span_at(self.pos), msg));
        } else {
            false
        };
        let span = self.span_at(self.pos);
        if self
            .toks
            .get(self.pos)
            .is_none_or(|t| t.kind != TokKind::Num)
        {
            let msg = || format!("expected a number, {}", self.found(self.pos));
            return Err(self.fail(false, codes::E_ISA_BAD_OPERAND, span, msg));
        }
        let t = self.tok_text(self.pos);
        let v = match number(t) {
            Ok(v) => v as i128,
            Err(NumError::Malformed) => {
                let msg = || format!("`{t}` is not a number");
                return Err(self.fail(true, codes::E_ISA_BAD_OPERAND, span, msg));
            }
            Err(NumError::Overflow) => {
                let msg = || format!("`{t}` does not fit in 64 bits");
                return Err(self.fail(true, codes::E_ISA_IMM_RANGE, span, msg));
            }
        };
        self.pos += 1;
        Ok((if neg { -v } else { v }, start..span.end))
    }

    fn imm32(&mut self) -> Result<i32, Fail> {
        let (v, span) = self.signed(false)?;
        if !(i32::MIN as i128..=u32::MAX as i128).contains(&v) {
            let msg = || format!("immediate {v} does not fit in 32 bits");
            return Err(self.fail(true, codes::E_ISA_IMM_RANGE, span, msg));
        }
        Ok(v as i64 as u32 as i32)
    }

    fn off16(&mut self, need_sign: bool) -> Result<i16, Fail> {
        let (v, span) = self.signed(need_sign)?;
        i16::try_from(v).map_err(|_| {
            let msg = || format!("offset {v} does not fit in 16 signed bits (-32768..=32767)");
            self.fail(true, codes::E_ISA_OFF_RANGE, span, msg)
        })
    }

    /// A symbol name (not a register), if the next token is one.
    fn symbol(&mut self) -> Option<(String, Range<usize>)> {
        let t = self.toks.get(self.pos)?;
        let text = self.tok_text(self.pos);
        if t.kind != TokKind::Ident || register(text).is_some() {
            return None;
        }
        self.pos += 1;
        Some((text.to_string(), t.span.clone()))
    }

    fn set_sym(&mut self, role: SymRole, name: String, addend: i64, span: Range<usize>) {
        self.sym = Some(SymOperand {
            role,
            name,
            addend,
            span,
        });
    }

    fn slot(&mut self, c: char, row: &OpRow) -> Result<(), Fail> {
        let llvm = self.dialect == Dialect::Llvm;
        let want_w = |w: Width| match (llvm, w) {
            (false, _) => Some(false),
            (true, Width::R) => Some(false),
            (true, Width::W) => Some(true),
            (true, Width::M) => None,
        };
        match c {
            'd' => self.reg(want_w(row.width), true),
            's' => self.reg(want_w(row.width), false),
            'D' => self.reg(Some(false), true),
            'S' => self.reg(Some(false), false),
            'i' | 'u' => {
                self.insn.imm = self.imm32()?;
                Ok(())
            }
            'o' => {
                // GNU `[%r1]` means offset 0.
                if !llvm && !self.peek_punct("+") && !self.peek_punct("-") {
                    return Ok(());
                }
                self.insn.off = self.off16(true)?;
                Ok(())
            }
            'j' => {
                if let Some((name, span)) = self.symbol() {
                    self.set_sym(SymRole::JumpTarget, name, 0, span);
                } else {
                    self.insn.off = self.off16(false)?;
                }
                Ok(())
            }
            'g' | 'c' => {
                if let Some((name, span)) = self.symbol() {
                    let role = if c == 'g' {
                        SymRole::JumpTarget
                    } else {
                        SymRole::CallTarget
                    };
                    self.insn.imm = if c == 'c' { -1 } else { 0 };
                    self.set_sym(role, name, 0, span);
                    return Ok(());
                }
                let (v, span) = self.signed(false)?;
                let ok = if c == 'g' {
                    (i32::MIN as i128..=i32::MAX as i128).contains(&v)
                } else {
                    (i32::MIN as i128..=u32::MAX as i128).contains(&v)
                };
                if !ok {
                    let msg = || format!("target {v} does not fit in 32 bits");
                    return Err(self.fail(true, codes::E_ISA_IMM_RANGE, span, msg));
                }
                self.insn.imm = v as i64 as u32 as i32;
                Ok(())
            }
            'q' => {
                if let Some((name, span)) = self.symbol() {
                    let mut addend: i64 = 0;
                    let mut end = span.end;
                    if self.peek_punct("+") || self.peek_punct("-") {
                        let (v, aspan) = self.signed(true)?;
                        addend = i64::try_from(v).map_err(|_| {
                            let msg = || format!("addend {v} does not fit in 64 signed bits");
                            self.fail(true, codes::E_ISA_IMM_RANGE, aspan.clone(), msg)
                        })?;
                        end = aspan.end;
                    }
                    self.insn.set_imm64(addend);
                    self.set_sym(SymRole::Imm64, name, addend, span.start..end);
                    return Ok(());
                }
                let (v, span) = self.signed(false)?;
                if !(i64::MIN as i128..=u64::MAX as i128).contains(&v) {
                    let msg = || format!("immediate {v} does not fit in 64 bits");
                    return Err(self.fail(true, codes::E_ISA_IMM_RANGE, span, msg));
                }
                self.insn.set_imm64(v as u64 as i64);
                Ok(())
            }
            'p' => {
                let (v, span) = self.signed(false)?;
                self.pseudo_span = span.clone();
                if !(0..=15).contains(&v) {
                    let msg = || format!("pseudo source {v} is not in 0..=15");
                    return Err(self.fail(true, codes::E_ISA_IMM_RANGE, span, msg));
                }
                self.insn.src = v as u8;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn try_row(
    text: &str,
    toks: &[Tok],
    dialect: Dialect,
    row: &OpRow,
    parts: &[Part],
    want_errors: bool,
    ids: &[u16],
) -> Result<ParsedInsn, Fail> {
    let mut m = Matcher {
        text,
        toks,
        pos: 0,
        dialect,
        insn: Insn {
            code: row.code,
            ..Insn::default()
        },
        dst_set: false,
        src_set: false,
        sym: None,
        pseudo_span: 0..0,
        want_errors,
        ids,
    };
    for part in parts {
        match part {
            Part::Lit(id, l) => m.lit(*id, l)?,
            Part::Slot(c) => m.slot(*c, row)?,
        }
    }
    if m.pos < toks.len() {
        let msg = || format!("unexpected `{}` after the instruction", m.tok_text(m.pos));
        return Err(m.fail(false, codes::E_ISA_BAD_OPERAND, m.span_at(m.pos), msg));
    }
    match row.key {
        Key::None => {}
        Key::Off(v) => m.insn.off = v,
        Key::Imm(v) => m.insn.imm = v,
        Key::Src(v) => m.insn.src = v,
        Key::SrcIn(lo, hi) => {
            if !(lo..=hi).contains(&m.insn.src) {
                let msg = || format!("pseudo source {} is not in {lo}..={hi}", m.insn.src);
                return Err(m.fail(true, codes::E_ISA_IMM_RANGE, m.pseudo_span.clone(), msg));
            }
        }
    }
    Ok(ParsedInsn {
        insn: m.insn,
        sym: m.sym,
    })
}

/// A template of one row: (row index, alternative index; 0 for LLVM).
type TemplateRef = (u16, u8);

/// Where to look first: templates keyed by the literal that any matching text must
/// have at token 0 (a leading literal) or at token 1 (after a leading LLVM register,
/// which is always one token). Templates of another shape are always tried. Each list
/// is in table order, and every template is in exactly one list.
struct Dispatch {
    /// Indexed by [`Dispatch::slot`]: (dialect, token position, literal id).
    by_token: Vec<Vec<TemplateRef>>,
    /// Per dialect (LLVM, GNU).
    always: [Vec<TemplateRef>; 2],
    lits: usize,
}

impl Dispatch {
    fn slot(&self, dialect: Dialect, pos: usize, lit: u16) -> Option<usize> {
        let lit = lit as usize;
        (pos < 2 && lit < self.lits).then(|| (dialect as usize * 2 + pos) * self.lits + lit)
    }

    fn list(&self, dialect: Dialect, pos: usize, lit: u16) -> &[TemplateRef] {
        self.slot(dialect, pos, lit)
            .and_then(|i| self.by_token.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

fn dispatch_key(dialect: Dialect, parts: &[Part]) -> Option<(usize, u16)> {
    match (parts.first(), parts.get(1)) {
        (Some(Part::Lit(id, _)), _) => Some((0, *id)),
        (Some(Part::Slot('d' | 's' | 'D' | 'S')), Some(Part::Lit(id, _)))
            if dialect == Dialect::Llvm =>
        {
            Some((1, *id))
        }
        _ => None,
    }
}

fn dispatch() -> &'static Dispatch {
    static D: OnceLock<Dispatch> = OnceLock::new();
    D.get_or_init(|| {
        let lits = lit_ids().len();
        debug_assert!(lits < usize::from(NO_TOKEN));
        let mut d = Dispatch {
            by_token: vec![Vec::new(); 4 * lits],
            always: [Vec::new(), Vec::new()],
            lits,
        };
        for (i, c) in compiled().iter().enumerate() {
            let mut add = |dialect: Dialect, alt: usize, parts: &[Part]| {
                let r = (i as u16, alt as u8);
                let slot = dispatch_key(dialect, parts).and_then(|(p, l)| d.slot(dialect, p, l));
                match slot {
                    Some(k) => d.by_token[k].push(r),
                    None => d.always[dialect as usize].push(r),
                }
            };
            add(Dialect::Llvm, 0, &c.llvm);
            for (alt, parts) in c.gnu.iter().enumerate() {
                add(Dialect::Gnu, alt, parts);
            }
        }
        d
    })
}

/// The union of sorted, disjoint lists, in order (a merge, no allocation).
fn merged<'l>(lists: [&'l [TemplateRef]; 3]) -> impl Iterator<Item = TemplateRef> + 'l {
    let mut at = [0usize; 3];
    std::iter::from_fn(move || {
        let k = (0..3)
            .filter_map(|k| lists[k].get(at[k]).map(|r| (*r, k)))
            .min()?
            .1;
        at[k] += 1;
        lists[k].get(at[k] - 1).copied()
    })
}

fn template_of(
    dialect: Dialect,
    (row, alt): TemplateRef,
) -> Option<(&'static OpRow, &'static [Part])> {
    let c = compiled().get(row as usize)?;
    let parts = match dialect {
        Dialect::Llvm => &c.llvm,
        Dialect::Gnu => c.gnu.get(alt as usize)?,
    };
    Some((OPCODES.get(row as usize)?, parts.as_slice()))
}

/// Candidate lists by the literal ids of the first three tokens (see [`parse_fast`]).
type CandCache = std::collections::HashMap<
    u64,
    Vec<TemplateRef>,
    std::hash::BuildHasherDefault<crate::assemble::NameHasher>,
>;

/// Stands for a missing token in a [`CandCache`] key (no literal has this id).
const NO_TOKEN: u16 = u16::MAX - 1;

/// The dispatch candidates of `dialect` for a text with these literal ids, in table
/// order, without those whose fixed prefix disagrees with the first three tokens.
fn candidates(dialect: Dialect, ids: &[u16]) -> Vec<TemplateRef> {
    let d = dispatch();
    let at = |pos: usize| ids.get(pos).map_or(&[][..], |&id| d.list(dialect, pos, id));
    merged([at(0), at(1), d.always[dialect as usize].as_slice()])
        .filter(|r| {
            fixed_prefix_of(dialect, *r).is_some_and(|p| {
                p.iter()
                    .filter(|(pos, _)| *pos < 3)
                    .all(|(pos, id)| ids.get(*pos) == Some(id))
            })
        })
        .collect()
}

fn fixed_prefix_of(dialect: Dialect, r: TemplateRef) -> Option<&'static [(usize, u16)]> {
    let c = compiled().get(r.0 as usize)?;
    match dialect {
        Dialect::Llvm => Some(&c.llvm_prefix),
        Dialect::Gnu => c.gnu_prefix.get(r.1 as usize).map(Vec::as_slice),
    }
}

/// The first template of `dialect` that matches, trying only the dispatch candidates.
fn parse_fast(
    cache: &mut CandCache,
    text: &str,
    toks: &[Tok],
    dialect: Dialect,
    ids: &[u16],
) -> Option<ParsedInsn> {
    // Fast path: only templates whose leading literal is in the text, and whose fixed
    // literals agree with it; they are tried in table order, so the first match is the
    // one the full scan below would find. The candidates depend on the dialect and the
    // first three ids alone, so they are computed once per such key.
    let id = |pos: usize| u64::from(ids.get(pos).copied().unwrap_or(NO_TOKEN));
    let key = dialect as u64 | id(0) << 16 | id(1) << 32 | id(2) << 48;
    let cands = cache.entry(key).or_insert_with(|| candidates(dialect, ids));
    for &r in cands.iter() {
        let prefix = fixed_prefix_of(dialect, r);
        if !prefix.is_some_and(|p| p.iter().all(|(pos, id)| ids.get(*pos) == Some(id))) {
            continue;
        }
        if let Some((row, parts)) = template_of(dialect, r)
            && let Ok(p) = try_row(text, toks, dialect, row, parts, false, ids)
        {
            return Some(p);
        }
    }
    None
}

/// Every template of `dialect`, keeping the attempt that got furthest: the error for
/// text that [`parse_fast`] did not match (or, defensively, its match).
fn parse_slow(text: &str, toks: &[Tok], dialect: Dialect, ids: &[u16]) -> Result<ParsedInsn, Fail> {
    let mut best: Option<Fail> = None;
    for (row, c) in OPCODES.iter().zip(compiled()) {
        let templates = match dialect {
            Dialect::Llvm => std::slice::from_ref(&c.llvm),
            Dialect::Gnu => c.gnu.as_slice(),
        };
        for parts in templates {
            match try_row(text, toks, dialect, row, parts, true, ids) {
                Ok(p) => return Ok(p),
                Err(f) => {
                    let better = best
                        .as_ref()
                        .is_none_or(|b| (f.progress, f.specific) > (b.progress, b.specific));
                    if better {
                        best = Some(f);
                    }
                }
            }
        }
    }
    let mut f = best.unwrap_or(Fail {
        progress: 0,
        specific: false,
        err: IsaError::new(0..text.len(), codes::E_ISA_UNKNOWN, "no instruction"),
    });
    if f.progress == 0 && !f.specific {
        let span = toks.first().map_or(0..text.len(), |t| t.span.clone());
        let what = &text[span.clone()];
        f.err = IsaError::new(
            span,
            codes::E_ISA_UNKNOWN,
            format!("unknown instruction `{what}`"),
        );
    }
    Err(f)
}

/// Looks like LLVM pseudo-C: has an assignment/comparison operator or a pseudo-C keyword.
fn looks_llvm(text: &str, toks: &[Tok]) -> bool {
    let first = toks.first().map_or("", |t| &text[t.span.clone()]);
    matches!(first, "if" | "goto" | "gotol")
        || toks
            .iter()
            .any(|t| t.kind == TokKind::Punct && text[t.span.clone()].contains('='))
}

/// True when `name`, as the last token of an instruction, is read as a symbol and in no
/// other way: one identifier token that is neither a register nor any template literal
/// (in either dialect). The matcher then treats every such name alike, so an
/// instruction text parses to the same fields whichever such name ends it.
pub fn is_plain_symbol(name: &str) -> bool {
    let b = name.as_bytes();
    let word = b.first().is_some_and(|&c| super::lex::is_ident_start(c))
        && b.iter().all(|&c| super::lex::is_ident_cont(c));
    if !word || register(name).is_some() {
        return false;
    }
    let p = packed_lits();
    if b.len() > p.max_len {
        return true;
    }
    match pack(b) {
        // Lower-casing the packed bytes: ASCII letters only (`is_ident_cont` above).
        Some(k) => {
            // Per byte (all < 0x80, so no carries): bit 7 of c + 0x3f is c >= 'A', of
            // c + 0x25 is c > 'Z'; an upper-case letter gains 0x20.
            const ONES: u128 = u128::from_le_bytes([1; 16]);
            let upper = (k + 0x3f * ONES) & !(k + 0x25 * ONES) & (0x80 * ONES);
            !p.short.contains_key(&k) && !p.short.contains_key(&(k | upper >> 2))
        }
        None => lit_id(name) == NO_LIT && lower_lit_id(name) == NO_LIT,
    }
}

/// [`lit_id`] of `name` lower-cased (GNU input is compared that way), without
/// allocating for short names.
fn lower_lit_id(name: &str) -> u16 {
    let mut buf = [0u8; 32];
    match buf.get_mut(..name.len()) {
        Some(low) => {
            low.copy_from_slice(name.as_bytes());
            low.make_ascii_lowercase();
            std::str::from_utf8(low).map_or(NO_LIT, lit_id)
        }
        None => lit_id(&name.to_ascii_lowercase()),
    }
}

/// Buffers [`parse_insn_with`] reuses from one instruction to the next.
#[derive(Default)]
pub struct InsnScratch {
    toks: Vec<Tok>,
    ids: [Vec<u16>; 2],
    cands: CandCache,
}

/// Parses one instruction (no label, no comment). `dialect` None = detect: the text is
/// tried in the dialect it looks like first, then in the other one.
pub fn parse_insn(text: &str, dialect: Option<Dialect>) -> Result<ParsedInsn, IsaError> {
    parse_insn_with(&mut InsnScratch::default(), text, dialect)
}

/// As [`parse_insn`], with caller-owned buffers (no allocation on the usual path).
pub fn parse_insn_with(
    scratch: &mut InsnScratch,
    text: &str,
    dialect: Option<Dialect>,
) -> Result<ParsedInsn, IsaError> {
    let InsnScratch { toks, ids, cands } = scratch;
    lex_into(text, toks)?;
    let toks = toks.as_slice();
    if toks.is_empty() {
        return Err(IsaError::new(
            0..text.len(),
            codes::E_ISA_UNKNOWN,
            "expected an instruction",
        ));
    }
    let both = match dialect {
        Some(d) => [d, d],
        None if looks_llvm(text, toks) => [Dialect::Llvm, Dialect::Gnu],
        None => [Dialect::Gnu, Dialect::Llvm],
    };
    let order = &both[..if dialect.is_some() { 1 } else { 2 }];
    for (k, &d) in order.iter().enumerate() {
        token_ids(text, toks, d, &mut ids[k]);
        if let Some(p) = parse_fast(cands, text, toks, d, &ids[k]) {
            return Ok(p);
        }
    }
    let mut first_fail: Option<Fail> = None;
    for (k, &d) in order.iter().enumerate() {
        match parse_slow(text, toks, d, &ids[k]) {
            Ok(p) => return Ok(p),
            Err(f) => {
                if first_fail.as_ref().is_none_or(|b| f.progress > b.progress) {
                    first_fail = Some(f);
                }
            }
        }
    }
    Err(first_fail.map(|f| f.err).unwrap_or_else(|| {
        IsaError::new(
            0..text.len(),
            codes::E_ISA_UNKNOWN,
            "expected an instruction",
        )
    }))
}
