//! Printing an [`asm::Module`](crate::module::Module) as LLVM-dialect assembly text, in
//! the layout `clang -S` uses: directives and instructions indented by a tab, labels
//! flush left, decimal immediates, symbolic jump/call/ld_imm64 operands.
//!
//! Invariant (tested on every program under `testsuite/programs/asm`): parsing the
//! printed text gives back a module equal to the printed one (`eq_ignoring_spans`), and
//! printing that again gives the same text. Instruction text comes from the `isa`
//! printer (one table), with objdump's hex immediates turned into decimal and the symbol
//! written where the numeric target would be.

use crate::isa::{self, SymOperand, SymRole};
use crate::module::{
    Align, CfiDirective, DataWidth, Expr, FileDirective, LocDirective, Module, SectionDecl,
    SectionSwitch, ShortSection, StmtKind,
};
use crate::text::cursor::{is_name_char, is_name_start};
use std::fmt::Write;

/// The module as assembly text.
pub fn print_module(m: &Module) -> String {
    let mut out =
        String::with_capacity(m.chunks.iter().map(|c| c.stmts.len() * 24).sum::<usize>() + 64);
    for (k, chunk) in m.chunks.iter().enumerate() {
        print_section(&mut out, &chunk.section, k == 0);
        for stmt in &chunk.stmts {
            print_stmt(&mut out, &stmt.kind);
        }
    }
    out
}

fn print_section(out: &mut String, s: &SectionSwitch, first: bool) {
    match s {
        SectionSwitch::Implicit if first => {}
        SectionSwitch::Implicit | SectionSwitch::Short(ShortSection::Text) => {
            out.push_str("\t.text\n")
        }
        SectionSwitch::Short(ShortSection::Data) => out.push_str("\t.data\n"),
        SectionSwitch::Short(ShortSection::Bss) => out.push_str("\t.bss\n"),
        SectionSwitch::Short(ShortSection::Rodata) => out.push_str("\t.rodata\n"),
        SectionSwitch::Named(SectionDecl {
            name,
            flags,
            kind,
            entsize,
        }) => {
            out.push_str("\t.section\t");
            if name
                .bytes()
                .all(|b| !b.is_ascii_whitespace() && !matches!(b, b',' | b'"' | b'#' | b';'))
                && !name.is_empty()
            {
                out.push_str(name);
            } else {
                quote_into(out, name.as_bytes());
            }
            if let Some(f) = flags {
                out.push(',');
                quote_into(out, f.as_bytes());
                if let Some(k) = kind {
                    let _ = write!(out, ",@{k}");
                    if let Some(e) = entsize {
                        let _ = write!(out, ",{e}");
                    }
                }
            }
            out.push('\n');
        }
    }
}

/// A symbol name, quoted when it is not a plain identifier.
fn name_into(out: &mut String, name: &str) {
    let b = name.as_bytes();
    let plain = b.first().is_some_and(|&c| is_name_start(c)) && b.iter().all(|&c| is_name_char(c));
    if plain {
        out.push_str(name);
    } else {
        quote_into(out, b);
    }
}

/// A string literal with LLVM's escapes (named ones for control characters, octal for
/// other non-printable bytes).
fn quote_into(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            8 => out.push_str("\\b"),
            12 => out.push_str("\\f"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{:03o}", b);
            }
        }
    }
    out.push('"');
}

fn expr_into(out: &mut String, e: &Expr) {
    match e {
        Expr::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Expr::Sym(s) => name_into(out, s),
        Expr::Dot => out.push('.'),
        Expr::Neg(x) | Expr::Not(x) => {
            out.push(if matches!(e, Expr::Neg(_)) { '-' } else { '~' });
            let paren = matches!(**x, Expr::Bin(..) | Expr::Num(_));
            if paren {
                out.push('(');
            }
            expr_into(out, x);
            if paren {
                out.push(')');
            }
        }
        Expr::Bin(op, l, r) => {
            let p = op.precedence();
            let lp = matches!(**l, Expr::Bin(o, ..) if o.precedence() < p);
            let rp = matches!(**r, Expr::Bin(o, ..) if o.precedence() <= p);
            if lp {
                out.push('(');
            }
            expr_into(out, l);
            if lp {
                out.push(')');
            }
            out.push_str(op.spelling());
            if rp {
                out.push('(');
            }
            expr_into(out, r);
            if rp {
                out.push(')');
            }
        }
    }
}

