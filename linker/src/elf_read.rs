//! Reading relocatable BPF ELF objects (ours, clang's, bpf-gcc's) and `ar` archives of
//! them into the shared [`Object`] model.
//!
//! Follows the System V gABI (ELF64, ET_REL, EM_BPF = 247, either byte order) and the
//! BPF relocation list of `../shared/spec/llvm_reloc.rst`. Invariants of the result:
//! every kept section (all but section 0, the symbol table, the symbol string table,
//! the section-name string table and REL sections) becomes one [`Section`] in file
//! order, sections of other types as [`SectionKind::Other`] (an SHT_NULL one empty); every symbol but the null one becomes one [`Symbol`] in file order (so ELF
//! symbol index `i` is `SymbolId(i - 1)`); each REL section's entries are attached to the
//! section they patch, keeping REL semantics (the addend stays in the section bytes).
//! Every offset, size and index is checked before use: malformed input yields an E07xx
//! [`Diagnostic`] naming the file and the place, never a panic.

use crate::object::{
    Binding, Endian, Object, Reloc, Section, SectionId, SectionKind, Symbol, SymbolId, SymbolKind,
    SymbolPlace, Visibility,
};
use crate::reloc::RelocType;
use diag::{Code, Diagnostic, codes};

const EM_BPF: u16 = 247;
const ET_REL: u16 = 1;
const SHT_NULL: u32 = 0;
const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_RELA: u32 = 4;
pub(crate) const SHT_NOBITS: u32 = 8;
pub(crate) const SHT_REL: u32 = 9;
const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
const SHN_UNDEF: u16 = 0;
const SHN_LORESERVE: u16 = 0xff00;
const SHN_ABS: u16 = 0xfff1;
const SHN_COMMON: u16 = 0xfff2;
const SHN_XINDEX: u16 = 0xffff;
const EHDR_SIZE: usize = 64;
const SHDR_SIZE: usize = 64;
const SYM_SIZE: usize = 24;
const REL_SIZE: usize = 16;

/// Builds an error whose message starts with the file name (ELF input has no source
/// text to point a caret into, so the place goes into the message).
fn err(code: Code, file: &str, msg: impl AsRef<str>) -> Diagnostic {
    Diagnostic::error(code, format!("{file}: {}", msg.as_ref()))
}

/// Bounds-checked, endian-aware reads from the file bytes.
struct Bytes<'a> {
    data: &'a [u8],
    big: bool,
}

