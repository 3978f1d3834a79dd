//! `asm::Module`: the assembly-level program, the meeting point of three producers and
//! two consumers. The text parser (`text::parse`) and codegen build one; the printer
//! (`print`) writes it as LLVM-dialect text the way `clang -S` does, and the assembler
//! (`assemble`) turns it into a `linker::object::Object`.
//!
//! Shape: a list of [`Chunk`]s in source order. Each chunk is one stretch of the program
//! after a section switch (`.text`, `.data`, `.section NAME,...`); a section may be entered
//! again later (another chunk with the same name), exactly as `.s` files do. Inside a
//! chunk, [`Stmt`]s keep source order: labels, instructions, data, alignment, and the
//! symbol attributes and debug directives that happen to sit there (`.globl`, `.type`,
//! `.size`, `.loc`, `.cfi_*`...), so printing and re-parsing gives an equal module.
//!
//! Invariants: names are stored without quotes; every `Stmt` carries the span of its text
//! (`Span::default()` when codegen made it), and [`Module::eq_ignoring_spans`] is the
//! round-trip equality. Directive spellings are normalised (`.hword`/`.2byte` → `.short`,
//! `.word`/`.4byte` → `.long`, `.8byte` → `.quad`, `.string` → `.asciz`, `.space` →
//! `.zero`, `.align`/`.balign` → `.p2align`/`.balign` by meaning).
//! Spec: LLVM's ELF assembler directives as clang-19 emits them for BPF, and
//! `../shared/spec/instruction-set.rst` for the instructions themselves.

use crate::isa::{Insn, SymOperand};
use diag::Span;
use std::sync::Arc;

/// A whole assembly program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub chunks: Vec<Chunk>,
}

/// A stretch of statements that all land in `section`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub section: SectionSwitch,
    pub stmts: Vec<Stmt>,
    /// Where the section directive is (`Span::default()` for implicit or generated ones).
    pub span: Span,
}

/// How a chunk's section was selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionSwitch {
    /// No directive: the statements at the top of a file go to `.text`.
    Implicit,
    /// `.text`, `.data`, `.bss`, `.rodata`: the short forms, with LLVM's default flags.
    Short(ShortSection),
    /// `.section NAME[,"FLAGS"[,@TYPE[,ENTSIZE]]]`.
    Named(SectionDecl),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShortSection {
    Text,
    Data,
    Bss,
    Rodata,
}

/// The explicit form of a section switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionDecl {
    pub name: String,
    /// The flags string as written (`"ax"`, `"aw"`, `"MS"`), `None` when omitted.
    pub flags: Option<String>,
    /// `@progbits`, `@nobits`, ... without the `@`; `None` when omitted.
    pub kind: Option<String>,
    /// The entry size after the type (`.section .debug_str,"MS",@progbits,1`).
    pub entsize: Option<u64>,
}

impl SectionSwitch {
    /// The section's name.
    pub fn name(&self) -> &str {
        match self {
            SectionSwitch::Implicit | SectionSwitch::Short(ShortSection::Text) => ".text",
            SectionSwitch::Short(ShortSection::Data) => ".data",
            SectionSwitch::Short(ShortSection::Bss) => ".bss",
            SectionSwitch::Short(ShortSection::Rodata) => ".rodata",
            SectionSwitch::Named(d) => &d.name,
        }
    }
}

/// One statement with the span of its source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    pub fn new(kind: StmtKind) -> Self {
        Stmt {
            kind,
            span: Span::default(),
        }
    }
}

