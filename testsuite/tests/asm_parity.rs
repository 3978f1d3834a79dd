//! Differential tests of the assembler against llvm-mc-19: every C program under
//! `testsuite/programs/asm/` is compiled with `clang-19 -O2 -g -target bpf -S` (flags
//! from a `// cflags:` first line), plus the hand-written `all_opcodes.s`; each `.s` is
//! assembled by ebpfc and by `llvm-mc-19 -filetype=obj` for bpfel and bpfeb, and the
//! objects must be byte-identical. Also checks that printing the parsed module and
//! parsing it again gives the same module and the same object. Skips (printing why)
//! without clang-19 or llvm-mc-19.

use asm::AsmOptions;
use asm::isa::CpuVersion;
use linker::object::Endian;
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::tools;

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/asm")
}

/// The `.s` inputs: clang output for each C program, then the hand-written files.
fn sources(clang: &Path, tmp: &Path) -> Vec<(String, String)> {
    let mut cs: Vec<PathBuf> = std::fs::read_dir(programs_dir())
        .expect("programs/asm")
        .flatten()
        .map(|e| e.path())
        .collect();
    cs.sort();
    let mut out = Vec::new();
    for c in &cs {
        let name = c.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".s") {
            out.push((name, std::fs::read_to_string(c).unwrap()));
            continue;
        }
        if !name.ends_with(".c") {
            continue;
        }
        let text = std::fs::read_to_string(c).unwrap();
        let cflags: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// cflags: "))
            .map(|f| {
                f.split_whitespace()
                    .take_while(|w| w.starts_with('-'))
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_else(|| vec!["-mcpu=v4".to_string()]);
        let s = tmp.join(name.replace(".c", ".s"));
        let st = Command::new(clang)
            .args(["-O2", "-g", "-target", "bpf", "-S"])
            .args(&cflags)
            .args(tools::multiarch_includes())
            .arg(c)
            .arg("-o")
            .arg(&s)
            .status()
            .unwrap();
        assert!(st.success(), "clang-19 failed on {name}");
        out.push((
            name.replace(".c", ".s"),
            std::fs::read_to_string(&s).unwrap(),
        ));
    }
    out
}

fn ours(name: &str, text: &str, endian: Endian) -> Vec<u8> {
    let mut sm = diag::SourceMap::new();
    let opts = AsmOptions {
        endian,
        cpu: CpuVersion::V4,
    };
    match asm::assemble_text(&mut sm, name, text, None, &opts) {
        Ok(o) => linker::elf_write::write_object(&o),
        Err(d) => panic!("{name}: {}", diag::render_all(&sm, &d)),
    }
}

fn llvm_mc(mc: &Path, src: &Path, triple: &str, out: &Path) -> Vec<u8> {
    let st = Command::new(mc)
        .args(["-triple", triple, "-mcpu=v4", "-filetype=obj"])
        .arg(src)
        .arg("-o")
        .arg(out)
        .status()
        .unwrap();
    assert!(st.success(), "llvm-mc-19 failed on {}", src.display());
    std::fs::read(out).unwrap()
}

#[test]
fn objects_are_byte_identical_to_llvm_mc() {
    let (Some(clang), Some(mc)) = (
        tools::require("objects_are_byte_identical_to_llvm_mc", "clang-19"),
        tools::require("objects_are_byte_identical_to_llvm_mc", "llvm-mc-19"),
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let srcs = sources(&clang, tmp.path());
    assert!(
        srcs.len() >= 11,
        "expected the 10 C programs and all_opcodes.s"
    );
    let mut identical = 0;
    let mut failures = Vec::new();
    for (name, text) in &srcs {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        for (triple, endian) in [("bpfel", Endian::Little), ("bpfeb", Endian::Big)] {
            let reference = llvm_mc(&mc, &path, triple, &tmp.path().join("ref.o"));
            let mine = ours(name, text, endian);
            if reference == mine {
                identical += 1;
            } else {
                let at = reference
                    .iter()
                    .zip(&mine)
                    .position(|(a, b)| a != b)
                    .unwrap_or(reference.len().min(mine.len()));
                failures.push(format!(
                    "{name} ({triple}): first difference at byte {at:#x}"
                ));
            }
        }
    }
    println!("asm parity: {identical} byte-identical objects");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn printing_and_reparsing_gives_the_same_module_and_object() {
    let Some(clang) = tools::require(
        "printing_and_reparsing_gives_the_same_module_and_object",
        "clang-19",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in sources(&clang, tmp.path()) {
        let (m, d) = asm::text::parse(&text, diag::FileId(0), None);
        assert!(d.is_empty(), "{name}: {d:?}");
        let printed = asm::print::print_module(&m);
        let (m2, d2) = asm::text::parse(&printed, diag::FileId(0), None);
        assert!(d2.is_empty(), "{name}: reparse: {d2:?}");
        assert!(
            m.eq_ignoring_spans(&m2),
            "{name}: the printed module reads back differently"
        );
        assert_eq!(
            asm::print::print_module(&m2),
            printed,
            "{name}: printing is not stable"
        );
        assert_eq!(
            ours(&name, &printed, Endian::Little),
            ours(&name, &text, Endian::Little),
            "{name}: printed text assembles differently"
        );
    }
}
