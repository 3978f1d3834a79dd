//! Writing an [`Object`] as a relocatable ELF64 BPF file, laid out the way LLVM's ELF
//! object writer (llvm-mc-19, clang-19 -c) lays it out, so that our `.o` files can be
//! compared with theirs byte for byte.
//!
//! Layout (System V gABI; `../shared/spec/llvm_reloc.rst` for the REL sections):
//! - section header table order: null, `.strtab`, then every section in object order,
//!   each followed by its `.rel<name>` section when it has relocations, then
//!   `.llvm_addrsig` (if any), then `.symtab` last;
//! - file order: ELF header, section contents (each aligned to its alignment; NOBITS
//!   takes no room), `.symtab` (8-aligned), the REL sections (8-aligned), the address
//!   significance table, `.strtab`, then the section header table (8-aligned);
//! - `.strtab` holds both section and symbol names, sorted by their reversed bytes in
//!   descending order with tail merging (a name that ends the previous one shares it);
//! - symbols: the null symbol, then every local symbol in object order, then the others
//!   in object order (ELF needs locals first; `sh_info` is the first non-local index).
//!   Section symbols have no name of their own.
//!
//! Invariant on input: an [`SectionKind::LlvmAddrsig`] section's data is a ULEB128 list of
//! `SymbolId index + 1` (the numbering `elf_read` produces); the writer renumbers them to
//! the final symbol table order. Relocation symbols must be valid ids of the object.

use crate::object::{
    Binding, Endian, Object, SectionKind, SymbolId, SymbolKind, SymbolPlace, Visibility,
};
use cranelift_entity::EntityRef;

const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
const SHT_REL: u32 = 9;
const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
const SHF_INFO_LINK: u64 = 0x40;
const SHF_EXCLUDE: u64 = 0x8000_0000;
const SHN_ABS: u16 = 0xfff1;
const SHN_COMMON: u16 = 0xfff2;
const EM_BPF: u16 = 247;

