//! Assembly: an [`asm::Module`](crate::module::Module) becomes a relocatable
//! [`Object`], with the sections, symbols and relocations `llvm-mc-19 -triple bpfel
//! -filetype=obj` would produce for the same text.
//!
//! Passes: (1) `collect` walks the statements once, creating sections in first-switch
//! order (`.text` always exists first) and symbols in LLVM's registration order (label
//! definition, attribute directive or first use; a section's symbol when it is first
//! entered); (2) `layout` gives every label its offset, repeating while `.uleb128`/
//! `.sleb128` sizes grow (they only grow, so it ends); (3) `emit` writes bytes, resolves
//! what can be resolved and records relocations, line-table rows (`.loc`) and frames
//! (`.cfi_*`); (4) `dwarf` appends `.debug_frame`, `.debug_line` and `.debug_line_str`;
//! (5) the symbol table is chosen as LLVM's ELF writer does.
//!
//! Relocation rules (`../shared/spec/llvm_reloc.rst`, and LLVM's BPF ELF writer):
//! ld_imm64 of a symbol → R_BPF_64_64 (addend in imm); `call` → R_BPF_64_32 with imm =
//! (A - 8) / 8, except a call to a *local* function of the same section, which is
//! resolved pc-relative; jumps must stay in their section. `.quad` → R_BPF_64_ABS64;
//! `.long` → R_BPF_64_NODYLD32 when the symbol is a temporary in an executable section
//! (`.BTF.ext` instruction offsets) or a named symbol in a writable section (`.BTF`
//! DATASEC offsets), else R_BPF_64_ABS32. A local symbol is relocated through its
//! section's symbol (addend = its offset), except in a SHF_MERGE section with a
//! non-zero addend; global, weak and undefined symbols are relocated by name.

use crate::dwarf;
use crate::isa::{self, CpuVersion, SymRole};
use crate::module::{
    Align, BinOp, CfiDirective, DataWidth, Expr, FileDirective, LocDirective, Module,
    SectionSwitch, ShortSection, StmtKind, SymAttr, SymType,
};
use diag::{Diagnostic, FileId, Span, codes};
use linker::object::{
    Binding, Endian, Object, Reloc, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_WRITE,
    Section, SectionId, SectionKind, Symbol, SymbolId, SymbolKind, SymbolPlace, Visibility,
};
use linker::reloc::RelocType;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A small multiply-rotate hasher for symbol names: the name table is looked up once
/// per symbolic operand, and SipHash's DoS resistance buys nothing here. Output never
/// depends on the table's iteration order.
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type NameMap<'m> = HashMap<&'m str, SymIdx, BuildHasherDefault<NameHasher>>;

/// What to assemble for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsmOptions {
    pub endian: Endian,
    pub cpu: CpuVersion,
}

/// Assembles `module`; diagnostics point into `file` (the text the module came from).
pub fn assemble(
    module: &Module,
    file: FileId,
    opts: &AsmOptions,
) -> Result<Object, Vec<Diagnostic>> {
    let mut a = Asm::new(module, file, *opts);
    a.collect();
    a.resolve_section_names();
    if a.diags.is_empty() {
        a.layout();
    }
    if a.diags.is_empty() {
        a.emit();
    }
    if a.diags.is_empty() {
        dwarf::emit_frames(&mut a);
        dwarf::emit_line_table(&mut a);
    }
    if !a.diags.is_empty() {
        return Err(a.diags);
    }
    let obj = a.finish();
    if a.diags.is_empty() {
        Ok(obj)
    } else {
        Err(a.diags)
    }
}

pub(crate) type SymIdx = u32;

/// The largest section with file contents the assembler builds (`@nobits` sections
/// only record a size). A BPF program is at most 1M instructions (8 MiB) and a map
/// value a few MiB, so 256 MiB is far beyond anything loadable.
const MAX_SECTION_BYTES: u64 = 1 << 28;

/// A relocation target before the symbol table exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Sym(SymIdx),
    Section(usize),
}

pub(crate) struct Sec {
    pub name: String,
    pub kind: SectionKind,
    pub flags: u64,
    pub entsize: u64,
    pub align: u64,
    pub data: Vec<u8>,
    /// Current size (layout) — equals `data.len()` after emit except for NOBITS.
    pub size: u64,
    pub relocs: Vec<(u64, Target, RelocType)>,
    /// The section symbol is referenced by a relocation.
    pub sym_used: bool,
}

pub(crate) struct Sym<'m> {
    pub name: &'m str,
    pub temp: bool,
    pub def: Option<(usize, u64)>,
    pub def_span: Span,
    pub set: Option<&'m Expr>,
    pub binding: Option<Binding>,
    pub vis: Visibility,
    pub ty: Option<SymbolKind>,
    pub size: Option<(&'m Expr, Span)>,
    /// Where the `.size` directive stands: `.` in its value is that location
    /// (`.size f, .-f` as llvm-mc evaluates it), set by `layout`.
    pub size_here: (usize, u64),
    /// Where the `.set` directive stands: `.` in its value is that location.
    pub set_here: (usize, u64),
    pub used_in_reloc: bool,
    pub registered: bool,
    pub first_use: Span,
    /// A name that is a section's name (`.long .debug_abbrev`) stands for the start of
    /// that section, as in LLVM where the section symbol carries the section's name.
    pub alias_sec: Option<usize>,
    /// An undefined `exit` used as a jump target (GNU/ubpf test syntax: the section's
    /// last `exit` instruction); such a name is not a symbol.
    pub exit_alias: bool,
    /// `.comm`: (size, alignment); local ones also get `def` in `.bss`.
    pub comm: Option<(u64, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Sym(SymIdx),
    Sec(usize),
}

/// One row of the line table: the location of the first byte after a `.loc`.
pub(crate) struct LineRow<'m> {
    pub off: u64,
    pub loc: &'m LocDirective,
    pub is_stmt: bool,
}

/// One `.cfi_startproc` ... `.cfi_endproc` region.
pub(crate) struct Frame {
    pub sec: usize,
    pub begin: u64,
    pub end: u64,
    /// (offset, directive) for the frame-changing directives inside.
    pub insns: Vec<(u64, CfiDirective)>,
}

#[derive(Clone, Copy, Debug)]
enum Term {
    Sym(SymIdx),
    Here(usize, u64),
}

#[derive(Clone, Copy, Debug)]
struct Val {
    add: Option<Term>,
    sub: Option<Term>,
    c: i64,
}

impl Val {
    fn constant(c: i64) -> Val {
        Val {
            add: None,
            sub: None,
            c,
        }
    }
    fn is_const(&self) -> bool {
        self.add.is_none() && self.sub.is_none()
    }
}

