//! The IR's text form: `write` prints modules and functions, `parser` reads them back.
//! `parse(print(m))` gives a module that prints identically (tested over every file
//! in `ir/tests/`).

pub mod lexer;
pub mod parser;
pub mod write;
