//! Parsing one directive's operands into a [`StmtKind`] or a section switch.
//!
//! The set is what `clang-19 -S -g -target bpf` emits plus the GNU spellings of the
//! same things (see the table in [`parse`]). Spellings are normalised as `module.rs`
//! documents; the parsed statement prints back (via `print.rs`) to text that parses to
//! the same statement. Follows llvm-mc's ELF directive grammar (`.section NAME,"FLAGS",
//! @TYPE[,ENTSIZE]`, `.p2align POW[,FILL[,MAX]]`, `.file N "dir" "name" md5 0x...`,
//! `.loc FILE LINE [COL] [prologue_end] [is_stmt N] ...`).

use super::cursor::{CResult, Cursor};
use crate::module::{
    Align, CfiDirective, DataWidth, Expr, FileDirective, LocDirective, SectionDecl, SectionSwitch,
    ShortSection, StmtKind, SymAttr, SymType,
};

pub enum Outcome {
    Stmt(StmtKind),
    Section(SectionSwitch),
    /// `.pushsection NAME...`: remember the current section, then switch.
    Push(SectionSwitch),
    /// `.popsection`.
    Pop,
    /// `.previous`: back to the section before the last switch.
    Previous,
    /// Several statements from one directive (`.globl a, b`).
    Many(Vec<StmtKind>),
    Unknown,
}

/// Parses the directive `name` (with its dot) whose operands follow at `c`. `gnu` is
/// true when the GNU dialect is forced: then `.align N` means 2^N bytes, as in GNU as
/// for BPF (llvm-mc reads it as N bytes).
pub fn parse(name: &str, c: &mut Cursor, gnu: bool) -> CResult<Outcome> {
    let kind = match name {
        ".text" => return short(c, ShortSection::Text),
        ".data" => return short(c, ShortSection::Data),
        ".bss" => return short(c, ShortSection::Bss),
        ".rodata" => return short(c, ShortSection::Rodata),
        ".section" => return section(c),
        ".pushsection" => {
            return match section(c)? {
                Outcome::Section(sw) => Ok(Outcome::Push(sw)),
                other => Ok(other),
            };
        }
        ".popsection" => {
            c.end()?;
            return Ok(Outcome::Pop);
        }
        ".previous" => {
            c.end()?;
            return Ok(Outcome::Previous);
        }
        ".ident" => StmtKind::Ident(String::from_utf8_lossy(&c.string()?).into_owned()),
        ".globl" | ".global" => return attr(c, SymAttr::Globl),
        ".local" => return attr(c, SymAttr::Local),
        ".weak" => return attr(c, SymAttr::Weak),
        ".hidden" => return attr(c, SymAttr::Hidden),
        ".protected" => return attr(c, SymAttr::Protected),
        ".internal" => return attr(c, SymAttr::Internal),
        ".type" => sym_type(c)?,
        ".size" => {
            let name = c.name()?;
            c.expect(b',')?;
            StmtKind::Size {
                name,
                value: Box::new(c.expr()?),
            }
        }
        ".set" | ".equ" => {
            let name = c.name()?;
            c.expect(b',')?;
            StmtKind::Set {
                name,
                value: Box::new(c.expr()?),
            }
        }
        ".byte" => data(c, DataWidth::Byte)?,
        ".short" | ".hword" | ".half" | ".2byte" | ".value" => data(c, DataWidth::Short)?,
        ".long" | ".word" | ".4byte" | ".int" => data(c, DataWidth::Long)?,
        ".quad" | ".8byte" => data(c, DataWidth::Quad)?,
        ".uleb128" | ".sleb128" => StmtKind::Leb128 {
            signed: name == ".sleb128",
            value: Box::new(c.expr()?),
        },
        ".ascii" => strings(c, false)?,
        ".asciz" | ".string" => strings(c, true)?,
        ".zero" | ".space" | ".skip" => {
            let size = Box::new(c.expr()?);
            let fill = if c.eat(b',') { c.int()? as u8 } else { 0 };
            StmtKind::Zero { size, fill }
        }
        ".p2align" => align(c, true)?,
        ".align" if gnu => align(c, true)?,
        ".align" | ".balign" => align(c, false)?,
        ".comm" | ".lcomm" => {
            let lcomm = name == ".lcomm";
            let name = c.name()?;
            c.expect(b',')?;
            let size = c.uint()?;
            let align = if c.eat(b',') { c.uint()? } else { 1 };
            if align != 0 && !align.is_power_of_two() {
                return c.err(c.pos, "alignment must be a power of two");
            }
            StmtKind::Comm {
                name,
                size,
                align: align.max(1),
                lcomm,
            }
        }
        ".addrsig" => StmtKind::Addrsig,
        ".addrsig_sym" => StmtKind::AddrsigSym(c.name()?),
        ".file" => file(c)?,
        ".loc" => loc(c)?,
        ".cfi_sections" => {
            let mut names = Vec::new();
            loop {
                names.push(c.name()?);
                if !c.eat(b',') {
                    break;
                }
            }
            StmtKind::Cfi(CfiDirective::Sections(names))
        }
        ".cfi_startproc" => {
            // `.cfi_startproc simple` is accepted as the plain form.
            let _ = c.bare_name();
            StmtKind::Cfi(CfiDirective::StartProc)
        }
        ".cfi_endproc" => StmtKind::Cfi(CfiDirective::EndProc),
        ".cfi_def_cfa" => {
            let reg = reg_number(c)?;
            c.expect(b',')?;
            StmtKind::Cfi(CfiDirective::DefCfa {
                reg,
                offset: c.int()?,
            })
        }
        ".cfi_def_cfa_offset" => StmtKind::Cfi(CfiDirective::DefCfaOffset(c.int()?)),
        ".cfi_offset" => {
            let reg = reg_number(c)?;
            c.expect(b',')?;
            StmtKind::Cfi(CfiDirective::Offset {
                reg,
                offset: c.int()?,
            })
        }
        _ => return Ok(Outcome::Unknown),
    };
    c.end()?;
    Ok(Outcome::Stmt(kind))
}

