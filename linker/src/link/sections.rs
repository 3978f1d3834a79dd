//! Section merging and relocation rebasing for the static linker.
//!
//! Same-named sections are concatenated in input order as libbpf's `extend_sec` does:
//! each piece is placed at the next multiple of the larger of its own alignment and the
//! output section's alignment so far (zero padding), and the output section takes that
//! alignment. Not copied (as libbpf's linker): DWARF `.debug_*`, `.BTF`/`.BTF.ext`
//! (rebuilt by `btf_merge`), `.llvm_addrsig`, an empty `.text`, and other
//! non-PROGBITS/NOBITS kinds; every other section is copied, empty or not.
//! `license` and `version` are kept once and must be byte-identical across inputs.
//! As libbpf's linker does, sections of other ELF types are refused, and so are
//! relocations of other types than R_BPF_64_64/64_32/ABS64/ABS32 and relocations in code
//! that do not start an instruction.
//!
//! Relocations keep REL semantics (`../shared/spec/llvm_reloc.rst`): offsets move by the
//! piece's offset; a relocation against a section symbol carries its addend in the
//! patched bytes, so that addend moves by the offset the target section's piece got
//! (bytes for ld_imm64 and data, instructions for `call`).

use super::{Linker, Placed};
use crate::object::{
    Object, Reloc, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, Section, SectionKind, SymbolId, SymbolKind,
    SymbolPlace,
};
use crate::reloc::RelocType;
use cranelift_entity::EntityRef;
use diag::{Diagnostic, codes};

/// True for input sections the output does not copy: DWARF, `.BTF` and `.BTF.ext`
/// (rebuilt), the address-significance table, and an empty `.text` (clang's, in a file
/// without subprograms). Any other empty section is kept and still aligns the output
/// section, as in libbpf.
pub(super) fn is_skipped(sec: &Section) -> bool {
    let n = sec.name.as_str();
    n.starts_with(".debug_")
        || n == ".BTF"
        || n == ".BTF.ext"
        || (n == ".text" && sec.kind == SectionKind::Progbits && sec.size == 0)
        || !matches!(sec.kind, SectionKind::Progbits | SectionKind::Nobits)
}

/// `sh_type` of a string table: libbpf ignores any (the writer makes its own).
const SHT_STRTAB: u32 = 3;

/// The relocation types libbpf's linker accepts in the sections it copies.
const LINKABLE_RELOCS: [RelocType; 4] = [
    RelocType::R_BPF_64_64,
    RelocType::R_BPF_64_32,
    RelocType::R_BPF_64_ABS64,
    RelocType::R_BPF_64_ABS32,
];

/// Sections whose contents must agree across inputs and are kept once.
fn is_single_copy(name: &str) -> bool {
    name == "license" || name == "version"
}

/// A section's kind in words, for errors.
fn describe(kind: SectionKind, flags: u64) -> &'static str {
    if kind == SectionKind::Nobits {
        "zero-initialized data (NOBITS)"
    } else if flags & SHF_EXECINSTR != 0 {
        "code"
    } else if flags & SHF_WRITE != 0 {
        "writable data"
    } else {
        "read-only data"
    }
}

/// The contents of a `license` or `version` section in words: a 4-byte `version` as its
/// number (the kernel's `LINUX_VERSION_CODE`), a printable `license` quoted (trailing
/// NULs dropped), anything else as hex bytes.
fn show_value(section: &str, data: &[u8], big: bool) -> String {
    if section == "version"
        && let Ok(b) = <[u8; 4]>::try_from(data)
    {
        let v = if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        };
        return format!("{v} ({v:#x})");
    }
    let text = &data[..data.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1)];
    match std::str::from_utf8(text) {
        Ok(t) if section == "license" && !t.chars().any(char::is_control) => format!("\"{t}\""),
        _ => {
            let hex: Vec<String> = data.iter().map(|b| format!("{b:02x}")).collect();
            format!("bytes {}", hex.join(" "))
        }
    }
}

fn align_up(v: u64, align: u64) -> u64 {
    let a = align.max(1);
    v.div_ceil(a).saturating_mul(a)
}

