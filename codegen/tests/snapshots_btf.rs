//! BTF snapshots: `tests/btf/*.ir` compiled with `-g`; the `.BTF` bytes the module
//! carries are parsed back with the linker's BTF reader and dumped like bpftool, and
//! `.BTF.ext` is shown as its directives (labels stand for instruction offsets).

use std::fmt::Write;

use asm::module::{Expr, Module, StmtKind};
use codegen::{CodegenOptions, compile_module};
use linker::btf::Btf;

fn section_bytes(m: &Module, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in m.chunks.iter().filter(|c| c.section.name() == name) {
        for s in &c.stmts {
            match &s.kind {
                StmtKind::Data { values, width } => {
                    for v in values {
                        match v {
                            Expr::Num(n) => out.push(*n as u8),
                            // `.long var` (a DATASEC offset): the REL addend in place is 0.
                            _ => out.extend(std::iter::repeat_n(0u8, width.bytes() as usize)),
                        }
                    }
                }
                StmtKind::Bytes(bytes) => out.extend_from_slice(bytes),
                _ => {}
            }
        }
    }
    out
}

fn ext_text(m: &Module) -> String {
    let mut out = String::new();
    for c in m.chunks.iter().filter(|c| c.section.name() == ".BTF.ext") {
        for s in &c.stmts {
            match &s.kind {
                StmtKind::Data { width, values } => {
                    let vals: Vec<String> = values
                        .iter()
                        .map(|v| match v {
                            Expr::Num(n) => n.to_string(),
                            Expr::Sym(s) => s.clone(),
                            other => format!("{other:?}"),
                        })
                        .collect();
                    let _ = writeln!(out, "{} {}", width.directive(), vals.join(", "));
                }
                StmtKind::Bytes(bytes) => {
                    let vals: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
                    let _ = writeln!(out, ".byte {}", vals.join(", "));
                }
                other => {
                    let _ = writeln!(out, "{other:?}");
                }
            }
        }
    }
    out
}

#[test]
fn btf_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/btf");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for p in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ir"))
    {
        let text = std::fs::read_to_string(p).unwrap();
        let m = ir::text::parser::parse_module(&text, diag::FileId(0)).unwrap();
        let opts = CodegenOptions {
            debug_info: true,
            ..CodegenOptions::default()
        };
        let am = compile_module(&m, &opts).unwrap();
        let bytes = section_bytes(&am, ".BTF");
        let btf = Btf::parse(&bytes, ".BTF").unwrap();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        let dump = format!(
            "{}\n--- .BTF.ext\n{}",
            linker::btf::dump::dump(&btf),
            ext_text(&am)
        );
        insta::assert_snapshot!(stem, dump);
    }
}