fn short(c: &mut Cursor, s: ShortSection) -> CResult<Outcome> {
    c.end()?;
    Ok(Outcome::Section(SectionSwitch::Short(s)))
}

/// A section name: quoted, or a run of characters up to whitespace or a comma.
fn section_name(c: &mut Cursor) -> CResult<String> {
    c.ws();
    if c.peek() == Some(b'"') {
        return c.name();
    }
    let start = c.pos;
    while c
        .peek()
        .is_some_and(|b| !b.is_ascii_whitespace() && b != b',')
    {
        c.pos += 1;
    }
    match c.text.get(start..c.pos) {
        Some(n) if !n.is_empty() => Ok(n.to_string()),
        _ => c.err(start, "expected a section name"),
    }
}

fn section(c: &mut Cursor) -> CResult<Outcome> {
    let name = section_name(c)?;
    let mut decl = SectionDecl {
        name,
        flags: None,
        kind: None,
        entsize: None,
    };
    if c.eat(b',') {
        let start = c.pos;
        let flags = c.string()?;
        let flags = String::from_utf8(flags).or_else(|_| c.err(start, "bad flags"))?;
        if let Some(bad) = flags.chars().find(|f| !"awxMSeGTRoy".contains(*f)) {
            return c.err(start, format!("unknown section flag `{bad}`"));
        }
        decl.flags = Some(flags);
        if c.eat(b',') {
            c.ws();
            let start = c.pos;
            if !(c.eat(b'@') || c.eat(b'%')) {
                return c.err(start, "expected a section type such as @progbits");
            }
            let Some(kind) = c.bare_name() else {
                return c.err(start, "expected a section type such as @progbits");
            };
            if !matches!(
                kind,
                "progbits"
                    | "nobits"
                    | "note"
                    | "init_array"
                    | "fini_array"
                    | "preinit_array"
                    | "llvm_addrsig"
            ) {
                return c.err(start, format!("unknown section type `@{kind}`"));
            }
            decl.kind = Some(kind.to_string());
            if c.eat(b',') {
                decl.entsize = Some(c.uint()?);
            }
        }
    }
    c.end()?;
    Ok(Outcome::Section(SectionSwitch::Named(decl)))
}

fn attr(c: &mut Cursor, attr: SymAttr) -> CResult<Outcome> {
    // `.globl a, b` becomes one statement per name (the printer writes one per line).
    let mut stmts = vec![StmtKind::SymAttr {
        attr,
        name: c.name()?,
    }];
    while c.eat(b',') {
        stmts.push(StmtKind::SymAttr {
            attr,
            name: c.name()?,
        });
    }
    c.end()?;
    Ok(if stmts.len() == 1 {
        Outcome::Stmt(stmts.remove(0))
    } else {
        Outcome::Many(stmts)
    })
}

fn sym_type(c: &mut Cursor) -> CResult<StmtKind> {
    let name = c.name()?;
    c.eat(b',');
    c.ws();
    let start = c.pos;
    let _ = c.eat(b'@') || c.eat(b'%');
    let word = if c.peek() == Some(b'"') {
        String::from_utf8_lossy(&c.string()?).into_owned()
    } else {
        c.bare_name().unwrap_or("").to_string()
    };
    let kind = match word.as_str() {
        "function" | "STT_FUNC" => SymType::Function,
        "object" | "STT_OBJECT" => SymType::Object,
        "notype" | "STT_NOTYPE" => SymType::NoType,
        _ => return c.err(start, "expected @function, @object or @notype"),
    };
    Ok(StmtKind::Type { name, kind })
}

