//! Fuzz target: arbitrary bytes as a C file through the whole `ebpfc compile -O2 -g`
//! pipeline (preprocessor, parser, sema, lowering, optimizer, codegen, assembler, ELF
//! writer) via `ebpfc::compile_source`, at `-mcpu=v1` to `v4`. Nothing may panic; every
//! error renders rustc-style with a location; an object that comes out reads back with
//! our own ELF reader. Run with `cargo +nightly fuzz run c_compile` from `fuzz/`.
#![no_main]

use diag::SourceMap;
use ebpfc::{CompileOptions, Emit, Output, compile_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Every cpu version, chosen by the input's length (its bytes stay all C text).
    let opts = CompileOptions {
        debug_info: true,
        cpu: 1 + (data.len() % 4) as u8,
        ..CompileOptions::default()
    };
    let mut sources = SourceMap::new();
    match compile_source(&mut sources, "fuzz.c", &text, Emit::Object, &opts) {
        Ok(compiled) => {
            let _ = diag::render_all(&sources, &compiled.warnings.items);
            if let Output::Object(bytes) = &compiled.output {
                if let Err(d) = linker::elf_read::read_object(bytes, "fuzz.o") {
                    panic!("our own object does not read back: {}", d.message);
                }
            }
        }
        Err(diags) => {
            assert!(diags.has_errors(), "Err without an error diagnostic");
            let rendered = diag::render_all(&sources, &diags.items);
            assert!(!rendered.is_empty());
        }
    }
});
