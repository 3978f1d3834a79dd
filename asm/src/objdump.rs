//! `ebpfc objdump`: the text llvm-objdump-19 prints for a BPF object, line for line, for
//! `-d` (disassembly), `-r` (relocations: inline with `-d`, else tables), `-s` (section
//! contents as hex and ASCII), `-j/--section NAME` filters and `--mcpu`.
//!
//! Invariants (each mirrors llvm-objdump): sections come in file order; empty sections
//! are skipped; the symbols that label code are the section's symbols except section
//! and file symbols, sorted by (address, type, name), and of several at one address only
//! the last is shown; a section without a symbol at offset 0 gets one named after the
//! section; a branch target is annotated with the last symbol at or below it (the
//! address wraps as a u64); inline relocations are sorted by offset. The object is
//! read with `linker::elf_read`; `-s` reads the raw section table through `object`
//! because it also dumps the symbol, string and relocation tables. With `-d -r`, the
//! CO-RE records of `.BTF.ext` print under their instructions before the ELF
//! relocations ([`core_relo`]).

mod core_relo;
pub use core_relo::KIND_NAMES as CORE_KIND_NAMES;

use crate::disasm::{self, Item};
use crate::isa::{self, CpuVersion};
use core_relo::CoreLines;
use diag::{Diagnostic, codes};
use linker::object::{Endian, Object, SectionId, SymbolKind, SymbolPlace};
use std::fmt::Write as _;

/// What to print. The default prints nothing and decodes for v1, as llvm-objdump
/// does without `--mcpu`.
#[derive(Clone, Debug)]
pub struct Options {
    pub disassemble: bool,
    pub relocs: bool,
    pub contents: bool,
    /// Only these sections (all when empty).
    pub sections: Vec<String>,
    /// Decides `wN` vs `rN` in sub-word loads and stores (llvm-objdump's default is v1).
    pub cpu: CpuVersion,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            disassemble: false,
            relocs: false,
            contents: false,
            sections: Vec::new(),
            cpu: CpuVersion::V1,
        }
    }
}

/// One file's listing, plus every section name in it (for the "not found" warning) and
/// warnings about parts that could not be listed (a malformed `.BTF.ext`).
#[derive(Clone, Debug)]
pub struct Dump {
    pub text: String,
    pub section_names: Vec<String>,
    pub warnings: Vec<String>,
}

fn wanted(opts: &Options, name: &str) -> bool {
    opts.sections.is_empty() || opts.sections.iter().any(|s| s == name)
}