pub(crate) struct Asm<'m> {
    pub module: &'m Module,
    pub file: FileId,
    pub opts: AsmOptions,
    pub diags: Vec<Diagnostic>,
    pub secs: Vec<Sec>,
    pub chunk_sec: Vec<usize>,
    pub syms: Vec<Sym<'m>>,
    pub names: NameMap<'m>,
    pub order: Vec<Order>,
    pub file_syms: Vec<&'m str>,
    pub addrsig: bool,
    pub addrsig_syms: Vec<(&'m str, Span)>,
    /// Sizes chosen for each LEB128 statement, in statement order.
    leb_sizes: Vec<u8>,
    /// The symbol of every label and symbolic operand, in statement order (filled by
    /// `collect`, replayed by `layout` and `emit` instead of hashing names again).
    sym_refs: Vec<SymIdx>,
    /// Offset of the last `exit` instruction of each section.
    last_exit: Vec<Option<u64>>,
    /// Line rows per section, sections in the order they got their first row.
    pub lines: Vec<(usize, Vec<LineRow<'m>>)>,
    pub line_files: Vec<&'m FileDirective>,
    pub frames: Vec<Frame>,
    pub cfi_debug_frame: bool,
    pub cfi_eh_frame: bool,
}

fn is_temp(name: &str) -> bool {
    name.starts_with(".L")
}

fn flags_from_str(s: &str) -> u64 {
    let mut f = 0;
    for c in s.chars() {
        f |= match c {
            'a' => SHF_ALLOC,
            'w' => SHF_WRITE,
            'x' => SHF_EXECINSTR,
            'M' => SHF_MERGE,
            'S' => SHF_STRINGS,
            'e' => linker::object::SHF_EXCLUDE,
            'T' => 0x400,
            'G' => 0x200,
            'o' => 0x80,
            'R' => 0x10_0000,
            _ => 0,
        };
    }
    f
}

fn default_flags(name: &str) -> u64 {
    let has = |p: &str| name == p || name.starts_with(&format!("{p}."));
    if has(".text") {
        SHF_ALLOC | SHF_EXECINSTR
    } else if has(".data") || has(".bss") || has(".data.rel.ro") {
        SHF_ALLOC | SHF_WRITE
    } else if has(".rodata") {
        SHF_ALLOC
    } else if has(".tdata") || has(".tbss") {
        SHF_ALLOC | SHF_WRITE | 0x400
    } else {
        0
    }
}

fn default_kind(name: &str) -> SectionKind {
    let has = |p: &str| name == p || name.starts_with(&format!("{p}."));
    if has(".bss") || has(".tbss") || has(".sbss") {
        SectionKind::Nobits
    } else if name.starts_with(".note") {
        SectionKind::Other(7)
    } else if has(".init_array") {
        SectionKind::Other(14)
    } else if has(".fini_array") {
        SectionKind::Other(15)
    } else if has(".preinit_array") {
        SectionKind::Other(16)
    } else {
        SectionKind::Progbits
    }
}

fn kind_from_str(s: &str) -> SectionKind {
    match s {
        "nobits" => SectionKind::Nobits,
        "note" => SectionKind::Other(7),
        "init_array" => SectionKind::Other(14),
        "fini_array" => SectionKind::Other(15),
        "preinit_array" => SectionKind::Other(16),
        "llvm_addrsig" => SectionKind::LlvmAddrsig,
        _ => SectionKind::Progbits,
    }
}

fn uleb_len(mut v: u64) -> u64 {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn sleb_len(mut v: i64) -> u64 {
    let mut n = 1;
    loop {
        let byte = v & 0x7f;
        v >>= 7;
        if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
            return n;
        }
        n += 1;
    }
}

pub(crate) fn put_uleb(mut v: u64, pad_to: u64, out: &mut Vec<u8>) {
    // Padding (to keep a size chosen by layout) uses 0x80 continuation bytes.
    let mut n = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        n += 1;
        let more = v != 0 || n < pad_to;
        out.push(if more { byte | 0x80 } else { byte });
        if !more {
            break;
        }
    }
}

fn put_sleb(mut v: i64, pad_to: u64, out: &mut Vec<u8>) {
    let mut n = 0;
    loop {
        let mut byte = (v & 0x7f) as u8;
        v >>= 7;
        n += 1;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        if !done || n < pad_to {
            byte |= 0x80;
        }
        out.push(byte);
        if done {
            // Pad with sign-filled continuation bytes, the last without the high bit.
            let fill: u8 = if v < 0 { 0x7f } else { 0 };
            while n < pad_to {
                n += 1;
                out.push(if n < pad_to { fill | 0x80 } else { fill });
            }
            break;
        }
    }
}

impl<'m> Asm<'m> {
    fn new(module: &'m Module, file: FileId, opts: AsmOptions) -> Self {
        let mut a = Asm {
            module,
            file,
            opts,
            diags: Vec::new(),
            secs: Vec::new(),
            chunk_sec: Vec::with_capacity(module.chunks.len()),
            syms: Vec::new(),
            names: NameMap::default(),
            order: Vec::new(),
            file_syms: Vec::new(),
            addrsig: false,
            addrsig_syms: Vec::new(),
            leb_sizes: Vec::new(),
            last_exit: Vec::new(),
            sym_refs: Vec::new(),
            lines: Vec::new(),
            line_files: Vec::new(),
            frames: Vec::new(),
            cfi_debug_frame: false,
            cfi_eh_frame: true,
        };
        // Most names are labels: size the symbol table for them up front.
        let (mut labels, mut refs) = (0, 0);
        for s in module.chunks.iter().flat_map(|c| &c.stmts) {
            match s.kind {
                StmtKind::Label(_) => labels += 1,
                StmtKind::Insn { sym: Some(_), .. } => refs += 1,
                _ => {}
            }
        }
        a.sym_refs.reserve(labels + refs);
        a.syms.reserve(labels + 16);
        a.names.reserve(labels + 16);
        a.order.reserve(labels + 16);
        // `.text` exists from the start, 4-aligned, as in LLVM's ELF streamer.
        let text = a.new_section(".text", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 0);
        a.secs[text].align = 4;
        a
    }

