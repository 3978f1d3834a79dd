//! The `.s` text parser: source text → [`Module`] plus diagnostics.
//!
//! Lexical rules are llvm-mc's for BPF: `#` and `//` start a comment that runs to the end
//! of the line, `/* ... */` is a comment (a multi-line one also ends the statement), `;`
//! and newlines separate statements, and none of these count inside a string literal.
//! A statement is an optional label (`name:`, several allowed), then a directive (a word
//! starting with `.`, see [`directives`]) or an instruction, which the `isa` parser reads
//! in either dialect (detected per statement unless one is forced).
//!
//! Invariants: every statement records its span in the source; every problem becomes a
//! `Diagnostic` with an E06xx/E068x code at the exact column, and parsing goes on with
//! the next statement so one run reports several errors. Nothing here panics on any
//! input (see the fuzz target `fuzz/fuzz_targets/asm_text.rs`).

pub mod cursor;
mod directives;

use crate::assemble::NameHasher;
use crate::isa::{self, Dialect};
use crate::module::{Module, SectionSwitch, ShortSection, Stmt, StmtKind};
use cursor::{Cursor, CursorError, is_name_char, is_name_start};
use diag::{Diagnostic, FileId, Span, codes};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

/// Parses assembly text. `dialect` forces one instruction syntax (`None`: per statement).
pub fn parse(src: &str, file: FileId, dialect: Option<Dialect>) -> (Module, Vec<Diagnostic>) {
    let mut p = Parser {
        src,
        file,
        dialect,
        module: Module::new(),
        diags: Vec::new(),
        current: SectionSwitch::Short(ShortSection::Text),
        previous: None,
        stack: Vec::new(),
        cache: HashMap::default(),
        tails: HashMap::default(),
        scratch: isa::InsnScratch::default(),
    };
    p.run();
    let mut diags = p.diags;
    snap_spans(&mut diags, src);
    (p.module, diags)
}

