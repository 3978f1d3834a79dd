//! Snapshot tests: every `tests/ir/*.ir` file compiled for cpu v1..v4, printed as asm.

use std::fmt::Write;

use asm::isa::{CpuVersion, SymRole, print_llvm};
use asm::module::{Module, StmtKind};
use codegen::{CodegenOptions, compile_module};

/// A compact text form of the module: sections, labels and instructions (data
/// directives summarized), enough to review instruction selection.
fn dump(m: &Module) -> String {
    let mut out = String::new();
    for c in &m.chunks {
        let _ = writeln!(out, "[{}]", c.section.name());
        for s in &c.stmts {
            match &s.kind {
                StmtKind::Label(l) => {
                    let _ = writeln!(out, "{l}:");
                }
                StmtKind::Insn { insn, sym: Some(s) } if s.role == SymRole::CallTarget => {
                    let _ = writeln!(out, "\tcall {}", s.name);
                }
                StmtKind::Insn { insn, sym: Some(s) } if s.role == SymRole::Imm64 => {
                    let _ = writeln!(out, "\tr{} = {} ll", insn.dst, s.name);
                }
                StmtKind::Insn { insn, sym: Some(s) } => {
                    let _ = writeln!(out, "\t{}", print_llvm(insn, Some(&s.name)));
                }
                StmtKind::Insn { insn, sym: None } => {
                    let _ = writeln!(out, "\t{}", print_llvm(insn, None));
                }
                _ => {}
            }
        }
    }
    out
}

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
        Ok(am) => dump(&am),
        Err(d) => d
            .items
            .iter()
            .map(|d| format!("error[{}]: {}\n", d.code, d.message))
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