    pub(crate) fn error(&mut self, code: diag::Code, span: Span, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(code, msg).with_label(span, ""));
    }

    /// Creates a section and registers its section symbol.
    pub(crate) fn new_section(
        &mut self,
        name: &str,
        kind: SectionKind,
        flags: u64,
        entsize: u64,
    ) -> usize {
        self.secs.push(Sec {
            name: name.to_string(),
            kind,
            flags,
            entsize,
            align: 1,
            data: Vec::new(),
            size: 0,
            relocs: Vec::new(),
            sym_used: false,
        });
        let id = self.secs.len() - 1;
        self.order.push(Order::Sec(id));
        id
    }

    pub(crate) fn section_named(&self, name: &str) -> Option<usize> {
        self.secs.iter().position(|s| s.name == name)
    }

    fn switch(&mut self, sw: &SectionSwitch, span: Span) -> usize {
        let name = sw.name();
        let existing = self.section_named(name);
        match sw {
            SectionSwitch::Implicit | SectionSwitch::Short(_) => {
                if let Some(id) = existing {
                    return id;
                }
                let (kind, flags) = match sw {
                    SectionSwitch::Short(ShortSection::Data) => {
                        (SectionKind::Progbits, SHF_ALLOC | SHF_WRITE)
                    }
                    SectionSwitch::Short(ShortSection::Bss) => {
                        (SectionKind::Nobits, SHF_ALLOC | SHF_WRITE)
                    }
                    SectionSwitch::Short(ShortSection::Rodata) => {
                        (SectionKind::Progbits, SHF_ALLOC)
                    }
                    _ => (SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR),
                };
                self.new_section(name, kind, flags, 0)
            }
            SectionSwitch::Named(d) => {
                let flags = d.flags.as_deref().map(flags_from_str);
                let kind = d.kind.as_deref().map(kind_from_str);
                if flags.is_some_and(|f| f & SHF_MERGE != 0) && d.entsize.is_none() {
                    self.error(
                        codes::E_ASM_BAD_SECTION,
                        span,
                        format!("section `{name}` is mergeable (M) but has no entry size"),
                    );
                }
                if let Some(id) = existing {
                    let s = &self.secs[id];
                    let bad_flags = flags.is_some_and(|f| f != s.flags);
                    let bad_kind = kind.is_some_and(|k| k != s.kind);
                    if bad_flags || bad_kind {
                        let msg = format!(
                            "section `{name}` was declared with different {}",
                            if bad_flags { "flags" } else { "type" }
                        );
                        self.error(codes::E_ASM_BAD_SECTION, span, msg);
                    }
                    return id;
                }
                let flags = flags.unwrap_or_else(|| default_flags(name));
                let kind = kind.unwrap_or_else(|| default_kind(name));
                let entsize = if flags & SHF_MERGE != 0 {
                    d.entsize.unwrap_or(0)
                } else {
                    0
                };
                self.new_section(name, kind, flags, entsize)
            }
        }
    }

    /// The symbol called `name`, created if new (not registered).
    pub(crate) fn sym(&mut self, name: &'m str, span: Span) -> SymIdx {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        let i = self.syms.len() as SymIdx;
        self.syms.push(Sym {
            name,
            temp: is_temp(name),
            def: None,
            def_span: Span::default(),
            set: None,
            binding: None,
            vis: Visibility::Default,
            ty: None,
            size: None,
            size_here: (0, 0),
            set_here: (0, 0),
            used_in_reloc: false,
            registered: false,
            first_use: span,
            alias_sec: None,
            exit_alias: false,
            comm: None,
        });
        self.names.insert(name, i);
        i
    }

    fn register(&mut self, i: SymIdx) {
        let s = &mut self.syms[i as usize];
        if !s.registered {
            s.registered = true;
            self.order.push(Order::Sym(i));
        }
    }

    fn register_expr(&mut self, e: &'m Expr, span: Span) {
        match e {
            Expr::Sym(n) => {
                let i = self.sym(n, span);
                self.register(i);
            }
            Expr::Neg(x) | Expr::Not(x) => self.register_expr(x, span),
            Expr::Bin(_, l, r) => {
                self.register_expr(l, span);
                self.register_expr(r, span);
            }
            Expr::Num(_) | Expr::Dot => {}
        }
    }

    /// Pass 1: sections, symbols, attributes, in source order.
    fn collect(&mut self) {
        let module = self.module;
        for chunk in &module.chunks {
            let sec = self.switch(&chunk.section, chunk.span);
            self.chunk_sec.push(sec);
            for stmt in &chunk.stmts {
                let span = stmt.span;
                match &stmt.kind {
                    StmtKind::Label(name) => {
                        let i = self.sym(name, span);
                        self.sym_refs.push(i);
                        let s = &mut self.syms[i as usize];
                        if s.def.is_some() || s.set.is_some() {
                            let first = s.def_span;
                            self.diags.push(
                                Diagnostic::error(
                                    codes::E_ASM_DUPLICATE,
                                    format!("`{name}` is defined twice"),
                                )
                                .with_label(span, "redefined here")
                                .with_secondary(first, "first defined here"),
                            );
                        } else {
                            s.def = Some((sec, 0));
                            s.def_span = span;
                        }
                        self.register(i);
                    }
                    StmtKind::Insn { sym: Some(op), .. } => {
                        let i = self.sym(&op.name, span);
                        self.sym_refs.push(i);
                        self.register(i);
                    }
                    StmtKind::Insn { sym: None, .. } => {}
                    StmtKind::Data { values, .. } => {
                        // Plain numbers name no symbol: skip the call for them.
                        for v in values {
                            if !matches!(v, Expr::Num(_)) {
                                self.register_expr(v, span);
                            }
                        }
                    }
                    StmtKind::Leb128 { value, .. } => self.register_expr(value, span),
                    StmtKind::SymAttr { attr, name } => {
                        let i = self.sym(name, span);
                        let s = &mut self.syms[i as usize];
                        match attr {
                            SymAttr::Globl => s.binding = Some(Binding::Global),
                            SymAttr::Weak => s.binding = Some(Binding::Weak),
                            SymAttr::Local => s.binding = Some(Binding::Local),
                            SymAttr::Hidden => s.vis = Visibility::Hidden,
                            SymAttr::Protected => s.vis = Visibility::Protected,
                            SymAttr::Internal => s.vis = Visibility::Internal,
                        }
                        self.register(i);
                    }
                    StmtKind::Type { name, kind } => {
                        let i = self.sym(name, span);
                        self.syms[i as usize].ty = Some(match kind {
                            SymType::Function => SymbolKind::Func,
                            SymType::Object => SymbolKind::Object,
                            SymType::NoType => SymbolKind::NoType,
                        });
                        self.register(i);
                    }
                    StmtKind::Size { name, value } => {
                        let i = self.sym(name, span);
                        self.syms[i as usize].size = Some((value, span));
                    }
                    StmtKind::Set { name, value } => {
                        self.register_expr(value, span);
                        let i = self.sym(name, span);
                        let s = &mut self.syms[i as usize];
                        if s.def.is_some() {
                            let msg = format!("`{name}` is already defined as a label");
                            self.error(codes::E_ASM_DUPLICATE, span, msg);
                        } else {
                            s.set = Some(value);
                            s.def_span = span;
                        }
                        self.register(i);
                    }
                    StmtKind::Comm {
                        name,
                        size,
                        align,
                        lcomm,
                    } => {
                        let i = self.sym(name, span);
                        self.register(i);
                        let s = &mut self.syms[i as usize];
                        if *lcomm && s.binding.is_none() {
                            s.binding = Some(Binding::Local);
                        }
                        if s.binding.is_none() {
                            s.binding = Some(Binding::Global);
                        }
                        s.ty = Some(SymbolKind::Object);
                        if s.def.is_some() || s.comm.is_some() {
                            let msg = format!("`{name}` is defined twice");
                            self.error(codes::E_ASM_DUPLICATE, span, msg);
                            continue;
                        }
                        self.syms[i as usize].comm = Some((*size, *align));
                        if self.syms[i as usize].binding == Some(Binding::Local) {
                            let bss = match self.section_named(".bss") {
                                Some(b) => b,
                                None => self.new_section(
                                    ".bss",
                                    SectionKind::Nobits,
                                    SHF_ALLOC | SHF_WRITE,
                                    0,
                                ),
                            };
                            self.syms[i as usize].def = Some((bss, 0));
                        }
                    }
                    StmtKind::Ident(_) => {
                        if self.section_named(".comment").is_none() {
                            self.new_section(
                                ".comment",
                                SectionKind::Progbits,
                                SHF_MERGE | SHF_STRINGS,
                                1,
                            );
                        }
                    }
                    StmtKind::Addrsig => self.addrsig = true,
                    StmtKind::AddrsigSym(name) => self.addrsig_syms.push((name, span)),
                    StmtKind::File(f) => match &**f {
                        FileDirective::Name(n) => self.file_syms.push(n),
                        entry @ FileDirective::Entry { .. } => self.line_files.push(entry),
                    },
                    StmtKind::Cfi(CfiDirective::Sections(names)) => {
                        self.cfi_eh_frame = names.iter().any(|n| n == ".eh_frame");
                        self.cfi_debug_frame = names.iter().any(|n| n == ".debug_frame");
                    }
                    StmtKind::Ascii { .. }
                    | StmtKind::Bytes(_)
                    | StmtKind::Zero { .. }
                    | StmtKind::Align(_)
                    | StmtKind::Loc(_)
                    | StmtKind::Cfi(_) => {}
                }
            }
        }
    }

    /// Undefined names that are section names refer to the section.
    fn resolve_section_names(&mut self) {
        for k in 0..self.syms.len() {
            let s = &self.syms[k];
            if s.def.is_none() && s.set.is_none() {
                let sec = self.section_named(s.name);
                self.syms[k].alias_sec = sec;
            }
        }
    }

    /// The current location of a defined term.
    fn term_loc(&self, t: Term) -> Option<(usize, u64)> {
        match t {
            Term::Here(s, o) => Some((s, o)),
            Term::Sym(i) => {
                let s = &self.syms[i as usize];
                s.def.or(s.alias_sec.map(|sec| (sec, 0)))
            }
        }
    }

    /// Evaluates an expression with the current label offsets; `here` is `.`.
    fn eval(&self, e: &Expr, here: (usize, u64), depth: u32) -> Result<Val, String> {
        if depth > 64 {
            return Err("`.set` definitions form a cycle".to_string());
        }
        let v = match e {
            Expr::Num(n) => Val::constant(*n),
            Expr::Dot => Val {
                add: Some(Term::Here(here.0, here.1)),
                sub: None,
                c: 0,
            },
            Expr::Sym(name) => match self.names.get(name.as_str()) {
                Some(&i) => match (self.syms[i as usize].set, self.syms[i as usize].alias_sec) {
                    (Some(x), _) => self.eval(x, self.syms[i as usize].set_here, depth + 1)?,
                    (None, Some(sec)) => Val {
                        add: Some(Term::Here(sec, 0)),
                        sub: None,
                        c: 0,
                    },
                    (None, None) => Val {
                        add: Some(Term::Sym(i)),
                        sub: None,
                        c: 0,
                    },
                },
                None => {
                    return Err(format!(
                        "`{name}` is not defined; the value must be a constant"
                    ));
                }
            },
            Expr::Neg(x) => {
                let v = self.simplify(self.eval(x, here, depth + 1)?);
                match (v.add, v.sub) {
                    (None, None) => Val::constant(v.c.wrapping_neg()),
                    (a, b) => Val {
                        add: b,
                        sub: a,
                        c: v.c.wrapping_neg(),
                    },
                }
            }
            Expr::Not(x) => {
                let v = self.simplify(self.eval(x, here, depth + 1)?);
                if !v.is_const() {
                    return Err("`~` needs a constant".to_string());
                }
                Val::constant(!v.c)
            }
            Expr::Bin(op, l, r) => {
                let a = self.simplify(self.eval(l, here, depth + 1)?);
                let b = self.simplify(self.eval(r, here, depth + 1)?);
                match op {
                    BinOp::Add | BinOp::Sub => {
                        let (badd, bsub) = if *op == BinOp::Add {
                            (b.add, b.sub)
                        } else {
                            (b.sub, b.add)
                        };
                        let c = if *op == BinOp::Add {
                            a.c.wrapping_add(b.c)
                        } else {
                            a.c.wrapping_sub(b.c)
                        };
                        let add = match (a.add, badd) {
                            (Some(_), Some(_)) => return Err("cannot add two symbols".to_string()),
                            (x, y) => x.or(y),
                        };
                        let sub = match (a.sub, bsub) {
                            (Some(_), Some(_)) => {
                                return Err("cannot subtract two symbols here".to_string());
                            }
                            (x, y) => x.or(y),
                        };
                        self.simplify(Val { add, sub, c })
                    }
                    _ => {
                        if !a.is_const() || !b.is_const() {
                            return Err(format!("`{}` needs constant operands", op.spelling()));
                        }
                        let (x, y) = (a.c, b.c);
                        Val::constant(match op {
                            BinOp::Mul => x.wrapping_mul(y),
                            BinOp::Div | BinOp::Rem if y == 0 => {
                                return Err("division by zero".to_string());
                            }
                            BinOp::Div => x.wrapping_div(y),
                            BinOp::Rem => x.wrapping_rem(y),
                            BinOp::Shl => x.wrapping_shl(y as u32),
                            BinOp::Shr => x.wrapping_shr(y as u32),
                            BinOp::And => x & y,
                            BinOp::Or => x | y,
                            BinOp::Xor => x ^ y,
                            BinOp::Add | BinOp::Sub => 0,
                        })
                    }
                }
            }
        };
        Ok(v)
    }

    /// Folds `a - b` when both are defined in the same section.
    fn simplify(&self, v: Val) -> Val {
        if let (Some(a), Some(b)) = (v.add, v.sub)
            && let (Some((sa, oa)), Some((sb, ob))) = (self.term_loc(a), self.term_loc(b))
            && sa == sb
        {
            return Val::constant(v.c.wrapping_add(oa as i64).wrapping_sub(ob as i64));
        }
        v
    }

    fn eval_const(&self, e: &Expr, here: (usize, u64)) -> Result<i64, String> {
        let v = self.eval(e, here, 0)?;
        if v.is_const() {
            Ok(v.c)
        } else {
            Err("the value must be a constant here (it depends on a symbol or on labels in different sections)"
                .to_string())
        }
    }

    fn align_pad(pos: u64, a: &Align) -> u64 {
        let pad = (a.bytes - pos % a.bytes) % a.bytes;
        match a.max {
            Some(m) if pad > m => 0,
            _ => pad,
        }
    }

    /// Pass 2: offsets of every label; repeats while LEB128 sizes change.
    fn layout(&mut self) {
        let module = self.module;
        let mut first = true;
        for _round in 0..32 {
            let mut pos = vec![0u64; self.secs.len()];
            let mut last_exit = vec![None; self.secs.len()];
            let mut leb_idx = 0usize;
            let mut ref_idx = 0usize;
            let mut changed = false;
            for (ci, chunk) in module.chunks.iter().enumerate() {
                let sec = self.chunk_sec[ci];
                for stmt in &chunk.stmts {
                    let p = pos[sec];
                    let size = match &stmt.kind {
                        StmtKind::Label(_) => {
                            if let Some(&i) = self.sym_refs.get(ref_idx) {
                                self.syms[i as usize].def = Some((sec, p));
                            }
                            ref_idx += 1;
                            0
                        }
                        StmtKind::Insn { insn, sym } => {
                            ref_idx += usize::from(sym.is_some());
                            if insn.code == 0x95 {
                                last_exit[sec] = Some(p);
                            }
                            isa::insn_len(insn) as u64
                        }
                        StmtKind::Data { width, values } => width.bytes() * values.len() as u64,
                        StmtKind::Bytes(bytes) => bytes.len() as u64,
                        StmtKind::Leb128 { signed, value } => {
                            let need = match self.eval_const(value, (sec, p)) {
                                Ok(v) if *signed => sleb_len(v),
                                Ok(v) => uleb_len(v as u64),
                                Err(_) => 1,
                            };
                            if first {
                                self.leb_sizes.push(need as u8);
                                changed = true;
                                need
                            } else {
                                let old =
                                    u64::from(self.leb_sizes.get(leb_idx).copied().unwrap_or(1));
                                let new = old.max(need);
                                if new != old {
                                    if let Some(slot) = self.leb_sizes.get_mut(leb_idx) {
                                        *slot = new as u8;
                                    }
                                    changed = true;
                                }
                                leb_idx += 1;
                                new
                            }
                        }
                        StmtKind::Ascii {
                            strings,
                            zero_terminated,
                        } => strings
                            .iter()
                            .map(|s| s.len() as u64 + u64::from(*zero_terminated))
                            .sum(),
                        StmtKind::Zero { size, .. } => match self.eval_const(size, (sec, p)) {
                            Ok(n) if n >= 0 => n as u64,
                            _ => 0,
                        },
                        StmtKind::Align(a) => {
                            let s = &mut self.secs[sec];
                            s.align = s.align.max(a.bytes);
                            Self::align_pad(p, a)
                        }
                        StmtKind::Ident(text) => {
                            if let Some(c) = self.section_named(".comment") {
                                // The first `.ident` also writes the leading NUL.
                                pos[c] += u64::from(pos[c] == 0) + text.len() as u64 + 1;
                            }
                            0
                        }
                        StmtKind::Comm { name, .. } => {
                            if let Some(&i) = self.names.get(name.as_str())
                                && let (Some((bss, _)), Some((size, align))) =
                                    (self.syms[i as usize].def, self.syms[i as usize].comm)
                            {
                                let at = pos[bss].next_multiple_of(align);
                                self.syms[i as usize].def = Some((bss, at));
                                pos[bss] = at + size;
                                self.secs[bss].align = self.secs[bss].align.max(align);
                            }
                            0
                        }
                        StmtKind::Size { name, .. } => {
                            if let Some(&i) = self.names.get(name.as_str()) {
                                self.syms[i as usize].size_here = (sec, p);
                            }
                            0
                        }
                        StmtKind::Set { name, .. } => {
                            if let Some(&i) = self.names.get(name.as_str()) {
                                self.syms[i as usize].set_here = (sec, p);
                            }
                            0
                        }
                        _ => 0,
                    };
                    pos[sec] = p + size;
                    // Section data is built in memory: refuse sizes that no kernel
                    // loads before allocating them (`.zero 100000000000`).
                    if pos[sec] > MAX_SECTION_BYTES && self.secs[sec].kind != SectionKind::Nobits {
                        let name = self.secs[sec].name.clone();
                        self.error(
                            codes::E_ASM_RANGE,
                            stmt.span,
                            format!(
                                "section `{name}` grows past {} MiB",
                                MAX_SECTION_BYTES >> 20
                            ),
                        );
                        return;
                    }
                }
            }
            for (s, p) in self.secs.iter_mut().zip(&pos) {
                s.size = *p;
            }
            self.last_exit = last_exit;
            first = false;
            if !changed {
                return;
            }
        }
    }

    /// Writes `v` as `width` bytes in the target byte order.
    fn put(&self, out: &mut Vec<u8>, v: u64, width: u64) {
        if width == 1 {
            // `.byte` rows (all of `.BTF`): one push, not a slice copy.
            out.push(v as u8);
            return;
        }
        let bytes = v.to_le_bytes();
        let w = width as usize;
        match self.opts.endian {
            Endian::Little => out.extend_from_slice(&bytes[..w]),
            Endian::Big => out.extend(bytes[..w].iter().rev()),
        }
    }

    /// How to relocate against symbol `i` plus `c`: the target and the value to store.
    fn reloc_target(&mut self, t: Term, c: i64) -> (Target, i64) {
        match t {
            Term::Here(sec, off) => {
                self.secs[sec].sym_used = true;
                (Target::Section(sec), (off as i64).wrapping_add(c))
            }
            Term::Sym(i) => {
                let s = &self.syms[i as usize];
                if let Some(sec) = s.alias_sec {
                    self.secs[sec].sym_used = true;
                    return (Target::Section(sec), c);
                }
                let local = !matches!(s.binding, Some(Binding::Global | Binding::Weak));
                if let (Some((sec, off)), true) = (s.def, local) {
                    let merge = self.secs[sec].flags & SHF_MERGE != 0;
                    if !(merge && c != 0) {
                        self.secs[sec].sym_used = true;
                        return (Target::Section(sec), (off as i64).wrapping_add(c));
                    }
                }
                self.syms[i as usize].used_in_reloc = true;
                (Target::Sym(i), c)
            }
        }
    }

    fn check_defined(&mut self, t: Term, span: Span) -> bool {
        if let Term::Sym(i) = t {
            let s = &self.syms[i as usize];
            if s.def.is_none() && s.set.is_none() && s.temp {
                let msg = format!("undefined temporary symbol `{}`", s.name);
                self.error(codes::E_ASM_UNDEFINED, span, msg);
                return false;
            }
        }
        true
    }

    /// Pass 3: bytes, fixups, relocations, line rows and frames.
    fn emit(&mut self) {
        let module = self.module;
        let mut leb_idx = 0usize;
        let mut ref_idx = 0usize;
        let mut pending_loc: Option<&'m LocDirective> = None;
        let mut is_stmt = true;
        let mut open_frame: Option<Frame> = None;
        let mut datas: Vec<Vec<u8>> = self
            .secs
            .iter()
            .map(|s| {
                if s.kind == SectionKind::Nobits {
                    Vec::new()
                } else {
                    Vec::with_capacity(s.size as usize)
                }
            })
            .collect();
        let mut pos = vec![0u64; self.secs.len()];
        for (ci, chunk) in module.chunks.iter().enumerate() {
            let sec = self.chunk_sec[ci];
            let nobits = self.secs[sec].kind == SectionKind::Nobits;
            for stmt in &chunk.stmts {
                let span = stmt.span;
                let p = pos[sec];
                let makes_row = matches!(
                    stmt.kind,
                    StmtKind::Insn { .. }
                        | StmtKind::Data { .. }
                        | StmtKind::Bytes(_)
                        | StmtKind::Ascii { .. }
                );
                if makes_row && let Some(loc) = pending_loc.take() {
                    let row = LineRow {
                        off: p,
                        loc,
                        is_stmt,
                    };
                    match self.lines.iter_mut().find(|(s, _)| *s == sec) {
                        Some((_, rows)) => rows.push(row),
                        None => self.lines.push((sec, vec![row])),
                    }
                }
                let mut size = 0u64;
                match &stmt.kind {
                    StmtKind::Label(_) => ref_idx += 1,
                    StmtKind::Insn { insn, sym } => {
                        if self.opts.cpu < CpuVersion::V4
                            && let Err(e) = isa::require_cpu(
                                insn,
                                self.opts.cpu,
                                0..span.end.saturating_sub(span.start) as usize,
                            )
                        {
                            self.diags
                                .push(e.to_diagnostic(self.file, span.start as usize));
                        }
                        let mut insn = *insn;
                        size = isa::insn_len(&insn) as u64;
                        if let Some(op) = sym {
                            let op_span = Span::new(
                                self.file,
                                span.start as usize + op.span.start,
                                span.start as usize + op.span.end,
                            );
                            let i = self.sym_refs.get(ref_idx).copied();
                            ref_idx += 1;
                            if let Some(i) = i {
                                self.fix_insn(&mut insn, op, i, sec, p, op_span);
                            }
                        }
                        if nobits {
                            self.error(
                                codes::E_ASM_BAD_SECTION,
                                span,
                                "instructions cannot go in a @nobits section",
                            );
                        } else {
                            isa::encode(&insn, self.opts.endian, &mut datas[sec]);
                        }
                    }
                    StmtKind::Data { width, values } => {
                        for v in values {
                            let off = p + size;
                            // A number needs no evaluation (and no relocation): it
                            // goes straight to the range check. (`.BTF`'s bytes are
                            // `Bytes` statements, below.)
                            let val = match v {
                                Expr::Num(n) => self.constant_data(*n, *width, span),
                                _ => self.data_value(v, *width, sec, off, span),
                            };
                            if nobits {
                                if val != 0 {
                                    self.error(
                                        codes::E_ASM_BAD_SECTION,
                                        span,
                                        "non-zero data in a @nobits section",
                                    );
                                }
                            } else {
                                self.put(&mut datas[sec], val, width.bytes());
                            }
                            size += width.bytes();
                        }
                    }
                    StmtKind::Bytes(bytes) => {
                        if nobits {
                            // One error per non-zero byte, as `Data` gives.
                            for _ in bytes.iter().filter(|&&b| b != 0) {
                                self.error(
                                    codes::E_ASM_BAD_SECTION,
                                    span,
                                    "non-zero data in a @nobits section",
                                );
                            }
                        } else {
                            datas[sec].extend_from_slice(bytes);
                        }
                        size += bytes.len() as u64;
                    }
                    StmtKind::Leb128 { signed, value } => {
                        let pad = u64::from(self.leb_sizes.get(leb_idx).copied().unwrap_or(1));
                        leb_idx += 1;
                        size = pad;
                        match self.eval_const(value, (sec, p)) {
                            Ok(v) => {
                                let mut bytes = Vec::new();
                                if *signed {
                                    put_sleb(v, pad, &mut bytes);
                                } else {
                                    put_uleb(v as u64, pad, &mut bytes);
                                }
                                if !nobits {
                                    datas[sec].extend_from_slice(&bytes);
                                }
                            }
                            Err(m) => self.error(codes::E_ASM_NOT_ABSOLUTE, span, m),
                        }
                    }
                    StmtKind::Ascii {
                        strings,
                        zero_terminated,
                    } => {
                        for s in strings {
                            if !nobits {
                                datas[sec].extend_from_slice(s);
                                if *zero_terminated {
                                    datas[sec].push(0);
                                }
                            }
                            size += s.len() as u64 + u64::from(*zero_terminated);
                        }
                        if nobits && size > 0 {
                            self.error(
                                codes::E_ASM_BAD_SECTION,
                                span,
                                "string data in a @nobits section",
                            );
                        }
                    }
                    StmtKind::Zero { size: n, fill } => match self.eval_const(n, (sec, p)) {
                        Ok(n) if n >= 0 => {
                            size = n as u64;
                            if !nobits {
                                let d = &mut datas[sec];
                                d.resize(d.len() + n as usize, *fill);
                            }
                        }
                        Ok(_) => self.error(codes::E_ASM_RANGE, span, "a negative size"),
                        Err(m) => self.error(codes::E_ASM_NOT_ABSOLUTE, span, m),
                    },
                    StmtKind::Align(a) => {
                        size = Self::align_pad(p, a);
                        if !nobits {
                            let code = self.secs[sec].flags & SHF_EXECINSTR != 0;
                            if code && a.fill.is_none() {
                                if !size.is_multiple_of(8) {
                                    self.error(
                                        codes::E_ASM_BAD_DIRECTIVE,
                                        span,
                                        "cannot pad code to this alignment with 8-byte no-ops",
                                    );
                                }
                                for _ in 0..size / 8 {
                                    // LLVM's BPF no-op filler: the 64-bit word 0x15000000.
                                    self.put(&mut datas[sec], 0x1500_0000, 8);
                                }
                            } else {
                                let d = &mut datas[sec];
                                d.resize(d.len() + size as usize, a.fill.unwrap_or(0));
                            }
                        }
                    }
                    StmtKind::Loc(l) => {
                        if let Some(v) = l.is_stmt {
                            is_stmt = v != 0;
                        }
                        pending_loc = Some(l);
                    }
                    StmtKind::Cfi(c) => match c {
                        CfiDirective::StartProc => {
                            if open_frame.is_some() {
                                self.error(
                                    codes::E_ASM_BAD_DIRECTIVE,
                                    span,
                                    "nested .cfi_startproc",
                                );
                            }
                            open_frame = Some(Frame {
                                sec,
                                begin: p,
                                end: p,
                                insns: Vec::new(),
                            });
                        }
                        CfiDirective::EndProc => match open_frame.take() {
                            Some(mut f) => {
                                f.end = p;
                                self.frames.push(f);
                            }
                            None => self.error(
                                codes::E_ASM_BAD_DIRECTIVE,
                                span,
                                ".cfi_endproc without .cfi_startproc",
                            ),
                        },
                        CfiDirective::Sections(_) => {}
                        other => match open_frame.as_mut() {
                            Some(f) => f.insns.push((p, other.clone())),
                            None => self.error(
                                codes::E_ASM_BAD_DIRECTIVE,
                                span,
                                "CFI directive outside .cfi_startproc",
                            ),
                        },
                    },
                    StmtKind::Ident(text) => {
                        if let Some(c) = self.section_named(".comment") {
                            let d = &mut datas[c];
                            if d.is_empty() {
                                d.push(0);
                            }
                            d.extend_from_slice(text.as_bytes());
                            d.push(0);
                            pos[c] = d.len() as u64;
                        }
                    }
                    StmtKind::Comm { name, .. } => {
                        let info = self
                            .names
                            .get(name.as_str())
                            .map(|&i| &self.syms[i as usize]);
                        if let Some((Some((bss, at)), Some((size, _)))) =
                            info.map(|s| (s.def, s.comm))
                        {
                            if self.secs[bss].kind != SectionKind::Nobits {
                                let d = &mut datas[bss];
                                d.resize(at as usize, 0);
                                d.resize((at + size) as usize, 0);
                            }
                            pos[bss] = at + size;
                        }
                    }
                    StmtKind::Type { .. }
                    | StmtKind::SymAttr { .. }
                    | StmtKind::Size { .. }
                    | StmtKind::Set { .. }
                    | StmtKind::Addrsig
                    | StmtKind::AddrsigSym(_)
                    | StmtKind::File(_) => {}
                }
                pos[sec] = p + size;
            }
        }
        if open_frame.is_some() {
            let span = Span::new(self.file, 0, 0);
            self.error(
                codes::E_ASM_BAD_DIRECTIVE,
                span,
                ".cfi_startproc without .cfi_endproc",
            );
        }
        for (s, d) in self.secs.iter_mut().zip(datas) {
            if s.kind != SectionKind::Nobits {
                s.size = d.len() as u64;
            }
            s.data = d;
        }
    }

    /// The bytes of constant data `c`, which must fit `width` as a signed or an
    /// unsigned value.
    fn constant_data(&mut self, c: i64, width: DataWidth, span: Span) -> u64 {
        let bits = width.bytes() * 8;
        if bits < 64 {
            let lo = -(1i64 << (bits - 1));
            let hi = (1i64 << bits) - 1;
            if c < lo || c > hi {
                self.error(
                    codes::E_ASM_RANGE,
                    span,
                    format!("value {c} does not fit in {}", width.directive()),
                );
            }
        }
        c as u64
    }

    /// The bytes of one data value, recording a relocation if it needs one.
    fn data_value(&mut self, e: &Expr, width: DataWidth, sec: usize, off: u64, span: Span) -> u64 {
        let v = match self.eval(e, (sec, off), 0) {
            Ok(v) => v,
            Err(m) => {
                self.error(codes::E_ASM_NOT_ABSOLUTE, span, m);
                return 0;
            }
        };
        if let Some(sub) = v.sub {
            let _ = sub;
            self.error(
                codes::E_ASM_BAD_RELOC,
                span,
                "cannot represent a difference of symbols in different sections",
            );
            return 0;
        }
        let Some(add) = v.add else {
            return self.constant_data(v.c, width, span);
        };
        if !self.check_defined(add, span) {
            return 0;
        }
        let kind = match width {
            DataWidth::Quad => RelocType::R_BPF_64_ABS64,
            DataWidth::Long => {
                // LLVM's BPF rule for 4-byte data: see the file header.
                let (temp, target_flags) = match add {
                    Term::Here(s, _) => (true, Some(self.secs[s].flags)),
                    Term::Sym(i) => {
                        let s = &self.syms[i as usize];
                        (s.temp, s.def.map(|(d, _)| self.secs[d].flags))
                    }
                };
                match target_flags {
                    Some(f) if temp && f & SHF_ALLOC != 0 && f & SHF_EXECINSTR != 0 => {
                        RelocType::R_BPF_64_NODYLD32
                    }
                    Some(f) if !temp && f & SHF_ALLOC != 0 && f & SHF_WRITE != 0 => {
                        RelocType::R_BPF_64_NODYLD32
                    }
                    _ => RelocType::R_BPF_64_ABS32,
                }
            }
            DataWidth::Byte | DataWidth::Short => {
                self.error(
                    codes::E_ASM_BAD_RELOC,
                    span,
                    format!(
                        "BPF has no relocation for a symbol in {}; use .long or .quad",
                        width.directive()
                    ),
                );
                return 0;
            }
        };
        let (target, value) = self.reloc_target(add, v.c);
        self.secs[sec].relocs.push((off, target, kind));
        value as u64
    }

    /// Resolves or relocates an instruction's symbolic operand.
    fn fix_insn(
        &mut self,
        insn: &mut isa::Insn,
        op: &'m isa::SymOperand,
        i: SymIdx,
        sec: usize,
        pc: u64,
        span: Span,
    ) {
        let set_here = self.syms[i as usize].set_here;
        let v = match self.syms[i as usize].set {
            Some(e) => match self.eval(e, set_here, 0) {
                Ok(v) => Val {
                    c: v.c.wrapping_add(op.addend),
                    ..v
                },
                Err(m) => {
                    self.error(codes::E_ASM_NOT_ABSOLUTE, span, m);
                    return;
                }
            },
            None => Val {
                add: Some(Term::Sym(i)),
                sub: None,
                c: op.addend,
            },
        };
        if v.sub.is_some() {
            self.error(
                codes::E_ASM_BAD_RELOC,
                span,
                "cannot use a difference of symbols here",
            );
            return;
        }
        match op.role {
            SymRole::Imm64 => match v.add {
                None => insn.set_imm64(v.c),
                Some(t) => {
                    if !self.check_defined(t, span) {
                        return;
                    }
                    let (target, value) = self.reloc_target(t, v.c);
                    self.secs[sec]
                        .relocs
                        .push((pc, target, RelocType::R_BPF_64_64));
                    insn.imm = value as i32;
                    insn.imm_hi = 0;
                }
            },
            SymRole::CallTarget => match v.add {
                None => insn.imm = v.c as i32,
                Some(t) => {
                    if !self.check_defined(t, span) {
                        return;
                    }
                    let local_here = match t {
                        Term::Sym(i) => {
                            let s = &self.syms[i as usize];
                            let local = !matches!(s.binding, Some(Binding::Global | Binding::Weak));
                            s.def.filter(|(d, _)| *d == sec && local)
                        }
                        Term::Here(d, o) => Some((d, o)).filter(|(d, _)| *d == sec),
                    };
                    let value = match local_here {
                        Some((_, off)) => {
                            (off as i64).wrapping_add(v.c).wrapping_sub(pc as i64) as u64
                        }
                        None => {
                            let (target, value) = self.reloc_target(t, v.c);
                            self.secs[sec]
                                .relocs
                                .push((pc, target, RelocType::R_BPF_64_32));
                            value as u64
                        }
                    };
                    // LLVM stores (Value - 8) / 8 computed on 64-bit unsigned values.
                    insn.imm = (value.wrapping_sub(8) / 8) as u32 as i32;
                }
            },
            SymRole::JumpTarget => {
                let mut target = v.add.and_then(|t| self.term_loc(t));
                if target.is_none() && op.name == "exit" && self.syms[i as usize].set.is_none() {
                    target = self.last_exit.get(sec).copied().flatten().map(|o| (sec, o));
                    self.syms[i as usize].exit_alias = target.is_some();
                }
                let Some((tsec, toff)) = target else {
                    let msg = if v.add.is_none() {
                        "a jump target must be a label".to_string()
                    } else {
                        format!("undefined label `{}`", op.name)
                    };
                    self.error(codes::E_ASM_UNDEFINED, span, msg);
                    return;
                };
                if tsec != sec {
                    let msg = format!("jump to `{}`, which is in another section", op.name);
                    self.error(codes::E_ASM_BAD_RELOC, span, msg);
                    return;
                }
                let byte_off = (toff as i64)
                    .wrapping_add(v.c)
                    .wrapping_sub(pc as i64)
                    .wrapping_sub(8);
                let insns = byte_off / 8;
                if insn.is_gotol() {
                    match i32::try_from(insns) {
                        Ok(x) => insn.imm = x,
                        Err(_) => {
                            self.error(codes::E_ASM_JUMP_RANGE, span, "jump target out of range")
                        }
                    }
                } else {
                    match i16::try_from(insns) {
                        Ok(x) => insn.off = x,
                        Err(_) => self.error(
                            codes::E_ASM_JUMP_RANGE,
                            span,
                            format!(
                                "`{}` is {} instructions away; a jump reaches at most 32767 (use gotol / -mcpu=v4)",
                                op.name, insns
                            ),
                        ),
                    }
                }
            }
        }
    }

    /// Pass 5: the symbol table and the object.
    fn finish(&mut self) -> Object {
        // Address-significant symbols take part in the symbol table.
        let mut sig: Vec<Target> = Vec::new();
        if self.addrsig {
            for k in 0..self.addrsig_syms.len() {
                let (name, _span) = self.addrsig_syms[k];
                let Some(&i) = self.names.get(name) else {
                    continue;
                };
                let s = &self.syms[i as usize];
                match s.def {
                    Some((sec, _)) if s.temp => {
                        self.secs[sec].sym_used = true;
                        sig.push(Target::Section(sec));
                    }
                    _ => {
                        self.syms[i as usize].used_in_reloc = true;
                        sig.push(Target::Sym(i));
                    }
                }
            }
        }

        let mut obj = Object::new(self.opts.endian);
        obj.symbols
            .reserve(self.file_syms.len() + self.order.len() + 1);
        let mut sec_ids: Vec<SectionId> = Vec::with_capacity(self.secs.len());
        for s in &mut self.secs {
            let mut o = Section::new(s.name.clone(), s.kind, s.flags, s.align);
            o.entsize = s.entsize;
            o.size = s.size;
            o.data = std::mem::take(&mut s.data);
            sec_ids.push(obj.sections.push(o));
        }
        let mut sym_ids: Vec<Option<SymbolId>> = vec![None; self.syms.len()];
        let mut sec_syms: Vec<Option<SymbolId>> = vec![None; self.secs.len()];
        for name in &self.file_syms {
            obj.symbols.push(Symbol {
                name: name.to_string(),
                kind: SymbolKind::File,
                binding: Binding::Local,
                visibility: Visibility::Default,
                place: SymbolPlace::Absolute,
                value: 0,
                size: 0,
            });
        }
        for k in 0..self.order.len() {
            // A section's name used before the section existed registered the section's
            // symbol at that use (LLVM adopts the symbol for the section).
            let entry = match self.order[k] {
                Order::Sym(i) => match self.syms[i as usize].alias_sec {
                    Some(s) => Order::Sec(s),
                    None => Order::Sym(i),
                },
                e => e,
            };
            match entry {
                Order::Sec(s) => {
                    if self.secs[s].sym_used && sec_syms[s].is_none() {
                        sec_syms[s] = Some(obj.symbols.push(Symbol {
                            name: String::new(),
                            kind: SymbolKind::Section,
                            binding: Binding::Local,
                            visibility: Visibility::Default,
                            place: SymbolPlace::Section(sec_ids[s]),
                            value: 0,
                            size: 0,
                        }));
                    }
                }
                Order::Sym(i) => {
                    if let Some(sym) = self.output_symbol(i, &sec_ids) {
                        sym_ids[i as usize] = Some(obj.symbols.push(sym));
                    }
                }
            }
        }
        for (si, s) in self.secs.iter().enumerate() {
            for &(off, target, kind) in &s.relocs {
                let symbol = match target {
                    Target::Sym(i) => sym_ids[i as usize],
                    Target::Section(t) => sec_syms[t],
                };
                if let Some(symbol) = symbol {
                    obj.sections[sec_ids[si]].relocs.push(Reloc {
                        byte_off: off,
                        symbol,
                        kind,
                    });
                }
            }
        }
        if self.addrsig {
            let mut data = Vec::new();
            for t in sig {
                let id = match t {
                    Target::Sym(i) => sym_ids[i as usize],
                    Target::Section(s) => sec_syms[s],
                };
                if let Some(id) = id {
                    put_uleb(id.as_u32() as u64 + 1, 0, &mut data);
                }
            }
            let mut s = Section::new(
                ".llvm_addrsig",
                SectionKind::LlvmAddrsig,
                linker::object::SHF_EXCLUDE,
                1,
            );
            s.size = data.len() as u64;
            s.data = data;
            obj.sections.push(s);
        }
        obj
    }

    /// The ELF symbol for `i`, if it belongs in the symbol table.
    fn output_symbol(&mut self, i: SymIdx, sec_ids: &[SectionId]) -> Option<Symbol> {
        let (size_here, set_here) = (
            self.syms[i as usize].size_here,
            self.syms[i as usize].set_here,
        );
        let (name, temp, used, def, set, binding, vis, ty, size) = {
            let s = &self.syms[i as usize];
            (
                s.name,
                s.temp,
                s.used_in_reloc,
                s.def,
                s.set,
                s.binding,
                s.vis,
                s.ty,
                s.size,
            )
        };
        if self.syms[i as usize].alias_sec.is_some() || self.syms[i as usize].exit_alias {
            return None;
        }
        if temp && !used {
            if def.is_none() && set.is_none() {
                let span = self.syms[i as usize].first_use;
                self.error(
                    codes::E_ASM_UNDEFINED,
                    span,
                    format!("undefined temporary symbol `{name}`"),
                );
            }
            return None;
        }
        let comm = self.syms[i as usize].comm;
        let (place, value) = match (def, set) {
            (None, None) if comm.is_some() => (SymbolPlace::Common, comm.map(|c| c.1).unwrap_or(1)),
            (Some((sec, off)), _) => (SymbolPlace::Section(sec_ids[sec]), off),
            (None, Some(e)) => match self.eval(e, set_here, 0) {
                Ok(v) if v.is_const() => (SymbolPlace::Absolute, v.c as u64),
                Ok(Val {
                    add: Some(t),
                    sub: None,
                    c,
                }) => match self.term_loc(t) {
                    Some((sec, off)) => (
                        SymbolPlace::Section(sec_ids[sec]),
                        (off as i64).wrapping_add(c) as u64,
                    ),
                    None => return None,
                },
                _ => return None,
            },
            (None, None) => (SymbolPlace::Undefined, 0),
        };
        let binding = match binding {
            Some(b) => b,
            None if place == SymbolPlace::Undefined => Binding::Global,
            None => Binding::Local,
        };
        let size = match size {
            None => comm.map(|c| c.0).unwrap_or(0),
            Some((e, span)) => match self.eval_const(e, size_here) {
                Ok(v) => v as u64,
                Err(m) => {
                    self.error(
                        codes::E_ASM_NOT_ABSOLUTE,
                        span,
                        format!(".size of `{name}`: {m}"),
                    );
                    0
                }
            },
        };
        Some(Symbol {
            name: name.to_string(),
            kind: ty.unwrap_or(SymbolKind::NoType),
            binding,
            visibility: vis,
            place,
            value,
            size,
        })
    }
}

