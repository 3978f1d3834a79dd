//! The C frontend: preprocessor, logos lexer, lalrpop parser, typed AST, semantic
//! checks and lowering to ebpfc IR.

pub mod ast;
pub mod diag_pragmas;
pub mod driver;
pub mod lexer;
pub mod lower;
pub mod parse;
pub mod preprocess;
pub mod sema;
pub mod token;
pub mod types;
pub use driver::{FrontendOptions, compile_c};