/// Moves every label span of `diags` to character boundaries of `src` (a span may come
/// from a byte-oriented lexer), so rendering never slices inside a UTF-8 character.
pub fn snap_spans(diags: &mut [Diagnostic], src: &str) {
    let fix_down = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let fix_up = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    for d in diags {
        for l in &mut d.labels {
            let start = fix_down(l.span.start as usize);
            let end = fix_up(l.span.end as usize).max(start);
            l.span = Span::new(l.span.file, start, end);
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    file: FileId,
    dialect: Option<Dialect>,
    module: Module,
    diags: Vec<Diagnostic>,
    /// The section in effect, the one before it (`.previous`), and the
    /// `.pushsection` stack; all three resolve to plain section switches in the module.
    current: SectionSwitch,
    previous: Option<SectionSwitch>,
    stack: Vec<(SectionSwitch, Option<SectionSwitch>)>,
    /// Parsed instructions by their exact text (a slice of `src`).
    cache: HashMap<&'a str, CachedInsn, BuildHasherDefault<NameHasher>>,
    /// Instructions ending in a plain symbol, by the text before it (see
    /// [`split_symbol_tail`]): the fields and the symbol's role.
    tails: HashMap<&'a str, (isa::Insn, isa::SymRole), BuildHasherDefault<NameHasher>>,
    /// The instruction parser's reused buffers.
    scratch: isa::InsnScratch,
}

/// A parsed instruction as statements hold it.
type CachedInsn = (isa::Insn, Option<Arc<isa::SymOperand>>);

/// At most this many distinct instruction texts are remembered.
const CACHE_LIMIT: usize = 1 << 16;

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&mut self, code: diag::Code, start: usize, end: usize, msg: impl Into<String>) {
        let span = self.span(start, end.max(start + 1).min(self.src.len().max(start)));
        self.diags
            .push(Diagnostic::error(code, msg).with_label(span, ""));
    }

    /// Splits the source into statements and handles each.
    fn run(&mut self) {
        let src = self.src;
        let b = src.as_bytes();
        let mut i = 0;
        let mut start = 0;
        // Block comments inside the current statement (blanked before parsing it).
        let mut blanks: Vec<(usize, usize)> = Vec::new();
        while i < b.len() {
            match b[i] {
                b'\n' | b';' => {
                    self.statement(start, i, &blanks);
                    blanks.clear();
                    i += 1;
                    start = i;
                }
                b'#' => {
                    self.statement(start, i, &blanks);
                    blanks.clear();
                    i = memchr_nl(b, i);
                    start = i;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    self.statement(start, i, &blanks);
                    blanks.clear();
                    i = memchr_nl(b, i);
                    start = i;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let body = i + 2;
                    match src.get(body..).and_then(|rest| rest.find("*/")) {
                        Some(k) => {
                            let end = body + k + 2;
                            if src.get(i..end).is_some_and(|c| c.contains('\n')) {
                                self.statement(start, i, &blanks);
                                blanks.clear();
                                start = end;
                            } else {
                                blanks.push((i, end));
                            }
                            i = end;
                        }
                        None => {
                            self.error(
                                codes::E_ASM_BAD_TOKEN,
                                i,
                                i + 2,
                                "unterminated `/*` comment",
                            );
                            self.statement(start, i, &blanks);
                            blanks.clear();
                            i = b.len();
                            start = i;
                        }
                    }
                }
                b'"' => {
                    // Skip the string so `#`/`;` inside it stay text; an unterminated
                    // string is reported by the directive that reads it.
                    i += 1;
                    while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                        i += if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' {
                            2
                        } else {
                            1
                        };
                    }
                    if i < b.len() && b[i] == b'"' {
                        i += 1;
                    }
                }
                _ => i = next_special(b, i + 1),
            }
        }
        self.statement(start, b.len(), &blanks);
    }

    /// Handles the statement `src[start..end]`, with `blanks` (block comments) removed.
    fn statement(&mut self, start: usize, end: usize, blanks: &[(usize, usize)]) {
        let Some(raw) = self.src.get(start..end) else {
            return;
        };
        if blanks.is_empty() {
            self.statement_text(raw, start, true);
        } else {
            let mut owned = raw.as_bytes().to_vec();
            for &(s, e) in blanks {
                for byte in owned.iter_mut().take(e - start).skip(s - start) {
                    *byte = b' ';
                }
            }
            let text = String::from_utf8_lossy(&owned).into_owned();
            self.statement_text(&text, start, false);
        }
    }

    /// `text` is the statement; `base` its byte offset in the source; `in_src`: `text`
    /// is that stretch of the source itself (not a copy with comments blanked).
    fn statement_text(&mut self, text: &str, base: usize, in_src: bool) {
        let b = text.as_bytes();
        let mut i = 0;
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                return;
            }
            // Labels: `name:` or `"quoted name":`.
            if let Some((name, after)) = label_at(text, i) {
                let stmt = Stmt {
                    kind: StmtKind::Label(name),
                    span: self.span(base + i, base + after - 1),
                };
                self.push(stmt);
                i = after;
                continue;
            }
            break;
        }
        let rest = trim_end(text.get(i..).unwrap_or(""));
        let base = base + i;
        if rest.is_empty() {
            return;
        }
        let span = self.span(base, base + rest.len());
        if rest.as_bytes()[0] == b'.' && rest.as_bytes().get(1).is_some_and(|&c| is_name_start(c)) {
            let mut c = Cursor::new(rest);
            let name_start = c.pos;
            let name = c.bare_name().unwrap_or("");
            match directives::parse(name, &mut c, self.dialect == Some(Dialect::Gnu)) {
                Ok(directives::Outcome::Stmt(kind)) => self.push(Stmt { kind, span }),
                Ok(directives::Outcome::Many(kinds)) => {
                    for kind in kinds {
                        self.push(Stmt { kind, span });
                    }
                }
                Ok(directives::Outcome::Section(sw)) => {
                    let prev = std::mem::replace(&mut self.current, sw.clone());
                    self.previous = Some(prev);
                    self.switch(sw, span);
                }
                Ok(directives::Outcome::Push(sw)) => {
                    let prev = std::mem::replace(&mut self.current, sw.clone());
                    self.stack.push((prev.clone(), self.previous.take()));
                    self.previous = Some(prev);
                    self.switch(sw, span);
                }
                Ok(directives::Outcome::Pop) => match self.stack.pop() {
                    Some((sw, prev)) => {
                        self.current = sw.clone();
                        self.previous = prev;
                        self.switch(sw, span);
                    }
                    None => self.error(
                        codes::E_ASM_BAD_DIRECTIVE,
                        base,
                        base + rest.len(),
                        ".popsection without a matching .pushsection",
                    ),
                },
                Ok(directives::Outcome::Previous) => match self.previous.take() {
                    Some(sw) => {
                        let cur = std::mem::replace(&mut self.current, sw.clone());
                        self.previous = Some(cur);
                        self.switch(sw, span);
                    }
                    None => self.error(
                        codes::E_ASM_BAD_DIRECTIVE,
                        base,
                        base + rest.len(),
                        ".previous without an earlier section switch",
                    ),
                },
                Ok(directives::Outcome::Unknown) => self.error(
                    codes::E_ASM_UNKNOWN_DIRECTIVE,
                    base + name_start,
                    base + name_start + name.len(),
                    format!("unknown directive `{name}`"),
                ),
                Err(CursorError {
                    start,
                    end,
                    message,
                }) => self.error(
                    codes::E_ASM_BAD_DIRECTIVE,
                    base + start,
                    base + end,
                    format!("{name}: {message}"),
                ),
            }
            return;
        }
        // Instruction lines repeat a lot (`exit`, `r1 = r6`, `call 1`...): parse each
        // distinct text once. The result depends on the text alone (spans inside a
        // symbolic operand are relative to it), so a cached copy is exact.
        // The key borrows the source (a copy with blanked comments is not cached).
        let key = if in_src {
            self.src.get(base..base + rest.len())
        } else {
            None
        };
        if let Some(p) = key.and_then(|k| self.cache.get(k)) {
            let kind = StmtKind::Insn {
                insn: p.0,
                sym: p.1.clone(),
            };
            self.push(Stmt { kind, span });
            return;
        }
        // Texts that differ only in the symbol ending them (`goto LBB0_7`, `call f`)
        // parse alike: the fields are known from the text before the symbol.
        let tail = key.and_then(|k| split_symbol_tail(k));
        if let Some((prefix, name, at)) = tail
            && let Some(&(insn, role)) = self.tails.get(prefix)
            && isa::is_plain_symbol(name)
        {
            let sym = isa::SymOperand {
                role,
                name: name.to_string(),
                addend: 0,
                span: at..at + name.len(),
            };
            let kind = StmtKind::Insn {
                insn,
                sym: Some(Arc::new(sym)),
            };
            self.push(Stmt { kind, span });
            return;
        }
        let parsed = isa::parse_insn_with(&mut self.scratch, rest, self.dialect);
        match parsed {
            Ok(p) => {
                if let (Some((prefix, name, at)), Some(op)) = (tail, &p.sym)
                    && op.addend == 0
                    && op.span == (at..at + name.len())
                    && op.name == name
                    && self.tails.len() < CACHE_LIMIT
                    && isa::is_plain_symbol(name)
                {
                    self.tails.insert(prefix, (p.insn, op.role));
                }
                let sym = p.sym.map(Arc::new);
                if let Some(k) = key
                    && self.cache.len() < CACHE_LIMIT
                {
                    self.cache.insert(k, (p.insn, sym.clone()));
                }
                self.push(Stmt {
                    kind: StmtKind::Insn { insn: p.insn, sym },
                    span,
                })
            }
            Err(e) => self.diags.push(e.to_diagnostic(self.file, base)),
        }
    }
}

