//! Fuzz target: arbitrary bytes as IR text. Parsing must never panic; text that parses
//! and verifies must print back stably and survive every `-O` pipeline with valid IR
//! (the property is `ir::fuzzing::check_text`, also exercised deterministically by
//! `ir/tests/nopanic.rs`). Run with `cargo fuzz run ir_text` from `fuzz/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(violation) = ir::fuzzing::check_text(&text) {
        panic!("{violation}");
    }
});
