//! The `ebpfc asm` command line: stdin input, `-mcpu=`/`--mcpu`, `--target bpfeb`,
//! `--dialect`, exit code 1 and no output file on errors (an older output is removed).
//! Uses the `ebpfc` binary of the same build (`testsuite::ebpfc_bin`, built when missing).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn ebpfc() -> Option<PathBuf> {
    testsuite::ebpfc_bin::ebpfc_bin("asm_cli")
}

const PROG: &str =
    "\t.text\n\t.globl\tf\nf:\n\tr0 = 1\n\tif r0 > 2 goto .L1\n\tr0 += 3\n.L1:\n\texit\n";

#[test]
fn assembles_from_stdin_and_file_alike() {
    let Some(bin) = ebpfc() else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("p.s");
    std::fs::write(&src, PROG).unwrap();
    let a = dir.path().join("a.o");
    let st = Command::new(&bin)
        .args(["asm"])
        .arg(&src)
        .arg("-o")
        .arg(&a)
        .status()
        .unwrap();
    assert!(st.success());
    let b = dir.path().join("b.o");
    let mut child = Command::new(&bin)
        .args(["asm", "-", "-mcpu=v4", "-o"])
        .arg(&b)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PROG.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let obj = linker::elf_read::read_object(&std::fs::read(&a).unwrap(), "a.o").unwrap();
    assert_eq!(obj.endian, linker::object::Endian::Little);
    let c = dir.path().join("c.o");
    let st = Command::new(&bin)
        .args([
            "asm",
            "--target",
            "bpfeb",
            "--mcpu",
            "v2",
            "--dialect",
            "llvm",
        ])
        .arg(&src)
        .arg("-o")
        .arg(&c)
        .status()
        .unwrap();
    assert!(st.success());
    let obj = linker::elf_read::read_object(&std::fs::read(&c).unwrap(), "c.o").unwrap();
    assert_eq!(obj.endian, linker::object::Endian::Big);
}

#[test]
fn errors_exit_1_and_leave_no_output() {
    let Some(bin) = ebpfc() else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bad.s");
    std::fs::write(&src, "\tr0 = 1\n\tgoto .Lnowhere\n\texit\n").unwrap();
    let out = dir.path().join("bad.o");
    std::fs::write(&out, b"stale").unwrap();
    let res = Command::new(&bin)
        .arg("asm")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("error[E0602]"), "{err}");
    assert!(err.contains("bad.s:2:7"), "{err}");
    assert!(!out.exists(), "a failed run must not leave an output file");
    // v3 lacks sdiv: the error names the version that has it.
    std::fs::write(&src, "\tr1 s/= r2\n\texit\n").unwrap();
    let res = Command::new(&bin)
        .args(["asm", "-mcpu=v3"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("-mcpu=v4"));
    let res = Command::new(&bin)
        .args(["asm", "--target", "x86_64"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
}