impl Parser<'_> {
    /// Starts a chunk in `sw` (the section directive's span recorded for errors).
    fn switch(&mut self, sw: SectionSwitch, span: Span) {
        self.module.switch_to(sw);
        self.size_chunks(span.end as usize);
        if let Some(c) = self.module.chunks.last_mut() {
            c.span = span;
        }
    }

    /// Appends a statement to the current chunk (an implicit `.text` one at first).
    fn push(&mut self, stmt: Stmt) {
        if self.module.chunks.is_empty() {
            self.module.switch_to(SectionSwitch::Implicit);
            self.size_chunks(stmt.span.start as usize);
        }
        self.module.push_stmt(stmt);
    }

    /// After a chunk was opened at byte `at`: the chunk before it gives back the room it
    /// did not use, and the new one gets room for the rest of a large file, so a million
    /// statements are not copied each time the vector doubles (the estimate is generous:
    /// a statement line is rarely under 12 bytes, and untouched room costs no memory).
    fn size_chunks(&mut self, at: usize) {
        const LARGE: usize = 1 << 20;
        let n = self.module.chunks.len();
        if n >= 2 {
            let prev = &mut self.module.chunks[n - 2].stmts;
            if prev.capacity() > 2 * prev.len() && prev.capacity() * size_of::<Stmt>() > LARGE {
                prev.shrink_to_fit();
            }
        }
        let rest = self.src.len().saturating_sub(at);
        if rest > LARGE
            && let Some(c) = self.module.chunks.last_mut()
        {
            c.stmts.reserve(rest / 12);
        }
    }
}