impl Bytes<'_> {
    fn slice(&self, off: u64, len: u64) -> Option<&[u8]> {
        let start = usize::try_from(off).ok()?;
        let len = usize::try_from(len).ok()?;
        self.data.get(start..start.checked_add(len)?)
    }
    fn u16(&self, off: u64) -> Option<u16> {
        let b: [u8; 2] = self.slice(off, 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }
    fn u32(&self, off: u64) -> Option<u32> {
        let b: [u8; 4] = self.slice(off, 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
    fn u64(&self, off: u64) -> Option<u64> {
        let b: [u8; 8] = self.slice(off, 8)?.try_into().ok()?;
        Some(if self.big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }
}

/// One raw section header.
#[derive(Clone, Debug)]
struct Shdr {
    name_off: u32,
    sh_type: u32,
    flags: u64,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

/// A NUL-terminated string at `off` in a string table.
fn cstr(table: &[u8], off: u32) -> Option<&str> {
    let rest = table.get(usize::try_from(off).ok()?..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(rest.get(..end)?).ok()
}

/// Whether [`read_object_with`] with `skip_debug` ignores the bytes of a section of type
/// `sh_type` named `name`, whose `sh_info` section (the one a REL section patches) has
/// type and name `target`: DWARF sections (`.debug_*`), and the REL sections that patch
/// a DWARF section that is not itself REL. The sparse reader
/// ([`elf_sparse`](crate::elf_sparse)) leaves exactly these unread.
pub(crate) fn skipped_as_debug(sh_type: u32, name: &[u8], target: Option<(u32, &[u8])>) -> bool {
    if sh_type == SHT_REL {
        target.is_some_and(|(t, n)| t != SHT_REL && n.starts_with(b".debug_"))
    } else {
        name.starts_with(b".debug_")
    }
}

/// The largest section alignment accepted (see [`read_object_with`]).
pub const MAX_SECTION_ALIGN: u64 = 1 << 16;

/// True if `bytes` starts like an ELF file.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Reads one relocatable BPF ELF object. `file_name` is used in error messages only.
pub fn read_object(bytes: &[u8], file_name: &str) -> Result<Object, Diagnostic> {
    read_object_with(bytes, file_name, false)
}

/// Like [`read_object`]; with `skip_debug`, DWARF sections (`.debug_*`) keep their
/// size but get no data and no relocations (the linker drops them; copying them is
/// most of the reading time).
pub fn read_object_with(
    bytes: &[u8],
    file_name: &str,
    skip_debug: bool,
) -> Result<Object, Diagnostic> {
    let f = file_name;
    if !is_elf(bytes) {
        return Err(err(codes::E_ELF_NOT_ELF, f, "not an ELF file (bad magic)"));
    }
    if bytes.len() < EHDR_SIZE {
        return Err(err(
            codes::E_ELF_TRUNCATED,
            f,
            format!("truncated ELF header ({} of 64 bytes)", bytes.len()),
        ));
    }
    if bytes[4] != 2 {
        return Err(err(
            codes::E_ELF_UNSUPPORTED,
            f,
            format!(
                "ELF class {} is not ELF64 (BPF objects are 64-bit)",
                bytes[4]
            ),
        ));
    }
    let endian = match bytes[5] {
        1 => Endian::Little,
        2 => Endian::Big,
        other => {
            return Err(err(
                codes::E_ELF_UNSUPPORTED,
                f,
                format!(
                    "unknown ELF data encoding {other} (expected 1 = little or 2 = big endian)"
                ),
            ));
        }
    };
    let b = Bytes {
        data: bytes,
        big: endian == Endian::Big,
    };
    let trunc = || err(codes::E_ELF_TRUNCATED, f, "truncated ELF header");
    let e_type = b.u16(16).ok_or_else(trunc)?;
    let e_machine = b.u16(18).ok_or_else(trunc)?;
    if e_machine != EM_BPF {
        return Err(err(
            codes::E_ELF_UNSUPPORTED,
            f,
            format!("machine {e_machine} is not BPF (EM_BPF = 247)"),
        ));
    }
    if e_type != ET_REL {
        return Err(err(
            codes::E_ELF_UNSUPPORTED,
            f,
            format!("ELF type {e_type} is not a relocatable object (ET_REL = 1)"),
        ));
    }
    let shoff = b.u64(40).ok_or_else(trunc)?;
    let shentsize = b.u16(58).ok_or_else(trunc)?;
    let mut shnum = u64::from(b.u16(60).ok_or_else(trunc)?);
    let mut shstrndx = u32::from(b.u16(62).ok_or_else(trunc)?);
    if shoff == 0 {
        return Ok(Object::new(endian));
    }
    if shentsize as usize != SHDR_SIZE {
        return Err(err(
            codes::E_ELF_BAD_SECTION,
            f,
            format!("section header entry size {shentsize} is not 64"),
        ));
    }
    let shdr_at = |i: u64| -> Result<Shdr, Diagnostic> {
        let base = i
            .checked_mul(SHDR_SIZE as u64)
            .and_then(|o| o.checked_add(shoff))
            .filter(|&o| b.slice(o, SHDR_SIZE as u64).is_some())
            .ok_or_else(|| {
                err(
                    codes::E_ELF_TRUNCATED,
                    f,
                    format!("section header {i} at offset {shoff:#x} + {i} * 64 lies outside the file ({} bytes)", bytes.len()),
                )
            })?;
        // The slice check above makes every read below succeed; `unwrap_or` keeps it panic-free.
        Ok(Shdr {
            name_off: b.u32(base).unwrap_or(0),
            sh_type: b.u32(base + 4).unwrap_or(0),
            flags: b.u64(base + 8).unwrap_or(0),
            offset: b.u64(base + 24).unwrap_or(0),
            size: b.u64(base + 32).unwrap_or(0),
            link: b.u32(base + 40).unwrap_or(0),
            info: b.u32(base + 44).unwrap_or(0),
            align: b.u64(base + 48).unwrap_or(0),
            entsize: b.u64(base + 56).unwrap_or(0),
        })
    };
    // Extended numbering: section 0 holds the real count and string-table index.
    let sh0 = shdr_at(0)?;
    if shnum == 0 {
        shnum = sh0.size;
    }
    if shstrndx == u32::from(SHN_XINDEX) {
        shstrndx = sh0.link;
    }
    if shnum.saturating_mul(SHDR_SIZE as u64) > bytes.len() as u64 {
        return Err(err(
            codes::E_ELF_TRUNCATED,
            f,
            format!(
                "{shnum} section headers at offset {shoff:#x} do not fit in the file ({} bytes)",
                bytes.len()
            ),
        ));
    }
    let mut shdrs = Vec::with_capacity(shnum as usize);
    for i in 0..shnum {
        shdrs.push(shdr_at(i)?);
    }
    // Section contents must lie inside the file.
    for (i, s) in shdrs.iter().enumerate() {
        if s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL && b.slice(s.offset, s.size).is_none() {
            return Err(err(
                codes::E_ELF_TRUNCATED,
                f,
                format!(
                    "section {i}: contents at offset {:#x}, size {:#x} lie outside the file ({} bytes)",
                    s.offset,
                    s.size,
                    bytes.len()
                ),
            ));
        }
    }
    let data_of = |s: &Shdr| -> &[u8] {
        if s.sh_type == SHT_NOBITS || s.sh_type == SHT_NULL {
            &[]
        } else {
            b.slice(s.offset, s.size).unwrap_or(&[])
        }
    };
    let shstr = shdrs.get(shstrndx as usize).ok_or_else(|| {
        err(
            codes::E_ELF_BAD_SECTION,
            f,
            format!(
                "section-name string table index {shstrndx} is out of range ({shnum} sections)"
            ),
        )
    })?;
    let shstr_data = data_of(shstr);
    let mut names = Vec::with_capacity(shdrs.len());
    for (i, s) in shdrs.iter().enumerate() {
        if i == 0 {
            names.push(String::new());
            continue;
        }
        let name = cstr(shstr_data, s.name_off).ok_or_else(|| {
            err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "section {i}: name offset {:#x} is outside the section-name string table",
                    s.name_off
                ),
            )
        })?;
        names.push(name.to_string());
    }
    let sec_desc = |i: usize| {
        format!(
            "section {i} `{}`",
            names.get(i).map(String::as_str).unwrap_or("")
        )
    };

    // Which sections are bookkeeping (not kept as model sections).
    let symtab_idx = shdrs.iter().position(|s| s.sh_type == SHT_SYMTAB);
    if shdrs.iter().filter(|s| s.sh_type == SHT_SYMTAB).count() > 1 {
        return Err(err(
            codes::E_ELF_BAD_SECTION,
            f,
            "more than one symbol table",
        ));
    }
    let strtab_idx = match symtab_idx {
        Some(si) => {
            let link = shdrs[si].link as usize;
            match shdrs.get(link) {
                Some(s) if s.sh_type == SHT_STRTAB && link != 0 => Some(link),
                _ => {
                    return Err(err(
                        codes::E_ELF_BAD_SECTION,
                        f,
                        format!("{}: sh_link {link} is not a string table", sec_desc(si)),
                    ));
                }
            }
        }
        None => None,
    };
    let mut sec_map: Vec<Option<SectionId>> = vec![None; shdrs.len()];
    let mut obj = Object::new(endian);
    for (i, s) in shdrs.iter().enumerate() {
        // A null or dynamic-symbol section past index 0 is kept as `Other` (with no
        // bytes for null), so that the linker can refuse it as libbpf does.
        let skip = i == 0
            || s.sh_type == SHT_SYMTAB
            || s.sh_type == SHT_REL
            || s.sh_type == SHT_RELA
            || Some(i) == strtab_idx
            || (i == shstrndx as usize && s.sh_type == SHT_STRTAB);
        if skip {
            continue;
        }
        if s.align > 1 && !s.align.is_power_of_two() {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "{}: alignment {} is not a power of two",
                    sec_desc(i),
                    s.align
                ),
            ));
        }
        // The writer pads file offsets to each section's alignment, so an absurd one
        // (2^40) would make a terabyte of padding; the frontend and the assembler stop
        // at 64 KiB too.
        if s.align > MAX_SECTION_ALIGN {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!("{}: alignment {:#x} is over 64 KiB", sec_desc(i), s.align),
            ));
        }
        let kind = match s.sh_type {
            SHT_PROGBITS => SectionKind::Progbits,
            SHT_NOBITS => SectionKind::Nobits,
            SHT_LLVM_ADDRSIG => SectionKind::LlvmAddrsig,
            other => SectionKind::Other(other),
        };
        let mut sec = Section::new(names[i].clone(), kind, s.flags, s.align.max(1));
        sec.entsize = s.entsize;
        let skip = skip_debug && skipped_as_debug(s.sh_type, names[i].as_bytes(), None);
        sec.data = if skip || s.sh_type == SHT_NOBITS {
            Vec::new()
        } else {
            data_of(s).to_vec()
        };
        sec.size = if s.sh_type == SHT_NULL { 0 } else { s.size };
        sec_map[i] = Some(obj.sections.push(sec));
    }

    // Symbols.
    let mut nsyms = 0u64;
    if let Some(si) = symtab_idx {
        let st = &shdrs[si];
        if st.entsize != SYM_SIZE as u64 && st.entsize != 0 {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "{}: symbol entry size {} is not 24",
                    sec_desc(si),
                    st.entsize
                ),
            ));
        }
        if st.size % SYM_SIZE as u64 != 0 {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "{}: size {:#x} is not a multiple of 24",
                    sec_desc(si),
                    st.size
                ),
            ));
        }
        let strtab = strtab_idx.map(|i| data_of(&shdrs[i])).unwrap_or(&[]);
        nsyms = st.size / SYM_SIZE as u64;
        for k in 1..nsyms {
            let base = st.offset + k * SYM_SIZE as u64;
            let read_fail = || {
                err(
                    codes::E_ELF_TRUNCATED,
                    f,
                    format!("symbol {k} lies outside the file"),
                )
            };
            let name_off = b.u32(base).ok_or_else(read_fail)?;
            let info = *bytes.get((base + 4) as usize).ok_or_else(read_fail)?;
            let other = *bytes.get((base + 5) as usize).ok_or_else(read_fail)?;
            let shndx = b.u16(base + 6).ok_or_else(read_fail)?;
            let value = b.u64(base + 8).ok_or_else(read_fail)?;
            let size = b.u64(base + 16).ok_or_else(read_fail)?;
            let name = cstr(strtab, name_off)
                .ok_or_else(|| {
                    err(
                        codes::E_ELF_BAD_SYMBOL,
                        f,
                        format!(
                            "symbol {k}: name offset {name_off:#x} is outside the string table"
                        ),
                    )
                })?
                .to_string();
            let kind = match info & 0xf {
                0 => SymbolKind::NoType,
                1 => SymbolKind::Object,
                2 => SymbolKind::Func,
                3 => SymbolKind::Section,
                4 => SymbolKind::File,
                t => {
                    return Err(err(
                        codes::E_ELF_BAD_SYMBOL,
                        f,
                        format!("symbol {k} `{name}`: unsupported symbol type {t}"),
                    ));
                }
            };
            let binding = match info >> 4 {
                0 => Binding::Local,
                1 => Binding::Global,
                2 => Binding::Weak,
                t => {
                    return Err(err(
                        codes::E_ELF_BAD_SYMBOL,
                        f,
                        format!("symbol {k} `{name}`: unsupported binding {t}"),
                    ));
                }
            };
            let visibility = match other & 3 {
                0 => Visibility::Default,
                1 => Visibility::Internal,
                2 => Visibility::Hidden,
                _ => Visibility::Protected,
            };
            let place = match shndx {
                SHN_UNDEF => SymbolPlace::Undefined,
                SHN_ABS => SymbolPlace::Absolute,
                SHN_COMMON => SymbolPlace::Common,
                n if n >= SHN_LORESERVE => {
                    return Err(err(
                        codes::E_ELF_BAD_SYMBOL,
                        f,
                        format!("symbol {k} `{name}`: unsupported special section index {n:#x}"),
                    ));
                }
                n => {
                    let id = sec_map.get(n as usize).copied().flatten().ok_or_else(|| {
                        err(
                            codes::E_ELF_BAD_SYMBOL,
                            f,
                            format!(
                                "symbol {k} `{name}`: section index {n} is out of range or not a data section ({} sections)",
                                shdrs.len()
                            ),
                        )
                    })?;
                    let sec_size = obj.sections[id].size;
                    if kind != SymbolKind::Section
                        && (value > sec_size
                            || value.checked_add(size).is_none_or(|e| e > sec_size))
                    {
                        return Err(err(
                            codes::E_ELF_BAD_SYMBOL,
                            f,
                            format!(
                                "symbol {k} `{name}`: value {value:#x} size {size:#x} lies outside section `{}` (size {sec_size:#x})",
                                obj.sections[id].name
                            ),
                        ));
                    }
                    SymbolPlace::Section(id)
                }
            };
            obj.symbols.push(Symbol {
                name,
                kind,
                binding,
                visibility,
                place,
                value,
                size,
            });
        }
    }

    // Relocations.
    for (i, s) in shdrs.iter().enumerate() {
        if s.sh_type == SHT_RELA {
            return Err(err(
                codes::E_ELF_BAD_RELOC,
                f,
                format!(
                    "{}: RELA relocation sections are not used for BPF (expected REL)",
                    sec_desc(i)
                ),
            ));
        }
        if s.sh_type != SHT_REL {
            continue;
        }
        let target = shdrs
            .get(s.info as usize)
            .zip(names.get(s.info as usize))
            .map(|(t, n)| (t.sh_type, n.as_bytes()));
        if skip_debug && skipped_as_debug(s.sh_type, &[], target) {
            continue;
        }
        if Some(s.link as usize) != symtab_idx {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "{}: sh_link {} is not the symbol table",
                    sec_desc(i),
                    s.link
                ),
            ));
        }
        let target = sec_map
            .get(s.info as usize)
            .copied()
            .flatten()
            .ok_or_else(|| {
                err(
                    codes::E_ELF_BAD_SECTION,
                    f,
                    format!(
                        "{}: sh_info {} does not name a section that relocations can patch",
                        sec_desc(i),
                        s.info
                    ),
                )
            })?;
        if s.size % REL_SIZE as u64 != 0 || (s.entsize != 0 && s.entsize != REL_SIZE as u64) {
            return Err(err(
                codes::E_ELF_BAD_SECTION,
                f,
                format!(
                    "{}: size {:#x} / entry size {} do not describe 16-byte REL entries",
                    sec_desc(i),
                    s.size,
                    s.entsize
                ),
            ));
        }
        let tname = obj.sections[target].name.clone();
        let tsize = obj.sections[target].size;
        let is_nobits = obj.sections[target].kind == SectionKind::Nobits;
        let mut relocs = Vec::with_capacity((s.size / REL_SIZE as u64) as usize);
        for k in 0..s.size / REL_SIZE as u64 {
            let base = s.offset + k * REL_SIZE as u64;
            let read_fail = || {
                err(
                    codes::E_ELF_TRUNCATED,
                    f,
                    format!("{}: relocation {k} lies outside the file", sec_desc(i)),
                )
            };
            let r_offset = b.u64(base).ok_or_else(read_fail)?;
            let r_info = b.u64(base + 8).ok_or_else(read_fail)?;
            let sym = r_info >> 32;
            let kind = RelocType((r_info & 0xffff_ffff) as u32);
            let width: u64 = match kind {
                RelocType::NONE => 0,
                RelocType::R_BPF_64_64 => 16,
                RelocType::R_BPF_64_ABS64 => 8,
                RelocType::R_BPF_64_ABS32 | RelocType::R_BPF_64_NODYLD32 => 4,
                RelocType::R_BPF_64_32 => 8,
                RelocType(t) => {
                    return Err(err(
                        codes::E_ELF_BAD_RELOC,
                        f,
                        format!(
                            "section `{tname}`, offset {r_offset:#x}: unknown relocation type {t}"
                        ),
                    ));
                }
            };
            if is_nobits || r_offset.checked_add(width).is_none_or(|e| e > tsize) {
                return Err(err(
                    codes::E_ELF_BAD_RELOC,
                    f,
                    format!(
                        "section `{tname}`, offset {r_offset:#x}: {} relocation lies outside the section (size {tsize:#x})",
                        kind.name().unwrap_or("?")
                    ),
                ));
            }
            if sym == 0 || sym >= nsyms {
                return Err(err(
                    codes::E_ELF_BAD_RELOC,
                    f,
                    format!(
                        "section `{tname}`, offset {r_offset:#x}: symbol index {sym} is out of range ({nsyms} symbols)"
                    ),
                ));
            }
            relocs.push(Reloc {
                byte_off: r_offset,
                symbol: SymbolId::from_u32((sym - 1) as u32),
                kind,
            });
        }
        obj.sections[target].relocs.extend(relocs);
    }
    Ok(obj)
}