/// Parses and assembles `.s` text in one call: the library entry point behind
/// `ebpfc asm`. Diagnostics point into the file `name`, which is added to `sources` (so
/// they can be rendered) when there are any; a success copies nothing into `sources`.
pub fn assemble_text(
    sources: &mut diag::SourceMap,
    name: &str,
    text: &str,
    dialect: Option<isa::Dialect>,
    opts: &AsmOptions,
) -> Result<Object, Vec<Diagnostic>> {
    assemble_text_impl(sources, name, text, dialect, opts, false)
}

/// As [`assemble_text`], but the parsed module is never freed: for a process that exits
/// right after (freeing a million statements one by one costs more than the exit).
pub fn assemble_text_then_exit(
    sources: &mut diag::SourceMap,
    name: &str,
    text: &str,
    dialect: Option<isa::Dialect>,
    opts: &AsmOptions,
) -> Result<Object, Vec<Diagnostic>> {
    assemble_text_impl(sources, name, text, dialect, opts, true)
}

fn assemble_text_impl(
    sources: &mut diag::SourceMap,
    name: &str,
    text: &str,
    dialect: Option<isa::Dialect>,
    opts: &AsmOptions,
    leak_module: bool,
) -> Result<Object, Vec<Diagnostic>> {
    // The id `sources.add` will give the file if there is anything to report.
    let file = FileId(u32::try_from(sources.files().count()).unwrap_or(u32::MAX));
    let (module, mut diags) = crate::text::parse(text, file, dialect);
    // Assemble even after parse errors, so one run reports undefined labels and range
    // errors too (statements that failed to parse are simply absent).
    let result = match assemble(&module, file, opts) {
        Ok(obj) if diags.is_empty() => Ok(obj),
        Ok(_) => Err(diags),
        Err(more) => {
            diags.extend(more);
            crate::text::snap_spans(&mut diags, text);
            Err(diags)
        }
    };
    if leak_module {
        std::mem::forget(module);
    }
    if result.is_err() {
        let added = sources.add(name, text);
        debug_assert_eq!(added, file);
    }
    result
}
