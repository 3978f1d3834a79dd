//! `.` (the current location) inside `.size` and `.set` values: it is the location of
//! the directive, as llvm-mc evaluates it (`.size f, .-f` right after `f`'s last
//! instruction is `f`'s byte length). Checked by symbol values and sizes, and
//! byte for byte against `llvm-mc-19 -filetype=obj` when it is installed.

use asm::AsmOptions;
use asm::isa::CpuVersion;
use linker::object::Endian;
use std::process::Command;
use testsuite::tools;

const SRC: &str = "\t.text
\t.globl f
\t.type f,@function
f:
\tr0 = 1
\texit
\t.size f, .-f
\t.globl g
\t.type g,@function
g:
\tr0 = 2
\tr0 = 10 ll
\texit
\t.set g_end, .
\t.size g, .-g
\t.data
\t.globl d
d:
\t.long 1
\t.long 2
\t.size d, .-d
\t.quad 3
";

fn ours() -> linker::object::Object {
    let mut sm = diag::SourceMap::new();
    let opts = AsmOptions {
        endian: Endian::Little,
        cpu: CpuVersion::V4,
    };
    match asm::assemble_text(&mut sm, "dot.s", SRC, None, &opts) {
        Ok(o) => o,
        Err(d) => panic!("{}", diag::render_all(&sm, &d)),
    }
}

#[test]
fn dot_in_size_and_set_is_the_directive_location() {
    let obj = ours();
    let sym = |n: &str| {
        let id = obj
            .symbol_by_name(n)
            .unwrap_or_else(|| panic!("no symbol {n}"));
        (obj.symbols[id].value, obj.symbols[id].size)
    };
    assert_eq!(sym("f"), (0, 16));
    assert_eq!(sym("g"), (16, 32));
    assert_eq!(sym("g_end"), (48, 0));
    assert_eq!(sym("d"), (0, 8));
}

#[test]
fn dot_object_is_byte_identical_to_llvm_mc() {
    let Some(mc) = tools::require("dot_object_is_byte_identical_to_llvm_mc", "llvm-mc-19") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("dot.s");
    let out = dir.path().join("ref.o");
    std::fs::write(&src, SRC).unwrap();
    let st = Command::new(mc)
        .args(["-triple", "bpfel", "-mcpu=v4", "-filetype=obj"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success(), "llvm-mc-19 failed");
    let reference = std::fs::read(&out).unwrap();
    assert_eq!(linker::elf_write::write_object(&ours()), reference);
}
