//! The in-memory relocatable BPF object that the assembler builds, the ELF writer
//! writes, the ELF reader reads back and the static linker merges.
//!
//! Invariants: section and symbol ids index `Object::sections`/`Object::symbols`;
//! relocations live with the section they patch and, as in ELF REL sections, carry no
//! addend of their own (the addend is in the section bytes). Symbol order is creation
//! order; the ELF writer sorts locals before globals as ELF requires.

use crate::reloc::RelocType;
use cranelift_entity::{PrimaryMap, entity_impl};

/// Index of a section in [`Object::sections`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(u32);
entity_impl!(SectionId, "sec");

/// Index of a symbol in [`Object::symbols`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolId(u32);
entity_impl!(SymbolId, "sym");

/// Byte order of the target (`bpfel` or `bpfeb`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Endian {
    #[default]
    Little,
    Big,
}

/// What a section holds, which decides its ELF `sh_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// SHT_PROGBITS.
    Progbits,
    /// SHT_NOBITS (`.bss`): `size` bytes, no data in the file.
    Nobits,
    /// SHT_LLVM_ADDRSIG (0x6fff4c03): the address-significance table.
    LlvmAddrsig,
    /// Any other type, kept as read.
    Other(u32),
}

/// One section with its bytes and the relocations that patch them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub kind: SectionKind,
    /// ELF `sh_flags` (SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_WRITE = 1, SHF_MERGE = 0x10,
    /// SHF_STRINGS = 0x20, ...).
    pub flags: u64,
    /// Alignment in bytes (a power of two; 1 means none).
    pub align: u64,
    /// ELF `sh_entsize` (non-zero for mergeable sections).
    pub entsize: u64,
    /// The contents; empty for NOBITS.
    pub data: Vec<u8>,
    /// Size in bytes; equals `data.len()` except for NOBITS.
    pub size: u64,
    pub relocs: Vec<Reloc>,
}

impl Section {
    pub fn new(name: impl Into<String>, kind: SectionKind, flags: u64, align: u64) -> Self {
        Section {
            name: name.into(),
            kind,
            flags,
            align: align.max(1),
            entsize: 0,
            data: Vec::new(),
            size: 0,
            relocs: Vec::new(),
        }
    }

    pub fn is_exec(&self) -> bool {
        self.flags & SHF_EXECINSTR != 0
    }
}

pub const SHF_WRITE: u64 = 0x1;
pub const SHF_ALLOC: u64 = 0x2;
pub const SHF_EXECINSTR: u64 = 0x4;
pub const SHF_MERGE: u64 = 0x10;
pub const SHF_STRINGS: u64 = 0x20;
pub const SHF_EXCLUDE: u64 = 0x8000_0000;

/// A relocation: patch the bytes at `byte_off` of its section against `symbol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reloc {
    pub byte_off: u64,
    pub symbol: SymbolId,
    pub kind: RelocType,
}

/// ELF symbol type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    NoType,
    Object,
    Func,
    Section,
    File,
}

/// ELF symbol binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binding {
    Local,
    Global,
    Weak,
}

/// ELF symbol visibility (`st_other`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    Default,
    Internal,
    Hidden,
    Protected,
}

/// Where a symbol is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolPlace {
    Undefined,
    Absolute,
    Common,
    Section(SectionId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Empty for section symbols (their name is the section's).
    pub name: String,
    pub kind: SymbolKind,
    pub binding: Binding,
    pub visibility: Visibility,
    pub place: SymbolPlace,
    /// Byte offset in its section (or the absolute value).
    pub value: u64,
    pub size: u64,
}

/// A relocatable BPF object.
#[derive(Clone, Debug, Default)]
pub struct Object {
    pub endian: Endian,
    pub sections: PrimaryMap<SectionId, Section>,
    pub symbols: PrimaryMap<SymbolId, Symbol>,
}

impl Object {
    pub fn new(endian: Endian) -> Self {
        Object {
            endian,
            ..Object::default()
        }
    }

    pub fn section_by_name(&self, name: &str) -> Option<SectionId> {
        self.sections
            .iter()
            .find(|(_, s)| s.name == name)
            .map(|(id, _)| id)
    }

    pub fn symbol_by_name(&self, name: &str) -> Option<SymbolId> {
        self.symbols
            .iter()
            .find(|(_, s)| s.name == name && s.kind != SymbolKind::Section)
            .map(|(id, _)| id)
    }

    /// The STT_SECTION symbol of a section, if the object has one.
    pub fn section_symbol(&self, section: SectionId) -> Option<SymbolId> {
        self.symbols
            .iter()
            .find(|(_, s)| {
                s.kind == SymbolKind::Section && s.place == SymbolPlace::Section(section)
            })
            .map(|(id, _)| id)
    }

    /// The name a tool shows for a symbol: its own, or its section's for STT_SECTION.
    pub fn symbol_display_name(&self, id: SymbolId) -> &str {
        let s = &self.symbols[id];
        match (s.kind, s.place) {
            (SymbolKind::Section, SymbolPlace::Section(sec)) => &self.sections[sec].name,
            _ => &s.name,
        }
    }
}
