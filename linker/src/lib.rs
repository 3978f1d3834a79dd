//! BPF object model, ELF reading and writing, and the static linker.
//!
//! [`object`] is the in-memory relocatable object every tool shares. ELF I/O follows the
//! System V gABI with EM_BPF (247), ET_REL and REL (not RELA) relocation sections, as
//! `../shared/spec/llvm_reloc.rst` describes LLVM's output.

pub mod btf;
pub mod elf_read;
pub mod elf_sparse;
pub mod elf_write;
pub mod link;
pub mod object;
pub mod reloc;
