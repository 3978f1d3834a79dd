//! Emission into `asm::Module`, laid out as `clang -O2 -target bpf -S` lays it out:
//! `.file`, then each function in its section (`.globl` for non-static, `.p2align 3`,
//! `.type f,@function`, `f:`, `.Lfunc_begin<N>:`, code with `LBB<N>_<M>` block labels,
//! `.Lfunc_end<N>:`, `.size f, .Lfunc_end<N>-f`), then the data objects in their sections
//! (`.type x,@object`, `.globl`, `.p2align`, `x:`, contents, `.size x, N`), then `.BTF`,
//! `.BTF.ext` and `.addrsig`.
//!
//! Invariants: libbpf sees a program only as a global STT_FUNC with a non-zero size, so
//! every function gets `.type` and `.size`; static subprograms go to `.text`. `.BTF.ext`
//! refers to instructions with `.long <label>` (R_BPF_64_NODYLD32 against the section,
//! as clang does). Output order depends only on the IR's order (deterministic).
//! Spec: btf.rst ".BTF.ext section" (header, func_info, line_info record layouts).

use asm::module::{
    Align, DataWidth, Expr, FileDirective, Module, SectionDecl, SectionSwitch, ShortSection, Stmt,
    StmtKind, SymAttr, SymType,
};
use ir::types::SourceLoc;

use crate::encode::encode;
use crate::finalize::Item;

/// A function after register allocation, ready to print.
#[derive(Debug)]
pub struct FuncCode {
    pub name: String,
    pub section: String,
    pub linkage: ir::Linkage,
    pub items: Vec<Item>,
    /// CO-RE relocations, indexed by `MInst::CoreConst::reloc`.
    pub core: Vec<ir::CoreReloc>,
}

/// A `.BTF.ext` line_info record before label resolution.
#[derive(Clone, Debug)]
pub struct LineRec {
    pub label: String,
    pub loc: SourceLoc,
}

/// What emission records for `.BTF.ext`, per code section (in first-seen order).
#[derive(Clone, Debug, Default)]
pub struct ExtRecords {
    /// (section, [(function begin label, function index)]).
    pub funcs: Vec<(String, Vec<(String, usize)>)>,
    pub lines: Vec<(String, Vec<LineRec>)>,
    /// (section, [(instruction label, relocation)]).
    pub core: Vec<(String, Vec<(String, ir::CoreReloc)>)>,
}

impl ExtRecords {
    fn sec<T>(list: &mut Vec<(String, Vec<T>)>, name: &str) -> usize {
        match list.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                list.push((name.to_string(), Vec::new()));
                list.len() - 1
            }
        }
    }
}

pub struct Emitter {
    pub m: Module,
    tmp: u32,
    pub ext: ExtRecords,
    pub line_info: bool,
}

/// The section switch for a code or data section, with the flags clang gives it.
pub fn section_switch(name: &str, code: bool, zero: bool) -> SectionSwitch {
    let short = match name {
        ".text" => Some(ShortSection::Text),
        ".data" => Some(ShortSection::Data),
        _ => None,
    };
    if let Some(s) = short {
        return SectionSwitch::Short(s);
    }
    let (flags, kind, entsize) = if code {
        ("ax", "progbits", None)
    } else if name.starts_with(".bss") || (zero && name.starts_with(".tbss")) {
        ("aw", "nobits", None)
    } else if let Some(n) = name.strip_prefix(".rodata.str1.") {
        ("aMS", "progbits", n.parse::<u64>().ok())
    } else if let Some(n) = name.strip_prefix(".rodata.cst") {
        // Mergeable constants of n bytes each.
        ("aM", "progbits", n.parse::<u64>().ok())
    } else if name.starts_with(".rodata") {
        ("a", "progbits", None)
    } else {
        ("aw", "progbits", None)
    };
    SectionSwitch::Named(SectionDecl {
        name: name.to_string(),
        flags: Some(flags.to_string()),
        kind: Some(kind.to_string()),
        entsize,
    })
}

impl Emitter {
    pub fn new(line_info: bool) -> Emitter {
        Emitter {
            m: Module::new(),
            tmp: 0,
            ext: ExtRecords::default(),
            line_info,
        }
    }

    fn push(&mut self, k: StmtKind) {
        self.m.push(k);
    }

    pub fn file(&mut self, name: &str) {
        self.m.switch_to(SectionSwitch::Short(ShortSection::Text));
        self.push(StmtKind::File(Box::new(FileDirective::Name(
            name.to_string(),
        ))));
    }

