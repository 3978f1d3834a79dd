//! The IR's text form: `write` prints modules and functions, `parse` reads them back.
//! `parse(print(m))` gives a module that prints identically (tested over every file
//! in `ir/tests/`).

pub mod write;