/// One member of an `ar` archive: its name and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveMember<'a> {
    pub name: String,
    pub data: &'a [u8],
}

/// True if `bytes` starts like an `ar` archive.
pub fn is_archive(bytes: &[u8]) -> bool {
    bytes.starts_with(b"!<arch>\n")
}

/// Splits an `ar` archive (GNU or BSD name conventions) into its members, leaving out
/// the symbol index and the long-name table.
pub fn read_archive<'a>(
    bytes: &'a [u8],
    file_name: &str,
) -> Result<Vec<ArchiveMember<'a>>, Diagnostic> {
    let f = file_name;
    if bytes.starts_with(b"!<thin>\n") {
        return Err(err(
            codes::E_ELF_BAD_ARCHIVE,
            f,
            "thin archives are not supported",
        ));
    }
    if !is_archive(bytes) {
        return Err(err(
            codes::E_ELF_BAD_ARCHIVE,
            f,
            "not an ar archive (bad magic)",
        ));
    }
    let mut pos = 8usize;
    let mut long_names: &[u8] = &[];
    let mut members = Vec::new();
    while pos < bytes.len() {
        let hdr = bytes.get(pos..pos + 60).ok_or_else(|| {
            err(
                codes::E_ELF_BAD_ARCHIVE,
                f,
                format!("member header at offset {pos:#x} is truncated"),
            )
        })?;
        if &hdr[58..60] != b"`\n" {
            return Err(err(
                codes::E_ELF_BAD_ARCHIVE,
                f,
                format!("member header at offset {pos:#x} has a bad terminator"),
            ));
        }
        let field =
            |r: std::ops::Range<usize>| std::str::from_utf8(&hdr[r]).unwrap_or("").trim_end();
        let raw_name = field(0..16).to_string();
        let size: usize = field(48..58).parse().map_err(|_| {
            err(
                codes::E_ELF_BAD_ARCHIVE,
                f,
                format!(
                    "member header at offset {pos:#x}: bad size field `{}`",
                    field(48..58)
                ),
            )
        })?;
        let start = pos + 60;
        let mut data = start
            .checked_add(size)
            .and_then(|end| bytes.get(start..end))
            .ok_or_else(|| {
                err(
                    codes::E_ELF_BAD_ARCHIVE,
                    f,
                    format!(
                        "member at offset {pos:#x}: size {size} runs past the end of the archive"
                    ),
                )
            })?;
        pos = start + size + (size & 1);
        let name = if raw_name == "/" || raw_name == "/SYM64/" || raw_name.starts_with("__.SYMDEF")
        {
            continue;
        } else if raw_name == "//" {
            long_names = data;
            continue;
        } else if let Some(len) = raw_name.strip_prefix("#1/") {
            // BSD: the name is the first `len` bytes of the data.
            let len: usize = len.parse().map_err(|_| {
                err(
                    codes::E_ELF_BAD_ARCHIVE,
                    f,
                    format!("member `{raw_name}`: bad BSD name length"),
                )
            })?;
            let n = data.get(..len).ok_or_else(|| {
                err(
                    codes::E_ELF_BAD_ARCHIVE,
                    f,
                    format!("member `{raw_name}`: name runs past the member"),
                )
            })?;
            data = &data[len..];
            let n = String::from_utf8_lossy(n)
                .trim_end_matches('\0')
                .to_string();
            if n.starts_with("__.SYMDEF") {
                continue;
            }
            n
        } else if let Some(off) = raw_name.strip_prefix('/') {
            // GNU: `/offset` into the `//` table, names end in "/\n".
            let off: usize = off.parse().map_err(|_| {
                err(
                    codes::E_ELF_BAD_ARCHIVE,
                    f,
                    format!("member `{raw_name}`: bad long-name offset"),
                )
            })?;
            let rest = long_names.get(off..).ok_or_else(|| {
                err(
                    codes::E_ELF_BAD_ARCHIVE,
                    f,
                    format!("member `{raw_name}`: long-name offset outside the name table"),
                )
            })?;
            let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            let n = String::from_utf8_lossy(&rest[..end]);
            n.strip_suffix('/').unwrap_or(&n).to_string()
        } else {
            raw_name.strip_suffix('/').unwrap_or(&raw_name).to_string()
        };
        members.push(ArchiveMember { name, data });
    }
    Ok(members)
}

