//! The C frontend: preprocessor, logos lexer, lalrpop parser, typed AST, semantic
//! checks and lowering to ebpfc IR.

pub mod ast;
pub mod lexer;
pub mod preprocess;
pub mod token;
pub mod types;
pub mod sema;
pub mod lower;