/// What a statement does. Kept small (a million-instruction file is a million of
/// these): the rare, large payloads are boxed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `name:` (global names, `.L` temporaries, `LBB0_3` block labels alike).
    Label(String),
    /// One instruction; `sym` is the symbolic operand (jump/call target, ld_imm64 symbol)
    /// whose value the assembler fills in or relocates (shared: the parser hands out one
    /// operand for every repetition of an instruction text).
    Insn {
        insn: Insn,
        sym: Option<Arc<SymOperand>>,
    },
    /// `.byte/.short/.long/.quad` of expressions, each `width` bytes.
    Data { width: DataWidth, values: Vec<Expr> },
    /// `.byte` of plain numbers 0..=255 (what codegen writes `.BTF` as): the bytes
    /// themselves, where `Data` would hold one expression each. It prints as that `.byte`
    /// row, and the parser reads any such row as `Bytes`, so print and parse round-trip.
    Bytes(Vec<u8>),
    /// `.uleb128 EXPR` / `.sleb128 EXPR`.
    Leb128 { signed: bool, value: Box<Expr> },
    /// `.ascii "..."` (`zero_terminated` false) or `.asciz "..."`; the bytes are the
    /// decoded string contents, one entry per comma-separated string.
    Ascii {
        strings: Vec<Vec<u8>>,
        zero_terminated: bool,
    },
    /// `.zero N[, FILL]` (also `.space`).
    Zero { size: Box<Expr>, fill: u8 },
    /// Alignment: `.p2align POW[, FILL[, MAX]]` (stored as a byte count) or `.balign`.
    Align(Align),
    /// `.globl`, `.local`, `.weak`, `.hidden`, `.protected`, `.internal` on one name.
    SymAttr { attr: SymAttr, name: String },
    /// `.type NAME,@function` / `@object` / `@notype`.
    Type { name: String, kind: SymType },
    /// `.size NAME, EXPR` (`.size f, .Lfunc_end0-f`).
    Size { name: String, value: Box<Expr> },
    /// `.set NAME, EXPR` (also `.equ`, `NAME = EXPR`).
    Set { name: String, value: Box<Expr> },
    /// `.addrsig`: emit a `.llvm_addrsig` section.
    Addrsig,
    /// `.addrsig_sym NAME`.
    AddrsigSym(String),
    /// `.file "name"` (the STT_FILE symbol) or `.file N "dir" "name" [md5 0x..]` (a line
    /// table entry).
    File(Box<FileDirective>),
    /// `.loc FILE LINE [COL] [flags...]`.
    Loc(Box<LocDirective>),
    /// `.cfi_*` directives.
    Cfi(CfiDirective),
    /// `.comm NAME, SIZE[, ALIGN]` (`local`: after `.local NAME`, or `.lcomm`): a
    /// zero-initialised object; local ones are placed in `.bss`, global ones are
    /// SHN_COMMON symbols.
    Comm {
        name: String,
        size: u64,
        align: u64,
        lcomm: bool,
    },
    /// `.ident "text"`: appended to the `.comment` section (after a leading NUL).
    Ident(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataWidth {
    Byte = 1,
    Short = 2,
    Long = 4,
    Quad = 8,
}

impl DataWidth {
    pub fn bytes(self) -> u64 {
        self as u64
    }

    pub fn directive(self) -> &'static str {
        match self {
            DataWidth::Byte => ".byte",
            DataWidth::Short => ".short",
            DataWidth::Long => ".long",
            DataWidth::Quad => ".quad",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Align {
    /// Alignment in bytes (a power of two for `.p2align`).
    pub bytes: u64,
    /// Fill byte (`None`: zeros in data, `nop`-less zeros in code as LLVM BPF does).
    pub fill: Option<u8>,
    /// Skip the alignment when more than this many bytes would be needed.
    pub max: Option<u64>,
    /// Written as `.p2align` (true) or `.balign` (false).
    pub p2: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymAttr {
    Globl,
    Local,
    Weak,
    Hidden,
    Protected,
    Internal,
}

impl SymAttr {
    pub fn directive(self) -> &'static str {
        match self {
            SymAttr::Globl => ".globl",
            SymAttr::Local => ".local",
            SymAttr::Weak => ".weak",
            SymAttr::Hidden => ".hidden",
            SymAttr::Protected => ".protected",
            SymAttr::Internal => ".internal",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymType {
    Function,
    Object,
    NoType,
}

impl SymType {
    pub fn spelling(self) -> &'static str {
        match self {
            SymType::Function => "@function",
            SymType::Object => "@object",
            SymType::NoType => "@notype",
        }
    }
}

/// `.file` in its two forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileDirective {
    /// `.file "a.c"`: names the STT_FILE symbol.
    Name(String),
    /// `.file N ["dir"] "name" [md5 0xHEX]`: line-table file number N.
    Entry {
        number: u64,
        dir: Option<String>,
        name: String,
        md5: Option<u128>,
    },
}

/// `.loc FILE LINE [COL] [prologue_end] [is_stmt N] [discriminator N] ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocDirective {
    pub file: u64,
    pub line: u64,
    pub column: u64,
    pub prologue_end: bool,
    pub epilogue_begin: bool,
    pub basic_block: bool,
    pub is_stmt: Option<u64>,
    pub isa: Option<u64>,
    pub discriminator: Option<u64>,
}

/// The `.cfi_*` directives clang emits for BPF (no frame moves: BPF has a fixed frame).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CfiDirective {
    /// `.cfi_sections .debug_frame` (and/or `.eh_frame`).
    Sections(Vec<String>),
    StartProc,
    EndProc,
    /// `.cfi_def_cfa REG, OFF`.
    DefCfa {
        reg: u64,
        offset: i64,
    },
    /// `.cfi_def_cfa_offset OFF`.
    DefCfaOffset(i64),
    /// `.cfi_offset REG, OFF`.
    Offset {
        reg: u64,
        offset: i64,
    },
}

/// An assembler expression (`sym + 8`, `.Ltmp1-.Lfunc_begin0`, `(1 << 3) | 2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Num(i64),
    Sym(String),
    /// `.` (the current location).
    Dot,
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    Or,
    Xor,
}

impl BinOp {
    pub fn spelling(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
        }
    }

    /// Binding strength (higher binds tighter), as in GNU as / llvm-mc.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Mul | BinOp::Div | BinOp::Rem | BinOp::Shl | BinOp::Shr => 4,
            BinOp::And | BinOp::Or | BinOp::Xor => 3,
            BinOp::Add | BinOp::Sub => 2,
        }
    }
}