    /// Emits function number `idx`; `pool` renames the per-function pool constants it
    /// loads to their copies' labels (see `pool_entry`).
    pub fn function(&mut self, idx: usize, f: &FuncCode, pool: &[(String, String)]) {
        self.push_section(section_switch(&f.section, true, false));
        match f.linkage {
            ir::Linkage::Global => self.push(StmtKind::SymAttr {
                attr: SymAttr::Globl,
                name: f.name.clone(),
            }),
            ir::Linkage::Weak => self.push(StmtKind::SymAttr {
                attr: SymAttr::Weak,
                name: f.name.clone(),
            }),
            ir::Linkage::Local => {}
        }
        self.push(StmtKind::Align(Align {
            bytes: 8,
            fill: None,
            max: None,
            p2: true,
        }));
        self.push(StmtKind::Type {
            name: f.name.clone(),
            kind: SymType::Function,
        });
        self.push(StmtKind::Label(f.name.clone()));
        let begin = format!(".Lfunc_begin{idx}");
        self.push(StmtKind::Label(begin.clone()));
        let fs = ExtRecords::sec(&mut self.ext.funcs, &f.section);
        self.ext.funcs[fs].1.push((begin.clone(), idx));
        let ls = ExtRecords::sec(&mut self.ext.lines, &f.section);
        let label = |b: u32| format!("LBB{idx}_{b}");
        let mut last_loc: Option<SourceLoc> = None;
        let first_known = f
            .items
            .iter()
            .find_map(|it| match it {
                Item::Inst(_, l) if !l.is_unknown() => Some(*l),
                _ => None,
            })
            .unwrap_or_default();
        let mut first = true;
        for item in &f.items {
            match item {
                Item::Label(b) => self.push(StmtKind::Label(label(*b))),
                Item::Inst(i, loc) => {
                    let code = encode(i, &label);
                    if code.is_empty() {
                        continue;
                    }
                    // The kernel wants a line record at the first instruction of every
                    // function: use the first known location when that one has none.
                    let loc = if first && loc.is_unknown() {
                        &first_known
                    } else {
                        loc
                    };
                    if self.line_info && (first || !loc.is_unknown()) && last_loc != Some(*loc) {
                        // The first instruction is at the function's begin label.
                        let l = if first {
                            begin.clone()
                        } else {
                            let l = format!(".Ltmp{}", self.tmp);
                            self.tmp += 1;
                            self.push(StmtKind::Label(l.clone()));
                            l
                        };
                        self.ext.lines[ls].1.push(LineRec {
                            label: l,
                            loc: *loc,
                        });
                        last_loc = Some(*loc);
                    }
                    first = false;
                    if let Some(reloc) = i.core_reloc()
                        && let Some(rel) = f.core.get(reloc as usize)
                    {
                        // CO-RE record: the instruction libbpf patches.
                        let l = format!(".Ltmp{}", self.tmp);
                        self.tmp += 1;
                        self.push(StmtKind::Label(l.clone()));
                        let cs = ExtRecords::sec(&mut self.ext.core, &f.section);
                        self.ext.core[cs].1.push((l, rel.clone()));
                    }
                    for (insn, mut sym) in code {
                        if let Some(s) = sym.as_mut()
                            && let Some((_, label)) = pool.iter().find(|(n, _)| *n == s.name)
                        {
                            s.name.clone_from(label);
                        }
                        self.push(StmtKind::Insn {
                            insn,
                            sym: sym.map(std::sync::Arc::new),
                        });
                    }
                }
            }
        }
        let end = format!(".Lfunc_end{idx}");
        self.push(StmtKind::Label(end.clone()));
        self.push(StmtKind::Size {
            name: f.name.clone(),
            value: Box::new(Expr::diff(end, f.name.clone())),
        });
    }

    /// Emits one function's copy of a pool constant (`GlobalData::pool`) under the
    /// private label `label`, before the function, as LLVM emits a constant-pool entry
    /// (`.LCPI<f>_<k>`): no symbol type or size, no alignment beyond the global's.
    pub fn pool_entry(&mut self, g: &ir::GlobalData, label: &str) {
        self.push_section(section_switch(&g.section, false, false));
        self.labelled_contents(g, label);
    }

    /// The global's alignment, `label`, then its contents.
    fn labelled_contents(&mut self, g: &ir::GlobalData, label: &str) {
        if g.align > 1 {
            self.push(StmtKind::Align(Align {
                bytes: u64::from(g.align),
                fill: Some(0),
                max: None,
                p2: true,
            }));
        }
        self.push(StmtKind::Label(label.to_string()));
        match &g.init {
            ir::DataInit::Zero => self.push(StmtKind::Zero {
                size: Box::new(Expr::Num(g.size as i64)),
                fill: 0,
            }),
            ir::DataInit::Bytes(bytes) => self.bytes_with_relocs(bytes, &g.relocs),
        }
    }