/// Replaces objdump-style hex numbers (`0x1f`, `-0x4`) with decimal.
fn hex_to_decimal(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let starts = b[i] == b'0'
            && b.get(i + 1) == Some(&b'x')
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if starts {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_hexdigit() {
                j += 1;
            }
            match u64::from_str_radix(&text[i + 2..j], 16) {
                Ok(v) => {
                    let _ = write!(out, "{v}");
                }
                Err(_) => out.push_str(&text[i..j]),
            }
            i = j;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn sym_text(op: &SymOperand) -> String {
    let mut s = String::new();
    name_into(&mut s, &op.name);
    match op.addend {
        0 => {}
        a if a < 0 => {
            let _ = write!(s, "-{}", a.unsigned_abs());
        }
        a => {
            let _ = write!(s, "+{a}");
        }
    }
    s
}

/// One instruction in clang's spelling.
pub fn insn_text(insn: &isa::Insn, sym: Option<&SymOperand>) -> String {
    let text = hex_to_decimal(&isa::print_llvm(insn, None));
    let Some(op) = sym else {
        return text;
    };
    let target = sym_text(op);
    match op.role {
        SymRole::JumpTarget | SymRole::CallTarget => {
            // The target is the last operand: `goto +N`, `call N`.
            match text.rfind(' ') {
                Some(k) => format!("{} {target}", &text[..k]),
                None => text,
            }
        }
        SymRole::Imm64 => match text
            .strip_suffix(" ll")
            .and_then(|t| t.rfind(' ').map(|k| &t[..k]))
        {
            Some(head) => format!("{head} {target} ll"),
            None => text,
        },
    }
}

fn align_into(out: &mut String, a: &Align) {
    if a.p2 {
        let _ = write!(out, "\t.p2align\t{}", a.bytes.trailing_zeros());
    } else {
        let _ = write!(out, "\t.balign\t{}", a.bytes);
    }
    match (a.fill, a.max) {
        (None, None) => {}
        (Some(f), None) => {
            let _ = write!(out, ", 0x{f:x}");
        }
        (Some(f), Some(m)) => {
            let _ = write!(out, ", 0x{f:x}, {m}");
        }
        (None, Some(m)) => {
            let _ = write!(out, ", , {m}");
        }
    }
}

fn loc_into(out: &mut String, l: &LocDirective) {
    let _ = write!(out, "\t.loc\t{} {} {}", l.file, l.line, l.column);
    if l.prologue_end {
        out.push_str(" prologue_end");
    }
    if l.epilogue_begin {
        out.push_str(" epilogue_begin");
    }
    if l.basic_block {
        out.push_str(" basic_block");
    }
    if let Some(v) = l.is_stmt {
        let _ = write!(out, " is_stmt {v}");
    }
    if let Some(v) = l.isa {
        let _ = write!(out, " isa {v}");
    }
    if let Some(v) = l.discriminator {
        let _ = write!(out, " discriminator {v}");
    }
}

fn print_stmt(out: &mut String, s: &StmtKind) {
    match s {
        StmtKind::Label(n) => {
            name_into(out, n);
            out.push(':');
        }
        StmtKind::Insn { insn, sym } => {
            out.push('\t');
            out.push_str(&insn_text(insn, sym.as_deref()));
        }
        StmtKind::Data { width, values } => {
            out.push('\t');
            out.push_str(width.directive());
            out.push('\t');
            for (k, v) in values.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                expr_into(out, v);
            }
        }
        StmtKind::Bytes(bytes) => {
            out.push('\t');
            out.push_str(DataWidth::Byte.directive());
            out.push('\t');
            for (k, b) in bytes.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                expr_into(out, &Expr::Num(i64::from(*b)));
            }
        }
        StmtKind::Leb128 { signed, value } => {
            out.push_str(if *signed {
                "\t.sleb128 "
            } else {
                "\t.uleb128 "
            });
            expr_into(out, value);
        }
        StmtKind::Ascii {
            strings,
            zero_terminated,
        } => {
            out.push_str(if *zero_terminated {
                "\t.asciz\t"
            } else {
                "\t.ascii\t"
            });
            for (k, s) in strings.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                quote_into(out, s);
            }
        }
        StmtKind::Zero { size, fill } => {
            out.push_str("\t.zero\t");
            expr_into(out, size);
            if *fill != 0 {
                let _ = write!(out, ",{fill}");
            }
        }
        StmtKind::Align(a) => align_into(out, a),
        StmtKind::SymAttr { attr, name } => {
            let _ = write!(out, "\t{}\t", attr.directive());
            name_into(out, name);
        }
        StmtKind::Type { name, kind } => {
            out.push_str("\t.type\t");
            name_into(out, name);
            let _ = write!(out, ",{}", kind.spelling());
        }
        StmtKind::Size { name, value } => {
            out.push_str("\t.size\t");
            name_into(out, name);
            out.push_str(", ");
            expr_into(out, value);
        }
        StmtKind::Set { name, value } => {
            out.push_str("\t.set ");
            name_into(out, name);
            out.push_str(", ");
            expr_into(out, value);
        }
        StmtKind::Addrsig => out.push_str("\t.addrsig"),
        StmtKind::AddrsigSym(n) => {
            out.push_str("\t.addrsig_sym ");
            name_into(out, n);
        }
        StmtKind::File(f) => match &**f {
            FileDirective::Name(n) => {
                out.push_str("\t.file\t");
                quote_into(out, n.as_bytes());
            }
            FileDirective::Entry {
                number,
                dir,
                name,
                md5,
            } => {
                let _ = write!(out, "\t.file\t{number} ");
                if let Some(d) = dir {
                    quote_into(out, d.as_bytes());
                    out.push(' ');
                }
                quote_into(out, name.as_bytes());
                if let Some(m) = md5 {
                    let _ = write!(out, " md5 0x{m:032x}");
                }
            }
        },
        StmtKind::Loc(l) => loc_into(out, l),
        StmtKind::Cfi(c) => match c {
            CfiDirective::Sections(names) => {
                let _ = write!(out, "\t.cfi_sections {}", names.join(", "));
            }
            CfiDirective::StartProc => out.push_str("\t.cfi_startproc"),
            CfiDirective::EndProc => out.push_str("\t.cfi_endproc"),
            CfiDirective::DefCfa { reg, offset } => {
                let _ = write!(out, "\t.cfi_def_cfa {reg}, {offset}");
            }
            CfiDirective::DefCfaOffset(o) => {
                let _ = write!(out, "\t.cfi_def_cfa_offset {o}");
            }
            CfiDirective::Offset { reg, offset } => {
                let _ = write!(out, "\t.cfi_offset {reg}, {offset}");
            }
        },
        StmtKind::Comm {
            name,
            size,
            align,
            lcomm,
        } => {
            out.push_str(if *lcomm { "\t.lcomm\t" } else { "\t.comm\t" });
            name_into(out, name);
            let _ = write!(out, ",{size},{align}");
        }
        StmtKind::Ident(text) => {
            out.push_str("\t.ident\t");
            quote_into(out, text.as_bytes());
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::parse;
    use diag::FileId;

    fn round_trip(src: &str) -> String {
        let (m, d) = parse(src, FileId(0), None);
        assert!(d.is_empty(), "{d:?}");
        let printed = print_module(&m);
        let (m2, d2) = parse(&printed, FileId(0), None);
        assert!(d2.is_empty(), "{d2:?}\n{printed}");
        assert!(
            m.eq_ignoring_spans(&m2),
            "modules differ after printing:\n{printed}"
        );
        assert_eq!(print_module(&m2), printed);
        printed
    }

    #[test]
    fn prints_like_clang_and_reads_back() {
        let src = "\t.text\n\t.globl\tf\n\t.type\tf,@function\nf:\n\tr1 = m ll\n\tif r1 == 0 goto .LBB0_2\n\tcall sub\n\tr2 += -4\n.LBB0_2:\n\texit\n.Lend:\n\t.size\tf, .Lend-f\n\t.section\t.rodata.str1.1,\"aMS\",@progbits,1\n\t.asciz\t\"a\\214\\001\\\"\"\n\t.p2align\t3, 0x0\n\t.quad\tf+8\n\t.long\t(1+2)*3\n\t.uleb128 .Lend-f\n\t.file\t0 \"/d\" \"a.c\" md5 0x0123456789abcdef0123456789abcdef\n\t.loc\t0 6 3 prologue_end is_stmt 0\n";
        let printed = round_trip(src);
        assert!(printed.contains("\tr1 = m ll\n"), "{printed}");
        assert!(printed.contains("\tif r1 == 0 goto .LBB0_2\n"), "{printed}");
        assert!(printed.contains("\tcall sub\n"), "{printed}");
        assert!(printed.contains("\tr2 += -4\n"), "{printed}");
        assert!(printed.contains("\t.long\t(1+2)*3\n"), "{printed}");
    }
}
