//! The BPF instruction set, the assembler and the disassembler.
//!
//! One opcode table (`../shared/spec/instruction-set.rst`) drives encoding, decoding,
//! printing and parsing in both dialects: LLVM pseudo-C and the GNU/ubpf mnemonics.
pub mod assemble;
pub mod disasm;
mod dwarf;
pub mod isa;
pub mod module;
pub mod objdump;
pub mod text;
pub use assemble::{AsmOptions, assemble, assemble_text, assemble_text_then_exit};
pub mod print;