impl Expr {
    pub fn sym(name: impl Into<String>) -> Expr {
        Expr::Sym(name.into())
    }

    /// `a - b`.
    pub fn diff(a: impl Into<String>, b: impl Into<String>) -> Expr {
        Expr::Bin(BinOp::Sub, Box::new(Expr::sym(a)), Box::new(Expr::sym(b)))
    }

    /// `sym + addend` (just `sym` when the addend is 0).
    pub fn sym_plus(name: impl Into<String>, addend: i64) -> Expr {
        match addend {
            0 => Expr::sym(name),
            a if a < 0 => Expr::Bin(
                BinOp::Sub,
                Box::new(Expr::sym(name)),
                Box::new(Expr::Num(a.wrapping_neg())),
            ),
            a => Expr::Bin(
                BinOp::Add,
                Box::new(Expr::sym(name)),
                Box::new(Expr::Num(a)),
            ),
        }
    }
}

impl Module {
    pub fn new() -> Self {
        Module::default()
    }

    /// Starts a new chunk in `section` and returns its statement list (codegen's entry).
    pub fn switch_to(&mut self, section: SectionSwitch) -> &mut Vec<Stmt> {
        self.chunks.push(Chunk {
            section,
            stmts: Vec::new(),
            span: Span::default(),
        });
        let last = self.chunks.len() - 1;
        &mut self.chunks[last].stmts
    }

    /// Appends a statement to the current chunk (opening an implicit `.text` chunk first
    /// when there is none).
    pub fn push(&mut self, kind: StmtKind) {
        self.push_stmt(Stmt::new(kind));
    }

    pub fn push_stmt(&mut self, stmt: Stmt) {
        if self.chunks.is_empty() {
            self.chunks.push(Chunk {
                section: SectionSwitch::Implicit,
                stmts: Vec::new(),
                span: Span::default(),
            });
        }
        if let Some(c) = self.chunks.last_mut() {
            c.stmts.push(stmt);
        }
    }

    /// Number of instructions in the module.
    pub fn insn_count(&self) -> usize {
        self.chunks
            .iter()
            .flat_map(|c| &c.stmts)
            .filter(|s| matches!(s.kind, StmtKind::Insn { .. }))
            .count()
    }

    /// Round-trip equality: the same statements, whatever their spans.
    pub fn eq_ignoring_spans(&self, other: &Module) -> bool {
        self.chunks.len() == other.chunks.len()
            && self.chunks.iter().zip(&other.chunks).all(|(a, b)| {
                a.section == b.section
                    && a.stmts.len() == b.stmts.len()
                    && a.stmts
                        .iter()
                        .zip(&b.stmts)
                        .all(|(x, y)| stmt_eq(&x.kind, &y.kind))
            })
    }
}

fn stmt_eq(a: &StmtKind, b: &StmtKind) -> bool {
    match (a, b) {
        (StmtKind::Insn { insn: i1, sym: s1 }, StmtKind::Insn { insn: i2, sym: s2 }) => {
            i1 == i2
                && match (s1, s2) {
                    (None, None) => true,
                    (Some(x), Some(y)) => {
                        x.role == y.role && x.name == y.name && x.addend == y.addend
                    }
                    _ => false,
                }
        }
        _ => a == b,
    }
}