/// One row of the section header table.
struct Header {
    name: u32,
    kind: u32,
    flags: u64,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

/// Little- or big-endian appends to a byte buffer.
struct Out {
    buf: Vec<u8>,
    big: bool,
}

impl Out {
    fn u16(&mut self, v: u16) {
        let b = if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn u32(&mut self, v: u32) {
        let b = if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn u64(&mut self, v: u64) {
        let b = if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn align(&mut self, align: u64) -> u64 {
        let a = align.max(1) as usize;
        let pad = (a - self.buf.len() % a) % a;
        self.buf.resize(self.buf.len() + pad, 0);
        self.buf.len() as u64
    }
    fn pos(&self) -> u64 {
        self.buf.len() as u64
    }
}

/// A string table built LLVM-style: the set of names, ordered by reversed bytes
/// (descending), each name either placed after the previous one or, when it is a suffix
/// of the previous one, pointing into it. `add` returns a handle for `offset`.
struct StrTab<'a> {
    names: Vec<&'a str>,
    offsets: Vec<u32>,
    bytes: Vec<u8>,
}

impl<'a> StrTab<'a> {
    fn new() -> Self {
        StrTab {
            names: Vec::new(),
            offsets: Vec::new(),
            bytes: Vec::new(),
        }
    }

    fn add(&mut self, name: &'a str) -> usize {
        self.names.push(name);
        self.names.len() - 1
    }

    fn finish(&mut self) {
        let names = &self.names;
        // Sorted on a key holding the last 8 bytes (the first 8 compared), the full
        // reversed comparison only breaking ties: names are never empty and hold no NUL,
        // so a shorter tail's zero padding orders before any byte, as the end does.
        let mut order: Vec<(u64, u32)> = (0..names.len() as u32)
            .filter(|&i| !names[i as usize].is_empty())
            .map(|i| (tail_key(names[i as usize].as_bytes()), i))
            .collect();
        order.sort_unstable_by(|&(ka, a), &(kb, b)| {
            kb.cmp(&ka).then_with(|| {
                let (a, b) = (names[a as usize].as_bytes(), names[b as usize].as_bytes());
                b.iter().rev().cmp(a.iter().rev())
            })
        });
        self.offsets = vec![0; names.len()];
        self.bytes.push(0);
        let mut previous: &[u8] = &[];
        let mut previous_off = 0usize;
        for &(_, i) in &order {
            let name = names[i as usize].as_bytes();
            if previous.ends_with(name) {
                // Equal to, or a tail of, the previous name.
                self.offsets[i as usize] = (previous_off + previous.len() - name.len()) as u32;
                continue;
            }
            previous_off = self.bytes.len();
            self.offsets[i as usize] = previous_off as u32;
            self.bytes.extend_from_slice(name);
            self.bytes.push(0);
            previous = name;
        }
    }

    fn offset(&self, handle: usize) -> u32 {
        self.offsets.get(handle).copied().unwrap_or(0)
    }
}

/// The last (up to) 8 bytes of `name`, the last one most significant, zero-padded in
/// the low bytes: comparing keys compares the reversed names' first 8 bytes.
fn tail_key(name: &[u8]) -> u64 {
    name.iter()
        .rev()
        .take(8)
        .enumerate()
        .fold(0, |k, (i, &b)| k | u64::from(b) << (56 - 8 * i))
}

fn uleb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_uleb_list(data: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let (mut v, mut shift) = (0u64, 0u32);
    for &b in data {
        if shift < 64 {
            v |= u64::from(b & 0x7f) << shift;
        }
        shift += 7;
        if b & 0x80 == 0 {
            out.push(v);
            v = 0;
            shift = 0;
        }
    }
    out
}

/// Writes `obj` as an ELF64 relocatable file for EM_BPF.
pub fn write_object(obj: &Object) -> Vec<u8> {
    let big = obj.endian == Endian::Big;

    // Section header indices: null, .strtab, sections (+ their REL), addrsig, symtab.
    let mut sec_index = vec![0u32; obj.sections.len()];
    let mut rel_index = vec![0u32; obj.sections.len()];
    let mut next = 2u32;
    let mut addrsig = None;
    for (id, sec) in obj.sections.iter() {
        if sec.kind == SectionKind::LlvmAddrsig {
            addrsig = Some(id);
            continue;
        }
        sec_index[id.index()] = next;
        next += 1;
        if !sec.relocs.is_empty() {
            rel_index[id.index()] = next;
            next += 1;
        }
    }
    let addrsig_index = addrsig.map(|id| {
        sec_index[id.index()] = next;
        next += 1;
        next - 1
    });
    let symtab_index = next;
    let shnum = next + 1;

    // Symbol order: locals, then the rest; ELF index of each SymbolId.
    let mut order: Vec<SymbolId> = Vec::with_capacity(obj.symbols.len());
    order.extend(
        obj.symbols
            .iter()
            .filter(|(_, s)| s.binding == Binding::Local)
            .map(|(id, _)| id),
    );
    let first_global = order.len() as u32 + 1;
    order.extend(
        obj.symbols
            .iter()
            .filter(|(_, s)| s.binding != Binding::Local)
            .map(|(id, _)| id),
    );
    let mut elf_sym = vec![0u32; obj.symbols.len()];
    for (i, id) in order.iter().enumerate() {
        elf_sym[id.index()] = i as u32 + 1;
    }

    // String table.
    let rel_names: Vec<String> = obj
        .sections
        .values()
        .map(|sec| {
            if !sec.relocs.is_empty() && sec.kind != SectionKind::LlvmAddrsig {
                format!(".rel{}", sec.name)
            } else {
                String::new()
            }
        })
        .collect();
    let mut strtab = StrTab::new();
    let strtab_name = strtab.add(".strtab");
    let symtab_name = strtab.add(".symtab");
    let sec_name: Vec<usize> = obj
        .sections
        .values()
        .map(|sec| strtab.add(&sec.name))
        .collect();
    let rel_name: Vec<usize> = rel_names.iter().map(|n| strtab.add(n)).collect();
    let sym_name: Vec<usize> = obj
        .symbols
        .values()
        .map(|sym| {
            if sym.kind != SymbolKind::Section {
                strtab.add(&sym.name)
            } else {
                strtab.add("")
            }
        })
        .collect();
    strtab.finish();

    let mut out = Out {
        buf: Vec::with_capacity(
            64 + obj
                .sections
                .values()
                .map(|s| s.data.len() + 16 * s.relocs.len() + 8)
                .sum::<usize>()
                + 24 * (obj.symbols.len() + 1)
                + strtab.bytes.len()
                + 64 * shnum as usize,
        ),
        big,
    };
    out.buf.resize(64, 0);

    let mut headers: Vec<Option<Header>> = (0..shnum).map(|_| None).collect();
    // Section contents.
    for (id, sec) in obj.sections.iter() {
        if sec.kind == SectionKind::LlvmAddrsig {
            continue;
        }
        let offset = out.align(sec.align);
        let (kind, size) = match sec.kind {
            SectionKind::Nobits => (SHT_NOBITS, sec.size),
            SectionKind::Progbits => (SHT_PROGBITS, sec.data.len() as u64),
            SectionKind::LlvmAddrsig => (SHT_LLVM_ADDRSIG, sec.data.len() as u64),
            SectionKind::Other(t) => (t, sec.data.len() as u64),
        };
        if sec.kind != SectionKind::Nobits {
            out.buf.extend_from_slice(&sec.data);
        }
        headers[sec_index[id.index()] as usize] = Some(Header {
            name: strtab.offset(sec_name[id.index()]),
            kind,
            flags: sec.flags,
            offset,
            size,
            link: 0,
            info: 0,
            align: sec.align.max(1),
            entsize: sec.entsize,
        });
    }

    // Symbol table.
    let symtab_off = out.align(8);
    out.buf.resize(out.buf.len() + 24, 0);
    for id in &order {
        let s = &obj.symbols[*id];
        let name = strtab.offset(sym_name[id.index()]);
        let bind: u8 = match s.binding {
            Binding::Local => 0,
            Binding::Global => 1,
            Binding::Weak => 2,
        };
        let kind: u8 = match s.kind {
            SymbolKind::NoType => 0,
            SymbolKind::Object => 1,
            SymbolKind::Func => 2,
            SymbolKind::Section => 3,
            SymbolKind::File => 4,
        };
        let other: u8 = match s.visibility {
            Visibility::Default => 0,
            Visibility::Internal => 1,
            Visibility::Hidden => 2,
            Visibility::Protected => 3,
        };
        let shndx: u16 = match s.place {
            SymbolPlace::Undefined => 0,
            SymbolPlace::Absolute => SHN_ABS,
            SymbolPlace::Common => SHN_COMMON,
            SymbolPlace::Section(sec) => sec_index.get(sec.index()).copied().unwrap_or(0) as u16,
        };
        out.u32(name);
        out.buf.push(bind << 4 | kind);
        out.buf.push(other);
        out.u16(shndx);
        out.u64(s.value);
        out.u64(s.size);
    }
    let symtab_size = out.pos() - symtab_off;

    // Relocation sections.
    for (id, sec) in obj.sections.iter() {
        if sec.relocs.is_empty() || sec.kind == SectionKind::LlvmAddrsig {
            continue;
        }
        let offset = out.align(8);
        for r in &sec.relocs {
            let sym = elf_sym.get(r.symbol.index()).copied().unwrap_or(0);
            out.u64(r.byte_off);
            out.u64((u64::from(sym) << 32) | u64::from(r.kind.0));
        }
        headers[rel_index[id.index()] as usize] = Some(Header {
            name: strtab.offset(rel_name[id.index()]),
            kind: SHT_REL,
            flags: SHF_INFO_LINK,
            offset,
            size: 16 * sec.relocs.len() as u64,
            link: symtab_index,
            info: sec_index[id.index()],
            align: 8,
            entsize: 16,
        });
    }

    // Address-significance table, renumbered to the final symbol order.
    if let (Some(id), Some(index)) = (addrsig, addrsig_index) {
        let sec = &obj.sections[id];
        let offset = out.pos();
        let mut data = Vec::new();
        for v in read_uleb_list(&sec.data) {
            let mapped = (v as usize)
                .checked_sub(1)
                .and_then(|i| elf_sym.get(i))
                .copied()
                .unwrap_or(0);
            uleb(u64::from(mapped), &mut data);
        }
        out.buf.extend_from_slice(&data);
        headers[index as usize] = Some(Header {
            name: strtab.offset(sec_name[id.index()]),
            kind: SHT_LLVM_ADDRSIG,
            flags: sec.flags | SHF_EXCLUDE,
            offset,
            size: data.len() as u64,
            link: symtab_index,
            info: 0,
            align: sec.align.max(1),
            entsize: 0,
        });
    }

    // String table.
    let strtab_off = out.pos();
    out.buf.extend_from_slice(&strtab.bytes);
    headers[1] = Some(Header {
        name: strtab.offset(strtab_name),
        kind: SHT_STRTAB,
        flags: 0,
        offset: strtab_off,
        size: strtab.bytes.len() as u64,
        link: 0,
        info: 0,
        align: 1,
        entsize: 0,
    });
    headers[symtab_index as usize] = Some(Header {
        name: strtab.offset(symtab_name),
        kind: SHT_SYMTAB,
        flags: 0,
        offset: symtab_off,
        size: symtab_size,
        link: 1,
        info: first_global,
        align: 8,
        entsize: 24,
    });

    // Section header table.
    let shoff = out.align(8);
    for h in &headers {
        match h {
            None => out.buf.resize(out.buf.len() + 64, 0),
            Some(h) => {
                out.u32(h.name);
                out.u32(h.kind);
                out.u64(h.flags);
                out.u64(0);
                out.u64(h.offset);
                out.u64(h.size);
                out.u32(h.link);
                out.u32(h.info);
                out.u64(h.align);
                out.u64(h.entsize);
            }
        }
    }

    // ELF header.
    let mut hdr = Out {
        buf: Vec::with_capacity(64),
        big,
    };
    hdr.buf
        .extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, if big { 2 } else { 1 }, 1, 0]);
    hdr.buf.resize(16, 0);
    hdr.u16(1); // ET_REL
    hdr.u16(EM_BPF);
    hdr.u32(1); // EV_CURRENT
    hdr.u64(0); // e_entry
    hdr.u64(0); // e_phoff
    hdr.u64(shoff);
    hdr.u32(0); // e_flags
    hdr.u16(64); // e_ehsize
    hdr.u16(0); // e_phentsize
    hdr.u16(0); // e_phnum
    hdr.u16(64); // e_shentsize
    hdr.u16(shnum as u16);
    hdr.u16(1); // e_shstrndx: .strtab doubles as the section-name table
    out.buf[..64].copy_from_slice(&hdr.buf);
    out.buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf_read::read_object;
    use crate::object::{Reloc, SHF_ALLOC, SHF_EXECINSTR, Section, Symbol};
    use crate::reloc::RelocType;