impl Linker {
    /// Copies the input's sections into the output; returns where each went.
    pub(super) fn place_sections(&mut self, file: &str, obj: &Object) -> Vec<Option<Placed>> {
        let mut placed = vec![None; obj.sections.len()];
        for (sid, sec) in obj.sections.iter() {
            if let SectionKind::Other(t) = sec.kind
                && t != SHT_STRTAB
            {
                self.errors.push(
                    Diagnostic::error(
                        codes::E_LINK_BAD_INPUT,
                        format!(
                            "{file}: section `{}` has type {t:#x}, which a BPF object cannot link",
                            sec.name
                        ),
                    )
                    .with_note("libbpf's linker takes PROGBITS, NOBITS, SYMTAB, STRTAB, REL and LLVM_ADDRSIG sections only"),
                );
                continue;
            }
            if is_skipped(sec) {
                continue;
            }
            let di = self.dst_sec(&sec.name);
            let (dst_id, first) = match self.dst[di].elf {
                Some(id) => (id, false),
                None => {
                    let mut s = Section::new(sec.name.clone(), sec.kind, sec.flags, 1);
                    s.entsize = sec.entsize;
                    let id = self.out.sections.push(s);
                    self.dst[di].elf = Some(id);
                    self.dst[di].first_from = file.to_string();
                    (id, true)
                }
            };
            let mask = SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR;
            let d = &mut self.out.sections[dst_id];
            if d.kind != sec.kind || d.flags & mask != sec.flags & mask {
                let (now, before) = (describe(sec.kind, sec.flags), describe(d.kind, d.flags));
                self.errors.push(
                    Diagnostic::error(codes::E_LINK_SECTION_MISMATCH, format!("{file}: section `{}` holds {now}, but in an earlier input it holds {before}", sec.name))
                        .with_note("same-named sections must have the same type and write/alloc/exec flags"),
                );
                continue;
            }
            if is_single_copy(&sec.name) && !first {
                if d.data != sec.data {
                    let code = if sec.name == "license" {
                        codes::E_LINK_LICENSE
                    } else {
                        codes::E_LINK_SECTION_MISMATCH
                    };
                    let big = obj.endian == crate::object::Endian::Big;
                    let (old, new) = (
                        show_value(&sec.name, &d.data, big),
                        show_value(&sec.name, &sec.data, big),
                    );
                    let (name, from) = (&sec.name, &self.dst[di].first_from);
                    let msg = if from == file {
                        format!("{file}: two `{name}` sections, one says {old} and the other {new}")
                    } else {
                        format!("{file}: section `{name}` says {new} but `{from}` says {old}")
                    };
                    self.errors.push(
                        Diagnostic::error(code, msg)
                            .with_note("every input that declares it must declare the same value"),
                    );
                    continue;
                }
                placed[sid.index()] = Some(Placed {
                    dst: dst_id,
                    off: 0,
                    deduped: true,
                });
                let name = sec.name.clone();
                self.note(|| format!("section `{name}`: {file} has the same contents, kept once"));
                continue;
            }
            // libbpf pads to the larger of the section's alignment so far and the piece's,
            // so a piece never sits less aligned than an earlier one (`__u8` after `__u64`
            // after `__u8` lands at 0x10, not 0x9).
            let align = d.align.max(sec.align);
            let off = align_up(d.size, align);
            d.align = align;
            if d.kind == SectionKind::Nobits {
                d.size = off.saturating_add(sec.size);
            } else {
                d.data.resize(off as usize, 0);
                d.data.extend_from_slice(&sec.data);
                d.size = d.data.len() as u64;
            }
            placed[sid.index()] = Some(Placed {
                dst: dst_id,
                off,
                deduped: false,
            });
            let (name, size) = (sec.name.clone(), sec.size);
            self.note(|| format!("section `{name}`: {file} at {off:#x} ({size:#x} bytes)"));
        }
        placed
    }

