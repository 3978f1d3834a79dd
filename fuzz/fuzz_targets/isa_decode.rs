//! Fuzz target: arbitrary bytes through the instruction decoder (both byte orders), the
//! printers, the disassembler and `objdump`; the first bytes also go through the text
//! parser. Nothing may panic; a decoded instruction must re-encode to the same bytes
//! and its printed text must parse back.
//! Run with `cargo fuzz run isa_decode` from `fuzz/`.
#![no_main]

use asm::isa::{self, CpuVersion, Dialect};
use libfuzzer_sys::fuzz_target;
use linker::object::Endian;

fuzz_target!(|data: &[u8]| {
    for endian in [Endian::Little, Endian::Big] {
        if let Ok((insn, used)) = isa::decode(data, endian) {
            let mut again = Vec::new();
            isa::encode(&insn, endian, &mut again);
            assert_eq!(&again[..], &data[..used]);
            let _ = isa::print_llvm_cpu(&insn, Some("sym+0x8"), CpuVersion::V1);
            let gnu = isa::print_gnu(&insn);
            let back = isa::parse_insn(&gnu, Some(Dialect::Gnu)).expect("printed GNU text parses");
            assert_eq!(back.insn.code, insn.code);
            let llvm = isa::print_llvm(&insn, None);
            assert!(
                isa::parse_insn(&llvm, Some(Dialect::Llvm)).is_ok(),
                "{llvm}"
            );
        }
        let _ = asm::disasm::disassemble(data, 0, endian);
    }
    let text = String::from_utf8_lossy(&data[..data.len().min(64)]);
    if let Err(e) = isa::parse_insn(&text, None) {
        assert!(e.span.end <= text.len());
    }
    let opts = asm::objdump::Options {
        disassemble: true,
        relocs: true,
        contents: true,
        ..Default::default()
    };
    let _ = asm::objdump::dump(data, "fuzz.o", &opts);
});
