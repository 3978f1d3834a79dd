//! ebpfc as a library: the same pipeline the CLI runs, for tools that embed the compiler,
//! assembler, linker or disassembler.

pub mod allocator;
pub mod clang_args;
pub mod compile;
pub mod debug_paths;
pub mod deps;
pub mod output;

pub use clang_args::Emit;
pub use compile::{CompileOptions, Compiled, Output, compile, compile_source};
