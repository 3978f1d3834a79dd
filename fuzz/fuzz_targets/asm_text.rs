//! Fuzz target: arbitrary bytes as assembly text through the `.s` parser (both forced
//! dialects and detection), the assembler (both byte orders, v1 and v4), the ELF writer
//! and the printer. Nothing may panic; every diagnostic span lies inside the text; a
//! parsed module prints to text that parses back to an equal module. Modules with parse
//! errors are assembled too (the assembler must not panic on a partial module). An
//! object from error-free text whose symbols all lie inside their sections writes an
//! ELF file our reader accepts (`.size sym, N` past the end of a section is accepted
//! by llvm-mc and by us, but the linker's reader refuses such symbols, E0705).
//! Run with `cargo +nightly fuzz run asm_text` from `fuzz/`.
#![no_main]

use asm::AsmOptions;
use asm::isa::{CpuVersion, Dialect};
use libfuzzer_sys::fuzz_target;
use linker::object::{Endian, Object, SymbolKind, SymbolPlace};

/// Whether every symbol defined in a section lies inside it (the reader's rule).
fn symbols_inside(obj: &Object) -> bool {
    obj.symbols.values().all(|s| match s.place {
        SymbolPlace::Section(id) if s.kind != SymbolKind::Section => {
            let size = obj.sections[id].size;
            s.value.checked_add(s.size).is_some_and(|end| end <= size)
        }
        _ => true,
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for dialect in [None, Some(Dialect::Llvm), Some(Dialect::Gnu)] {
        let (module, diags) = asm::text::parse(&text, diag::FileId(0), dialect);
        for d in &diags {
            for l in &d.labels {
                assert!(l.span.end as usize <= text.len());
            }
        }
        if diags.is_empty() && dialect.is_none() {
            let printed = asm::print::print_module(&module);
            let (again, d2) = asm::text::parse(&printed, diag::FileId(0), None);
            assert!(d2.is_empty(), "printed text does not parse:\n{printed}");
            assert!(
                module.eq_ignoring_spans(&again),
                "printed text reads back differently:\n{printed}"
            );
        }
        for (endian, cpu) in [
            (Endian::Little, CpuVersion::V4),
            (Endian::Big, CpuVersion::V1),
        ] {
            let opts = AsmOptions { endian, cpu };
            if let Ok(obj) = asm::assemble(&module, diag::FileId(0), &opts) {
                let bytes = linker::elf_write::write_object(&obj);
                let back = linker::elf_read::read_object(&bytes, "fuzz.o");
                if diags.is_empty() && symbols_inside(&obj) {
                    if let Err(d) = back {
                        panic!("our own ELF output does not read back: {}", d.message);
                    }
                }
            }
        }
    }
});