    /// Emits one global data object.
    pub fn data(&mut self, g: &ir::GlobalData, section: &str) {
        let zero = matches!(g.init, ir::DataInit::Zero);
        self.push_section(section_switch(section, false, zero));
        self.push(StmtKind::Type {
            name: g.name.clone(),
            kind: SymType::Object,
        });
        match g.linkage {
            ir::Linkage::Global => self.push(StmtKind::SymAttr {
                attr: SymAttr::Globl,
                name: g.name.clone(),
            }),
            ir::Linkage::Weak => self.push(StmtKind::SymAttr {
                attr: SymAttr::Weak,
                name: g.name.clone(),
            }),
            ir::Linkage::Local => {}
        }
        self.labelled_contents(g, &g.name);
        self.push(StmtKind::Size {
            name: g.name.clone(),
            value: Box::new(Expr::Num(g.size as i64)),
        });
    }

    fn push_section(&mut self, s: SectionSwitch) {
        let same = self.m.chunks.last().is_some_and(|c| c.section == s);
        if !same {
            self.m.switch_to(s);
        }
    }

    /// Bytes as `.byte` rows and zero runs as `.zero`, with `.quad sym+addend` where a
    /// pointer initializer sits (R_BPF_64_ABS64).
    fn bytes_with_relocs(&mut self, bytes: &[u8], relocs: &[ir::DataReloc]) {
        let mut relocs: Vec<&ir::DataReloc> = relocs.iter().collect();
        relocs.sort_by_key(|r| r.offset);
        let mut at = 0usize;
        for r in relocs {
            let off = r.offset as usize;
            if off < at || off + 8 > bytes.len() {
                continue;
            }
            self.raw_bytes(bytes.get(at..off).unwrap_or(&[]));
            self.push(StmtKind::Data {
                width: DataWidth::Quad,
                values: vec![Expr::sym_plus(r.symbol.clone(), r.addend)],
            });
            at = off + 8;
        }
        self.raw_bytes(bytes.get(at..).unwrap_or(&[]));
    }

    pub fn raw_bytes(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() && bytes.iter().all(|&b| b == 0) {
            self.push(StmtKind::Zero {
                size: Box::new(Expr::Num(bytes.len() as i64)),
                fill: 0,
            });
            return;
        }
        // Zero runs of 64 bytes or more inside the data become `.zero` too: a 64 MiB
        // array with one non-zero element must not become 4M `.byte` rows (and as
        // many printed lines with `-S`).
        const MIN_ZERO_RUN: usize = 64;
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // A non-zero byte starts no run: step over it without building the run
            // iterator (the ~100k `.BTF` bytes of the suite: raw_bytes 2.70M -> 1.82M
            // instructions).
            if bytes[i] != 0 {
                i += 1;
                continue;
            }
            let run = bytes
                .get(i..)
                .unwrap_or(&[])
                .iter()
                .take_while(|&&b| b == 0)
                .count();
            if run >= MIN_ZERO_RUN {
                self.byte_rows(bytes.get(start..i).unwrap_or(&[]));
                self.push(StmtKind::Zero {
                    size: Box::new(Expr::Num(run as i64)),
                    fill: 0,
                });
                start = i + run;
            }
            i += run.max(1);
        }
        self.byte_rows(bytes.get(start..).unwrap_or(&[]));
    }

    /// `.byte` rows of 16: `Bytes` statements, not an expression per byte (~70K
    /// instructions per `-O2 -g` compile of a small program went to building,
    /// range-checking and dropping those for `.BTF` and `.BTF.ext`).
    fn byte_rows(&mut self, bytes: &[u8]) {
        for row in bytes.chunks(16) {
            self.push(StmtKind::Bytes(row.to_vec()));
        }
    }

    /// `.section NAME,"",@progbits` (the BTF sections).
    pub fn plain_section(&mut self, name: &str) {
        self.m.switch_to(SectionSwitch::Named(SectionDecl {
            name: name.to_string(),
            flags: Some(String::new()),
            kind: Some("progbits".to_string()),
            entsize: None,
        }));
    }

    pub fn long(&mut self, e: Expr) {
        self.push(StmtKind::Data {
            width: DataWidth::Long,
            values: vec![e],
        });
    }

    /// `.weak name` (an extern that may stay undefined).
    pub fn weak(&mut self, name: &str) {
        self.push(StmtKind::SymAttr {
            attr: SymAttr::Weak,
            name: name.to_string(),
        });
    }

    pub fn addrsig(&mut self, syms: &[String]) {
        self.push(StmtKind::Addrsig);
        for s in syms {
            self.push(StmtKind::AddrsigSym(s.clone()));
        }
    }

    pub fn stmt(&mut self, s: Stmt) {
        self.m.push_stmt(s);
    }
}
