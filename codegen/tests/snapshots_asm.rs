//! Snapshot tests: every `tests/ir/*.ir` file compiled for cpu v1..v4 and printed by
//! the asm crate's printer: exactly what `ebpfc compile -S` writes.

use asm::isa::CpuVersion;
use codegen::{CodegenOptions, compile_module};

fn compile(text: &str, cpu: CpuVersion) -> String {
    let m = match ir::text::parser::parse_module(text, diag::FileId(0)) {
        Ok(m) => m,
        Err(e) => panic!("parse error: {:?}", e.items),
    };
    let opts = CodegenOptions {
        cpu,
        ..CodegenOptions::default()
    };
    match compile_module(&m, &opts) {
        Ok(am) => asm::print::print_module(&am),
        Err(d) => d
            .items
            .iter()
            .map(|d| {
                let notes: String = d.notes.iter().map(|n| format!("  note: {n}\n")).collect();
                format!("error[{}]: {}\n{notes}", d.code, d.message)
            })
            .collect(),
    }
}

#[test]
fn ir_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ir");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for p in files {
        if p.extension().and_then(|e| e.to_str()) != Some("ir") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        for cpu in [
            CpuVersion::V1,
            CpuVersion::V2,
            CpuVersion::V3,
            CpuVersion::V4,
        ] {
            let out = compile(&text, cpu);
            insta::assert_snapshot!(format!("{stem}_{}", cpu.name()), out);
        }
    }
}
