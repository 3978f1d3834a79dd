//! ebpfc as a library: the same pipeline the CLI runs, for tools that embed the compiler,
//! assembler, linker or disassembler.

pub mod clang_args;
pub mod output;