    /// Copies the input's relocations with rebased offsets and mapped symbols.
    pub(super) fn add_relocs(
        &mut self,
        file: &str,
        obj: &Object,
        placed: &[Option<Placed>],
        sym_map: &[Option<SymbolId>],
    ) {
        let big = obj.endian == crate::object::Endian::Big;
        for (sid, sec) in obj.sections.iter() {
            let Some(p) = placed[sid.index()] else {
                continue;
            };
            if is_single_copy(&sec.name) && !sec.relocs.is_empty() {
                self.errors.push(Diagnostic::error(
                    codes::E_LINK_BAD_INPUT,
                    format!("{file}: section `{}` must not have relocations", sec.name),
                ));
                continue;
            }
            for r in &sec.relocs {
                let at = || format!("{file}: section `{}`, offset {:#x}", sec.name, r.byte_off);
                if !LINKABLE_RELOCS.contains(&r.kind) {
                    self.errors.push(
                        Diagnostic::error(
                            codes::E_LINK_BAD_INPUT,
                            format!(
                                "{}: {} relocation, which libbpf's linker does not take",
                                at(),
                                r.kind.name().unwrap_or("unknown")
                            ),
                        )
                        .with_note("linked sections take R_BPF_64_64, R_BPF_64_32, R_BPF_64_ABS64 and R_BPF_64_ABS32 relocations"),
                    );
                    continue;
                }
                if sec.is_exec() && !r.byte_off.is_multiple_of(8) {
                    self.errors.push(Diagnostic::error(
                        codes::E_ELF_BAD_RELOC,
                        format!(
                            "{}: a relocation in code must start an instruction (a multiple of 8 bytes)",
                            at()
                        ),
                    ));
                    continue;
                }
                let src_sym = obj.symbols.get(r.symbol);
                let Some(dst_sym) = sym_map.get(r.symbol.index()).copied().flatten() else {
                    let name = match src_sym {
                        Some(_) => obj.symbol_display_name(r.symbol),
                        None => "?",
                    };
                    self.errors.push(Diagnostic::error(
                        codes::E_LINK_BAD_INPUT,
                        format!("{}: relocation against `{name}`, which lives in a section the output does not keep", at()),
                    ));
                    continue;
                };
                let byte_off = r.byte_off + p.off;
                // A section symbol's addend is in the bytes: move it with its section.
                if let Some(s) = src_sym.filter(|s| s.kind == SymbolKind::Section) {
                    let target_off = match s.place {
                        SymbolPlace::Section(t) => placed
                            .get(t.index())
                            .copied()
                            .flatten()
                            .map(|tp| tp.off)
                            .unwrap_or(0),
                        _ => 0,
                    };
                    if target_off != 0 {
                        let data = &mut self.out.sections[p.dst].data;
                        if let Err(msg) =
                            adjust_addend(data, byte_off, r.kind, target_off, sec.is_exec(), big)
                        {
                            self.errors.push(Diagnostic::error(
                                codes::E_LINK_BAD_INPUT,
                                format!("{}: {msg}", at()),
                            ));
                            continue;
                        }
                    }
                }
                self.out.sections[p.dst].relocs.push(Reloc {
                    byte_off,
                    symbol: dst_sym,
                    kind: r.kind,
                });
            }
        }
    }
}