fn data(c: &mut Cursor, width: DataWidth) -> CResult<StmtKind> {
    let mut values = Vec::with_capacity(1);
    loop {
        values.push(c.expr()?);
        if !c.eat(b',') {
            break;
        }
    }
    // A `.byte` row of plain numbers is the module's `Bytes` (see `StmtKind::Bytes`).
    if width == DataWidth::Byte {
        let byte = |v: &Expr| match v {
            Expr::Num(n) => u8::try_from(*n).ok(),
            _ => None,
        };
        if let Some(bytes) = values.iter().map(byte).collect::<Option<Vec<u8>>>() {
            return Ok(StmtKind::Bytes(bytes));
        }
    }
    Ok(StmtKind::Data { width, values })
}

fn strings(c: &mut Cursor, zero_terminated: bool) -> CResult<StmtKind> {
    let mut strings = Vec::with_capacity(1);
    loop {
        strings.push(c.string()?);
        if !c.eat(b',') {
            break;
        }
    }
    Ok(StmtKind::Ascii {
        strings,
        zero_terminated,
    })
}

fn align(c: &mut Cursor, p2: bool) -> CResult<StmtKind> {
    c.ws();
    let start = c.pos;
    let v = c.uint()?;
    // Alignments over 64 KiB are refused, as by the frontend and the linker's ELF
    // reader: the ELF writer pads file offsets to them (llvm-mc allows up to 2^30).
    let bytes = if p2 {
        if v > 16 {
            return c.err(start, "alignment is too large (over 64 KiB)");
        }
        1u64 << v
    } else {
        if v != 0 && !v.is_power_of_two() {
            return c.err(start, "alignment must be a power of two");
        }
        if v > 1 << 16 {
            return c.err(start, "alignment is too large (over 64 KiB)");
        }
        v.max(1)
    };
    let mut fill = None;
    let mut max = None;
    if c.eat(b',') {
        c.ws();
        if c.peek() != Some(b',') {
            fill = Some(c.int()? as u8);
        }
        if c.eat(b',') {
            max = Some(c.uint()?);
        }
    }
    Ok(StmtKind::Align(Align {
        bytes,
        fill,
        max,
        p2,
    }))
}

fn file(c: &mut Cursor) -> CResult<StmtKind> {
    c.ws();
    if c.peek() == Some(b'"') {
        let name = String::from_utf8_lossy(&c.string()?).into_owned();
        return Ok(StmtKind::File(Box::new(FileDirective::Name(name))));
    }
    let number = c.uint()?;
    let first = String::from_utf8_lossy(&c.string()?).into_owned();
    c.ws();
    let (dir, name) = if c.peek() == Some(b'"') {
        (
            Some(first),
            String::from_utf8_lossy(&c.string()?).into_owned(),
        )
    } else {
        (None, first)
    };
    let mut md5 = None;
    if let Some(word) = c.bare_name() {
        if word != "md5" {
            return c.err(c.pos - word.len(), "expected `md5`");
        }
        c.ws();
        let start = c.pos;
        while c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            c.pos += 1;
        }
        let text = c.text.get(start..c.pos).unwrap_or("");
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        md5 = Some(u128::from_str_radix(digits, 16).or_else(|_| c.err(start, "bad md5 value"))?);
    }
    Ok(StmtKind::File(Box::new(FileDirective::Entry {
        number,
        dir,
        name,
        md5,
    })))
}

fn loc(c: &mut Cursor) -> CResult<StmtKind> {
    let file = c.uint()?;
    let line = c.uint()?;
    c.ws();
    let column = if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        c.uint()?
    } else {
        0
    };
    let mut l = LocDirective {
        file,
        line,
        column,
        prologue_end: false,
        epilogue_begin: false,
        basic_block: false,
        is_stmt: None,
        isa: None,
        discriminator: None,
    };
    while !c.at_end() {
        let start = c.pos;
        match c.bare_name() {
            Some("prologue_end") => l.prologue_end = true,
            Some("epilogue_begin") => l.epilogue_begin = true,
            Some("basic_block") => l.basic_block = true,
            Some("is_stmt") => l.is_stmt = Some(c.uint()?),
            Some("isa") => l.isa = Some(c.uint()?),
            Some("discriminator") => l.discriminator = Some(c.uint()?),
            _ => return c.err(start, "unknown .loc option"),
        }
    }
    Ok(StmtKind::Loc(Box::new(l)))
}

/// A DWARF register number, or `rN`/`%rN`.
fn reg_number(c: &mut Cursor) -> CResult<u64> {
    c.ws();
    let _ = c.eat(b'%');
    c.ws();
    let start = c.pos;
    if c.peek() == Some(b'r') {
        c.pos += 1;
    }
    let v = c.uint()?;
    if v > 10 {
        return c.err(start, "not a BPF register");
    }
    Ok(v)
}
