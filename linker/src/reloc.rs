//! The `R_BPF_*` relocation types (`../shared/spec/llvm_reloc.rst`, "Different
//! relocation types"). The `object` crate names only some of them, so the full list
//! lives here. BPF objects use REL sections: the addend sits in the relocated field.

/// An ELF `r_type` for EM_BPF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelocType(pub u32);

impl RelocType {
    pub const NONE: RelocType = RelocType(0);
    /// ld_imm64: the 64-bit immediate split over two instructions (S + A).
    pub const R_BPF_64_64: RelocType = RelocType(1);
    /// 64-bit data, S + A (e.g. `.quad sym` outside debug sections).
    pub const R_BPF_64_ABS64: RelocType = RelocType(2);
    /// 32-bit data, S + A.
    pub const R_BPF_64_ABS32: RelocType = RelocType(3);
    /// 32-bit data in `.BTF`/`.BTF.ext`, not resolved by dynamic loaders.
    pub const R_BPF_64_NODYLD32: RelocType = RelocType(4);
    /// call imm: (S + A) / 8 - 1, PC-relative in instructions.
    pub const R_BPF_64_32: RelocType = RelocType(10);

    /// The relocation's name as llvm-objdump prints it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            RelocType::NONE => "R_BPF_NONE",
            RelocType::R_BPF_64_64 => "R_BPF_64_64",
            RelocType::R_BPF_64_ABS64 => "R_BPF_64_ABS64",
            RelocType::R_BPF_64_ABS32 => "R_BPF_64_ABS32",
            RelocType::R_BPF_64_NODYLD32 => "R_BPF_64_NODYLD32",
            RelocType::R_BPF_64_32 => "R_BPF_64_32",
            _ => return None,
        })
    }

    /// Bytes of section data the relocation touches at `r_offset` (ld_imm64 reads the
    /// imm field at +4 and +12; a call the imm field at +4).
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }
}