/// Adds `delta` (bytes) to the addend stored at `off` for a relocation of `kind`.
fn adjust_addend(
    data: &mut [u8],
    off: u64,
    kind: RelocType,
    delta: u64,
    exec: bool,
    big: bool,
) -> Result<(), String> {
    let off = off as usize;
    let rd32 = |d: &[u8], at: usize| -> Option<u32> {
        let b: [u8; 4] = d.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let wr32 = |d: &mut [u8], at: usize, v: u32| {
        if let Some(s) = d.get_mut(at..at + 4) {
            s.copy_from_slice(&if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            });
        }
    };
    let missing = || "relocated field lies outside the section".to_string();
    match kind {
        // ld_imm64 / call: the imm field is bytes 4..8 of the instruction.
        RelocType::R_BPF_64_64 if exec => {
            let v = rd32(data, off + 4).ok_or_else(missing)?;
            wr32(data, off + 4, v.wrapping_add(delta as u32));
        }
        RelocType::R_BPF_64_32 if exec => {
            if !delta.is_multiple_of(8) {
                return Err("call target section piece is not 8-byte aligned".to_string());
            }
            let v = rd32(data, off + 4).ok_or_else(missing)?;
            wr32(data, off + 4, v.wrapping_add((delta / 8) as u32));
        }
        RelocType::R_BPF_64_ABS64 => {
            let lo = rd32(data, off).ok_or_else(missing)?;
            let hi = rd32(data, off + 4).ok_or_else(missing)?;
            let v = if big {
                (u64::from(lo) << 32) | u64::from(hi)
            } else {
                (u64::from(hi) << 32) | u64::from(lo)
            };
            let v = v.wrapping_add(delta);
            let (first, second) = if big {
                ((v >> 32) as u32, v as u32)
            } else {
                (v as u32, (v >> 32) as u32)
            };
            wr32(data, off, first);
            wr32(data, off + 4, second);
        }
        RelocType::R_BPF_64_ABS32 => {
            let v = rd32(data, off).ok_or_else(missing)?;
            wr32(data, off, v.wrapping_add(delta as u32));
        }
        other => {
            return Err(format!(
                "{} against a section symbol cannot be moved in a {} section",
                other.name().unwrap_or("?"),
                if exec { "code" } else { "data" }
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::{LinkOptions, link};
    use crate::object::{Binding, Endian, Symbol, Visibility};

    /// An object with one `.data` piece of `size` bytes aligned to `align` holding the
    /// static `name`, and optionally an empty 8-aligned `.rodata`.
    fn data_piece(name: &str, size: u64, align: u64, empty_rodata: bool) -> Object {
        let mut o = Object::new(Endian::Little);
        let mut s = Section::new(".data", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, align);
        s.data = vec![0x5a; size as usize];
        s.size = size;
        let sec = o.sections.push(s);
        o.symbols.push(Symbol {
            name: name.into(),
            kind: SymbolKind::Object,
            binding: Binding::Local,
            visibility: Visibility::Default,
            place: SymbolPlace::Section(sec),
            value: 0,
            size,
        });
        if empty_rodata {
            o.sections
                .push(Section::new(".rodata", SectionKind::Progbits, SHF_ALLOC, 8));
        }
        o
    }

    #[test]
    fn pieces_align_to_the_output_sections_alignment_so_far() {
        // a: 8 bytes aligned 8; b, c: 1 byte aligned 1. libbpf puts c at 0x10 (the
        // output is 8-aligned by then), not at 0x9; an empty piece still pads.
        let inputs = vec![
            ("a.o".to_string(), data_piece("a", 8, 8, false)),
            ("b.o".to_string(), data_piece("b", 1, 1, false)),
            ("c.o".to_string(), data_piece("c", 1, 1, true)),
            ("d.o".to_string(), data_piece("d", 2, 2, true)),
        ];
        let out = link(inputs, &LinkOptions::default()).unwrap().object;
        let data = &out.sections[out.section_by_name(".data").unwrap()];
        assert_eq!((data.size, data.align), (0x1a, 8));
        let value = |n: &str| out.symbols[out.symbol_by_name(n).unwrap()].value;
        assert_eq!(
            [value("a"), value("b"), value("c"), value("d")],
            [0, 8, 0x10, 0x18]
        );
        assert_eq!(&data.data[8..0x11], &[0x5a, 0, 0, 0, 0, 0, 0, 0, 0x5a]);
        // Empty sections other than `.text` are kept, as libbpf keeps them.
        let rodata = &out.sections[out.section_by_name(".rodata").unwrap()];
        assert_eq!((rodata.size, rodata.align), (0, 8));
    }

    #[test]
    fn call_and_ldimm64_addends_move() {
        let mut d = vec![0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff];
        adjust_addend(&mut d, 0, RelocType::R_BPF_64_32, 0x88, true, false).unwrap();
        assert_eq!(&d[4..8], &16u32.to_le_bytes());
        let mut d = vec![0u8; 16];
        adjust_addend(&mut d, 0, RelocType::R_BPF_64_64, 4, true, true).unwrap();
        assert_eq!(&d[4..8], &4u32.to_be_bytes());
        let mut d = vec![0u8; 8];
        adjust_addend(
            &mut d,
            0,
            RelocType::R_BPF_64_ABS64,
            0x1_0000_0000,
            false,
            false,
        )
        .unwrap();
        assert_eq!(d, [0, 0, 0, 0, 1, 0, 0, 0]);
        assert!(adjust_addend(&mut [0u8; 4], 0, RelocType::R_BPF_64_32, 4, true, false).is_err());
    }
}