/// Dumps one object file; `file_name` is printed as given.
pub fn dump(bytes: &[u8], file_name: &str, opts: &Options) -> Result<Dump, Diagnostic> {
    let obj = linker::elf_read::read_object(bytes, file_name)?;
    let raw = raw_sections(bytes, file_name)?;
    let mut out = format!("\n{file_name}:\tfile format elf64-bpf\n");
    if opts.relocs && !opts.disassemble {
        reloc_tables(&obj, opts, &mut out);
    }
    if opts.contents {
        contents(&raw, opts, &mut out);
    }
    let mut warnings = Vec::new();
    if opts.disassemble {
        let core = if opts.relocs {
            let (lines, warning) = CoreLines::read(&obj, file_name);
            warnings.extend(warning);
            lines
        } else {
            CoreLines::default()
        };
        for (id, sec) in obj.sections.iter() {
            if sec.is_exec() && !sec.data.is_empty() && wanted(opts, &sec.name) {
                disassemble_section(&obj, id, opts, &core, &mut out);
            }
        }
    }
    let section_names = raw.into_iter().map(|s| s.name).collect();
    Ok(Dump {
        text: out,
        section_names,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------
// -s

struct RawSection {
    name: String,
    nobits: bool,
    data: Vec<u8>,
    size: u64,
}

fn raw_sections(bytes: &[u8], file_name: &str) -> Result<Vec<RawSection>, Diagnostic> {
    use object::read::elf::{FileHeader, SectionHeader};
    let bad =
        |what: &str| Diagnostic::error(codes::E_ELF_BAD_SECTION, format!("{file_name}: {what}"));
    let header = object::elf::FileHeader64::<object::Endianness>::parse(bytes)
        .map_err(|e| bad(&format!("bad ELF header: {e}")))?;
    let endian = header
        .endian()
        .map_err(|e| bad(&format!("bad ELF header: {e}")))?;
    let table = header
        .sections(endian, bytes)
        .map_err(|e| bad(&format!("bad section table: {e}")))?;
    let mut out = Vec::new();
    for sh in table.iter().skip(1) {
        let name = table
            .section_name(endian, sh)
            .map_err(|e| bad(&format!("bad section name: {e}")))?;
        let nobits = sh.sh_type(endian) == object::elf::SHT_NOBITS;
        let data = if nobits {
            Vec::new()
        } else {
            sh.data(endian, bytes)
                .map_err(|e| bad(&format!("section data outside the file: {e}")))?
                .to_vec()
        };
        out.push(RawSection {
            name: String::from_utf8_lossy(name).into_owned(),
            nobits,
            data,
            size: sh.sh_size(endian),
        });
    }
    Ok(out)
}

fn contents(raw: &[RawSection], opts: &Options, out: &mut String) {
    for sec in raw {
        if sec.size == 0 || !wanted(opts, &sec.name) {
            continue;
        }
        let _ = writeln!(out, "Contents of section {}:", sec.name);
        // Offsets print with at least 4 hex digits, each on its own (llvm-objdump does
        // not widen the column for sections past 64 KiB).
        if sec.nobits {
            let _ = writeln!(
                out,
                "<skipping contents of bss section at [{:04x}, {:04x})>",
                0, sec.size
            );
            continue;
        }
        for (line_no, chunk) in sec.data.chunks(16).enumerate() {
            let _ = write!(out, " {:04x} ", line_no * 16);
            for i in 0..16 {
                if i != 0 && i % 4 == 0 {
                    out.push(' ');
                }
                match chunk.get(i) {
                    Some(b) => {
                        let _ = write!(out, "{b:02x}");
                    }
                    None => out.push_str("  "),
                }
            }
            out.push_str("  ");
            for &b in chunk {
                out.push(if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                });
            }
            out.push('\n');
        }
    }
}

// ---------------------------------------------------------------------------------------
// -r without -d

fn reloc_type_name(kind: linker::reloc::RelocType) -> String {
    kind.name()
        .map_or_else(|| "Unknown".to_string(), str::to_string)
}

fn reloc_tables(obj: &Object, opts: &Options, out: &mut String) {
    for (_, sec) in obj.sections.iter() {
        if sec.relocs.is_empty() || !wanted(opts, &sec.name) {
            continue;
        }
        let _ = writeln!(out, "\nRELOCATION RECORDS FOR [{}]:", sec.name);
        let _ = writeln!(out, "OFFSET           TYPE                     VALUE");
        for r in &sec.relocs {
            let name = symbol_name(obj, r.symbol);
            let _ = writeln!(
                out,
                "{:016x} {:<24} {}",
                r.byte_off,
                reloc_type_name(r.kind),
                name
            );
        }
    }
}

fn symbol_name(obj: &Object, id: linker::object::SymbolId) -> &str {
    if obj.symbols.get(id).is_some() {
        obj.symbol_display_name(id)
    } else {
        ""
    }
}

// ---------------------------------------------------------------------------------------
// -d

/// A label in a section: (address, ELF type rank, name).
type Label = (u64, u8, String);

fn type_rank(kind: SymbolKind) -> u8 {
    match kind {
        SymbolKind::NoType => 0,
        SymbolKind::Object => 1,
        SymbolKind::Func => 2,
        SymbolKind::Section => 3,
        SymbolKind::File => 4,
    }
}

/// The section's labels as llvm-objdump picks them: sorted, one per address (the last).
fn labels(obj: &Object, id: SectionId) -> Vec<Label> {
    let mut l: Vec<Label> = obj
        .symbols
        .values()
        .filter(|s| s.place == SymbolPlace::Section(id))
        .filter(|s| !matches!(s.kind, SymbolKind::Section | SymbolKind::File))
        .filter(|s| !s.name.is_empty())
        .map(|s| (s.value, type_rank(s.kind), s.name.clone()))
        .collect();
    if !l.iter().any(|x| x.0 == 0) {
        l.push((
            0,
            type_rank(SymbolKind::Func),
            obj.sections[id].name.clone(),
        ));
    }
    l.sort();
    let mut dedup: Vec<Label> = Vec::with_capacity(l.len());
    for x in l {
        match dedup.last_mut() {
            Some(last) if last.0 == x.0 => *last = x,
            _ => dedup.push(x),
        }
    }
    dedup
}

/// `<sym>` or `<sym+0x10>` for a branch target.
fn target_annotation(labels: &[Label], target: u64) -> Option<String> {
    let idx = labels.partition_point(|l| l.0 <= target);
    let l = labels.get(idx.checked_sub(1)?)?;
    let delta = target.wrapping_sub(l.0);
    Some(if delta == 0 {
        l.2.clone()
    } else {
        format!("{}+0x{delta:x}", l.2)
    })
}

fn disassemble_section(
    obj: &Object,
    id: SectionId,
    opts: &Options,
    core: &CoreLines,
    out: &mut String,
) {
    let sec = &obj.sections[id];
    let endian: Endian = obj.endian;
    let _ = writeln!(out, "\nDisassembly of section {}:", sec.name);
    let labels = labels(obj, id);
    let mut relocs: Vec<_> = if opts.relocs {
        sec.relocs.clone()
    } else {
        Vec::new()
    };
    relocs.sort_by_key(|r| r.byte_off);
    let mut next_reloc = 0;
    let size = sec.data.len() as u64;
    for (i, (start, _, name)) in labels.iter().enumerate() {
        if *start >= size {
            continue;
        }
        let end = labels.get(i + 1).map_or(size, |l| l.0.min(size));
        let _ = writeln!(out, "\n{start:016x} <{name}>:");
        let (Ok(s), Ok(e)) = (usize::try_from(*start), usize::try_from(end)) else {
            continue;
        };
        if sec.data.get(s..e).is_none() {
            continue;
        }
        let mut at = s;
        while at < e {
            // A run of 8 or more zero bytes prints as `...` (whole words of 4 bytes are
            // skipped), stopping at the next relocation when relocations are shown.
            let mut limit = e;
            if let Some(r) = relocs.get(next_reloc)
                && let Ok(r_off) = usize::try_from(r.byte_off)
                && r_off >= at
            {
                limit = limit.min(r_off);
            }
            let zeros = sec
                .data
                .get(at..limit)
                .map_or(0, |z| z.iter().take_while(|b| **b == 0).count());
            if zeros >= 8 {
                out.push_str("\t\t...\n");
                at += zeros & !3;
                continue;
            }
            let item = disasm::decode_one(sec.data.get(at..e).unwrap_or(&[]), at, endian);
            at += item.len().max(1);
            let at = item.byte_off();
            let raw = sec.data.get(at..at + item.len()).unwrap_or(&[]);
            let hex: Vec<String> = raw.iter().map(|b| format!("{b:02x}")).collect();
            let text = match item {
                Item::Unknown { .. } => "<unknown>".to_string(),
                Item::Insn { insn, .. } => {
                    let pc_off = if insn.is_jump_off() {
                        Some(insn.off as i64)
                    } else if insn.is_gotol() {
                        Some(insn.imm as i64)
                    } else {
                        None
                    };
                    let ann = pc_off.and_then(|off| {
                        let target = (at as u64)
                            .wrapping_add(8)
                            .wrapping_add((off.wrapping_mul(8)) as u64);
                        target_annotation(&labels, target)
                    });
                    isa::print_llvm_cpu(&insn, ann.as_deref(), opts.cpu)
                }
            };
            let _ = writeln!(out, "{:>8}:\t{}\t{}", at / 8, hex.join(" "), text);
            if let Some(line) = core.at(id, at as u64) {
                out.push_str(line);
            }
            let item_end = (at + item.len()) as u64;
            while let Some(r) = relocs.get(next_reloc) {
                if r.byte_off >= item_end {
                    break;
                }
                let _ = writeln!(
                    out,
                    "\t\t{:016x}:  {}\t{}",
                    r.byte_off,
                    reloc_type_name(r.kind),
                    symbol_name(obj, r.symbol)
                );
                next_reloc += 1;
            }
        }
    }
}