/// Reads a linker input: an object gives one entry, an archive one entry per member
/// (named `archive(member)`).
pub fn read_input(bytes: &[u8], file_name: &str) -> Result<Vec<(String, Object)>, Diagnostic> {
    read_input_with(bytes, file_name, false)
}

/// [`read_input`] with [`read_object_with`]'s `skip_debug`.
pub fn read_input_with(
    bytes: &[u8],
    file_name: &str,
    skip_debug: bool,
) -> Result<Vec<(String, Object)>, Diagnostic> {
    if is_archive(bytes) || bytes.starts_with(b"!<thin>\n") {
        let mut out = Vec::new();
        for m in read_archive(bytes, file_name)? {
            let name = format!("{file_name}({})", m.name);
            let obj = read_object_with(m.data, &name, skip_debug)?;
            out.push((name, obj));
        }
        Ok(out)
    } else if is_elf(bytes) {
        Ok(vec![(
            file_name.to_string(),
            read_object_with(bytes, file_name, skip_debug)?,
        )])
    } else {
        Err(err(
            codes::E_ELF_NOT_ELF,
            file_name,
            "not an ELF object or ar archive (bad magic)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal hand-built little-endian object: `.text` with one `exit`, a symtab with
    /// one global function, and a `.rel.text` with a call relocation.
    fn tiny(big: bool) -> Vec<u8> {
        let w16 = |v: u16| {
            if big {
                v.to_be_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        };
        let w32 = |v: u32| {
            if big {
                v.to_be_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        };
        let w64 = |v: u64| {
            if big {
                v.to_be_bytes().to_vec()
            } else {
                v.to_le_bytes().to_vec()
            }
        };
        let shstr = b"\0.text\0.rel.text\0.symtab\0.strtab\0.shstrtab\0".to_vec();
        let strtab = b"\0f\0".to_vec();
        let text = vec![
            0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x95, 0, 0, 0, 0, 0, 0, 0,
        ];
        let mut sym = vec![0u8; 24];
        sym.extend(w32(1));
        sym.push(0x12);
        sym.push(0);
        sym.extend(w16(1));
        sym.extend(w64(0));
        sym.extend(w64(16));
        let mut rel = w64(0);
        rel.extend(w64((1 << 32) | 10));
        let mut body = Vec::new();
        let mut offs = Vec::new();
        for part in [&text, &rel, &sym, &strtab, &shstr] {
            offs.push(64 + body.len() as u64);
            body.extend_from_slice(part);
            while body.len() % 8 != 0 {
                body.push(0);
            }
        }
        let shoff = 64 + body.len() as u64;
        let mut out = b"\x7fELF\x02".to_vec();
        out.push(if big { 2 } else { 1 });
        out.push(1);
        out.resize(16, 0);
        out.extend(w16(1));
        out.extend(w16(247));
        out.extend(w32(1));
        out.extend(w64(0));
        out.extend(w64(0));
        out.extend(w64(shoff));
        out.extend(w32(0));
        out.extend(w16(64));
        out.extend(w16(0));
        out.extend(w16(0));
        out.extend(w16(64));
        out.extend(w16(6));
        out.extend(w16(5));
        out.extend(body);
        let mut sh = |name: u32,
                      ty: u32,
                      flags: u64,
                      off: u64,
                      size: u64,
                      link: u32,
                      info: u32,
                      align: u64,
                      es: u64| {
            out.extend(w32(name));
            out.extend(w32(ty));
            out.extend(w64(flags));
            out.extend(w64(0));
            out.extend(w64(off));
            out.extend(w64(size));
            out.extend(w32(link));
            out.extend(w32(info));
            out.extend(w64(align));
            out.extend(w64(es));
        };
        sh(0, 0, 0, 0, 0, 0, 0, 0, 0);
        sh(1, SHT_PROGBITS, 6, offs[0], 16, 0, 0, 8, 0);
        sh(7, SHT_REL, 0x40, offs[1], 16, 3, 1, 8, 16);
        sh(17, SHT_SYMTAB, 0, offs[2], 48, 4, 1, 8, 24);
        sh(25, SHT_STRTAB, 0, offs[3], 3, 0, 0, 1, 0);
        sh(33, SHT_STRTAB, 0, offs[4], shstr.len() as u64, 0, 0, 1, 0);
        out
    }

    #[test]
    fn reads_both_byte_orders() {
        for big in [false, true] {
            let obj = read_object(&tiny(big), "t.o").unwrap();
            assert_eq!(obj.endian, if big { Endian::Big } else { Endian::Little });
            assert_eq!(obj.sections.len(), 1);
            let text = &obj.sections[SectionId::from_u32(0)];
            assert_eq!(text.name, ".text");
            assert_eq!(text.relocs.len(), 1);
            assert_eq!(text.relocs[0].kind, RelocType::R_BPF_64_32);
            assert_eq!(obj.symbols.len(), 1);
            assert_eq!(obj.symbols[SymbolId::from_u32(0)].name, "f");
            assert_eq!(obj.symbols[SymbolId::from_u32(0)].binding, Binding::Global);
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let full = tiny(false);
        for len in 0..full.len() {
            let _ = read_object(&full[..len], "t.o");
        }
        assert!(read_object(&full[..63], "t.o").is_err());
    }

    #[test]
    fn bad_reloc_offset_and_type_are_reported() {
        let mut bytes = tiny(false);
        // The REL entry is the second body part, at 64 + 16.
        bytes[80] = 0x40;
        let e = read_object(&bytes, "t.o").unwrap_err();
        assert_eq!(e.code, codes::E_ELF_BAD_RELOC);
        assert!(
            e.message.contains("section `.text`, offset 0x40"),
            "{}",
            e.message
        );
        let mut bytes = tiny(false);
        bytes[88] = 99;
        let e = read_object(&bytes, "t.o").unwrap_err();
        assert!(
            e.message.contains("unknown relocation type 99"),
            "{}",
            e.message
        );
    }

    #[test]
    fn archives_gnu_and_bsd() {
        let obj = tiny(false);
        let mut gnu = b"!<arch>\n".to_vec();
        let names = b"a_rather_long_member_name.o/\n";
        gnu.extend(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "//",
                0,
                0,
                0,
                0,
                names.len()
            )
            .as_bytes(),
        );
        gnu.extend(names);
        if gnu.len() % 2 == 1 {
            gnu.push(b'\n');
        }
        gnu.extend(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "/0",
                0,
                0,
                0,
                644,
                obj.len()
            )
            .as_bytes(),
        );
        gnu.extend(&obj);
        gnu.extend(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "b.o/",
                0,
                0,
                0,
                644,
                obj.len()
            )
            .as_bytes(),
        );
        gnu.extend(&obj);
        let got = read_input(&gnu, "lib.a").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "lib.a(a_rather_long_member_name.o)");
        assert_eq!(got[1].0, "lib.a(b.o)");

        let mut bsd = b"!<arch>\n".to_vec();
        bsd.extend(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "#1/8",
                0,
                0,
                0,
                644,
                obj.len() + 8
            )
            .as_bytes(),
        );
        bsd.extend(b"c.o\0\0\0\0\0");
        bsd.extend(&obj);
        let got = read_input(&bsd, "lib.a").unwrap();
        assert_eq!(got[0].0, "lib.a(c.o)");
        assert_eq!(got[0].1.sections.len(), 1);

        assert!(read_archive(&bsd[..bsd.len() - 1], "lib.a").is_err());
    }
}