/// `s.trim_end()`, with ASCII whitespace removed byte by byte first (the usual case);
/// only a non-ASCII last character takes the Unicode-aware path.
fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && b[end - 1].is_ascii() {
        if !(b[end - 1] as char).is_whitespace() {
            return &s[..end];
        }
        end -= 1;
    }
    s[..end].trim_end()
}

/// The bytes the statement splitter in [`Parser::run`] stops at.
fn is_special(c: u8) -> bool {
    matches!(c, b'\n' | b';' | b'#' | b'/' | b'"')
}

/// The index of the first byte at or after `i` that [`is_special`] accepts (`b.len()`
/// if none), eight bytes at a time: a byte equal to `c` is a zero byte of `w ^ c*0x01..`,
/// and `(y - 0x01..) & !y & 0x80..` marks zero bytes exactly up to the first one.
fn next_special(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |w: u64, c: u8| {
        let y = w ^ (LO * u64::from(c));
        y.wrapping_sub(LO) & !y & HI
    };
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let m = zero(w, b'\n') | zero(w, b';') | zero(w, b'#') | zero(w, b'/') | zero(w, b'"');
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !is_special(b[i]) {
        i += 1;
    }
    i
}

/// An instruction text as (the text before its
/// last token, that token, the token's offset in `text`) when the token is a name
/// preceded by something: an identifier start after a byte that no identifier
/// continues with, so the lexer splits the prefix the same whatever name follows.
fn split_symbol_tail(text: &str) -> Option<(&str, &str, usize)> {
    let b = text.as_bytes();
    let mut at = b.len();
    while at > 0 && is_ident_cont_byte(b[at - 1]) {
        at -= 1;
    }
    let prefix = text.get(..at)?;
    let name = text.get(at..)?;
    let starts_name = name
        .as_bytes()
        .first()
        .is_some_and(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'.' | b'$'));
    let has_prefix = prefix.bytes().any(|c| !c.is_ascii_whitespace());
    (starts_name && has_prefix).then_some((prefix, name, at))
}

/// The bytes that continue an instruction-level identifier (the `isa` lexer's rule).
fn is_ident_cont_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$')
}

fn memchr_nl(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map(|k| from + k)
        .unwrap_or(b.len())
}