    fn sample(endian: Endian) -> Object {
        let mut obj = Object::new(endian);
        let mut text = Section::new(".text", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
        text.data = vec![
            0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0,
        ];
        text.size = 24;
        let t = obj.sections.push(text);
        let g = obj.symbols.push(Symbol {
            name: "g".into(),
            kind: SymbolKind::Object,
            binding: Binding::Global,
            visibility: Visibility::Default,
            place: SymbolPlace::Undefined,
            value: 0,
            size: 0,
        });
        obj.symbols.push(Symbol {
            name: "f".into(),
            kind: SymbolKind::Func,
            binding: Binding::Local,
            visibility: Visibility::Default,
            place: SymbolPlace::Section(t),
            value: 0,
            size: 24,
        });
        obj.sections[t].relocs.push(Reloc {
            byte_off: 0,
            symbol: g,
            kind: RelocType::R_BPF_64_64,
        });
        let mut sig = Section::new(".llvm_addrsig", SectionKind::LlvmAddrsig, 0, 1);
        sig.data = vec![1]; // SymbolId 0 (g) + 1
        obj.sections.push(sig);
        obj
    }

    #[test]
    fn round_trips_through_the_reader_in_both_byte_orders() {
        for endian in [Endian::Little, Endian::Big] {
            let bytes = write_object(&sample(endian));
            let back = read_object(&bytes, "t.o").expect("readable");
            assert_eq!(back.endian, endian);
            let t = back.section_by_name(".text").expect(".text");
            assert_eq!(back.sections[t].data.len(), 24);
            assert_eq!(back.sections[t].relocs.len(), 1);
            // Locals come first: f is ELF symbol 1, g is 2.
            let f = back.symbol_by_name("f").expect("f");
            assert_eq!(f.index(), 0);
            let g = back.sections[t].relocs[0].symbol;
            assert_eq!(back.symbols[g].name, "g");
            // The addrsig entry was renumbered from g's SymbolId (0 + 1) to ELF index 2.
            let a = back.section_by_name(".llvm_addrsig").expect("addrsig");
            assert_eq!(back.sections[a].data, vec![2]);
            assert_eq!(write_object(&sample(endian)), bytes, "deterministic");
        }
    }

    #[test]
    fn string_table_merges_tails_in_reverse_order() {
        let mut t = StrTab::new();
        let h: Vec<usize> = ["xdp", ".relxdp", ".text", ".rel.text", ".strtab"]
            .iter()
            .map(|n| t.add(n))
            .collect();
        t.finish();
        // Reversed, descending: "txet.ler." > "txet." > "pdxler." > "pdx" > "batrts.".
        assert_eq!(t.bytes, b"\0.rel.text\0.relxdp\0.strtab\0".to_vec());
        assert_eq!(t.offset(h[2]), 5);
        assert_eq!(t.offset(h[0]), 15);
    }
}
