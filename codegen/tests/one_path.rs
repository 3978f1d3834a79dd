//! `-S` and `-c` are one path: printing the asm module codegen makes and parsing the
//! text back gives an equal module, and assembling either gives identical ELF bytes.
//! Checked for every IR test input, every cpu version, both endians, with and without
//! `-g`.

use asm::isa::CpuVersion;
use codegen::{CodegenOptions, compile_module};
use linker::object::Endian;

#[test]
fn printed_asm_assembles_to_the_same_object() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    for sub in ["ir", "btf", "kernel"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "ir") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut checked = 0;
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let m = ir::text::parser::parse_module(&text, diag::FileId(0)).unwrap();
        for cpu in [
            CpuVersion::V1,
            CpuVersion::V2,
            CpuVersion::V3,
            CpuVersion::V4,
        ] {
            for (debug_info, big_endian) in [(false, false), (true, false), (true, true)] {
                let opts = CodegenOptions {
                    cpu,
                    debug_info,
                    big_endian,
                };
                let Ok(am) = compile_module(&m, &opts) else {
                    continue;
                };
                let asm_opts = asm::AsmOptions {
                    cpu: CpuVersion::V4,
                    endian: if big_endian {
                        Endian::Big
                    } else {
                        Endian::Little
                    },
                };
                let direct = asm::assemble(&am, diag::FileId(0), &asm_opts).expect("assembles");
                let printed = asm::print::print_module(&am);
                // Deterministic: a second compile prints the same text.
                let again = compile_module(&m, &opts).map(|a| asm::print::print_module(&a));
                assert_eq!(
                    again.ok().as_deref(),
                    Some(printed.as_str()),
                    "{}: output not deterministic",
                    p.display()
                );
                let (parsed, diags) = asm::text::parse(&printed, diag::FileId(0), None);
                assert!(
                    diags.is_empty(),
                    "{}: printed asm does not parse: {diags:?}\n{printed}",
                    p.display()
                );
                assert!(
                    parsed.eq_ignoring_spans(&am),
                    "{}: print/parse round trip differs",
                    p.display()
                );
                let via_text =
                    asm::assemble(&parsed, diag::FileId(0), &asm_opts).expect("assembles");
                assert_eq!(
                    linker::elf_write::write_object(&direct),
                    linker::elf_write::write_object(&via_text),
                    "{}: -S then asm differs from -c",
                    p.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20);
}