/// A label at `text[i..]`: its name and the index just after the `:`.
fn label_at(text: &str, i: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let (name, mut j) = if b.get(i) == Some(&b'"') {
        let mut c = Cursor::new(text);
        c.pos = i;
        let n = c.name().ok()?;
        (n, c.pos)
    } else {
        if !b
            .get(i)
            .is_some_and(|&c| is_name_start(c) || c.is_ascii_digit())
        {
            return None;
        }
        let mut j = i + 1;
        while b.get(j).is_some_and(|&c| is_name_char(c)) {
            j += 1;
        }
        // Most statements are not labels: look for the `:` before copying the name.
        let mut k = j;
        while b.get(k).is_some_and(|&c| c == b' ' || c == b'\t') {
            k += 1;
        }
        if b.get(k) != Some(&b':') {
            return None;
        }
        (text.get(i..j)?.to_string(), j)
    };
    while b.get(j).is_some_and(|&c| c == b' ' || c == b'\t') {
        j += 1;
    }
    if b.get(j) == Some(&b':') {
        // Digits-only names are GNU local labels, which BPF code does not use.
        if name.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some((name, j + 1))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::{DataWidth, Expr, SymAttr};

    fn kinds(src: &str) -> Vec<StmtKind> {
        let (m, d) = parse(src, FileId(0), None);
        assert!(d.is_empty(), "{d:?}");
        m.chunks
            .into_iter()
            .flat_map(|c| c.stmts)
            .map(|s| s.kind)
            .collect()
    }

    #[test]
    fn comments_separators_and_strings() {
        let k = kinds("a: b: r0 = 1 ; exit # c\n/* x */ .ascii \"#;//\" // d\n");
        assert_eq!(k.len(), 5, "{k:?}");
        assert_eq!(k[0], StmtKind::Label("a".into()));
        assert_eq!(k[1], StmtKind::Label("b".into()));
        assert_eq!(
            k[4],
            StmtKind::Ascii {
                strings: vec![b"#;//".to_vec()],
                zero_terminated: false
            }
        );
    }

    #[test]
    fn several_names_and_quoted_symbols() {
        let k = kinds(".globl a, \"b c\"\n.long \"b c\"+4\n");
        assert_eq!(
            k[1],
            StmtKind::SymAttr {
                attr: SymAttr::Globl,
                name: "b c".into()
            }
        );
        assert_eq!(
            k[2],
            StmtKind::Data {
                width: DataWidth::Long,
                values: vec![Expr::sym_plus("b c", 4)]
            }
        );
    }

    /// A `.byte` row of numbers 0..=255 is `Bytes` (as codegen makes `.BTF`), printed
    /// back as the same row; any other `.byte` row stays `Data`.
    #[test]
    fn byte_rows_of_plain_numbers_are_bytes() {
        let text = ".byte 0, 0x11, 255\n.byte 256\n.byte -1\n.byte x\n.short 1\n";
        let k = kinds(text);
        assert_eq!(k[0], StmtKind::Bytes(vec![0, 0x11, 255]));
        assert!(k[1..].iter().all(|s| matches!(s, StmtKind::Data { .. })));
        let (m, d) = parse(".byte 0, 17, 255\n", FileId(0), None);
        assert!(d.is_empty());
        assert!(crate::print::print_module(&m).contains(".byte\t0, 17, 255\n"));
    }

    #[test]
    fn section_stack_resolves_to_plain_switches() {
        let (m, d) = parse(
            ".text\n.pushsection .a\n.popsection\n.section .b\n.previous\n",
            FileId(0),
            None,
        );
        assert!(d.is_empty());
        let names: Vec<&str> = m.chunks.iter().map(|c| c.section.name()).collect();
        assert_eq!(names, [".text", ".a", ".text", ".b", ".text"]);
    }

    /// Instructions that differ only in their final symbol reuse an earlier parse; each
    /// must still come out as parsing it alone gives, whatever name ends it.
    #[test]
    fn symbol_tails_parse_as_alone() {
        let names = [
            "a", "LBB0_1", "exit", "EXIT", "r1", "w2", "R3", "ll", "goto", "call", "_x", ".Ltmp1",
            "$d", "s", "lock", "le16", "r11", "b",
        ];
        let forms = [
            "goto ",
            "call ",
            "if r1 > 2 goto ",
            "if w1 s< w2 goto ",
            "r1 = ",
            "gotol ",
            "ja ",
            "jeq %r1, 2, ",
            "call\t",
            "r0 = *(u8 *)skb[",
        ];
        for dialect in [None, Some(Dialect::Llvm), Some(Dialect::Gnu)] {
            let mut src = String::new();
            let mut lines = Vec::new();
            for f in forms {
                for n in names {
                    let line = format!("{f}{n}");
                    src.push_str(&line);
                    src.push('\n');
                    lines.push(line);
                }
            }
            let (m, _) = parse(&src, FileId(0), dialect);
            let mut got = m.chunks.iter().flat_map(|c| &c.stmts).peekable();
            let mut base = 0;
            for line in &lines {
                let alone = isa::parse_insn(line, dialect);
                let here = got.peek().filter(|s| s.span.start as usize == base);
                match (alone, here) {
                    (Ok(p), Some(s)) => {
                        let want = StmtKind::Insn {
                            insn: p.insn,
                            sym: p.sym.map(Arc::new),
                        };
                        assert_eq!(s.kind, want, "{line:?} ({dialect:?})");
                        got.next();
                    }
                    (Err(_), None) => {}
                    (a, b) => panic!("{line:?} ({dialect:?}): alone {a:?}, in a file {b:?}"),
                }
                base += line.len() + 1;
            }
        }
    }

    #[test]
    fn trim_end_is_str_trim_end() {
        for s in [
            "",
            " ",
            "a",
            "a \t",
            "a\u{a0}",
            "a\u{a0} ",
            "é",
            "\u{2003}\u{85}",
            "x\x0b\x0c",
        ] {
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
    }

    #[test]
    fn next_special_finds_the_first_stop_byte() {
        let text = b"abcdefghij\"klmnop;qr#st/uvwxyz0123456789\nend";
        for i in 0..=text.len() {
            let want = (i..text.len())
                .find(|&k| is_special(text[k]))
                .unwrap_or(text.len());
            assert_eq!(next_special(text, i), want, "from {i}");
        }
        // A stop byte right after bytes whose subtraction borrows (0x00, 0x80, 0xff).
        let tricky = [0x00, 0x80, 0xff, 0x01, 0x0b, b';', 0x00, 0x09];
        assert_eq!(next_special(&tricky, 0), 5);
    }

    #[test]
    fn spans_point_at_the_statement() {
        let (m, _) = parse("\n  r0 = 1\n", FileId(0), None);
        let s = &m.chunks[0].stmts[0];
        assert_eq!((s.span.start, s.span.end), (3, 9));
    }
}
