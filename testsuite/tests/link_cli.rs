//! The `ebpfc link` command line, driven as a user would: on every link case of
//! `programs/link/`, built by ebpfc (and by clang-19 when it is installed, whose `-g`
//! objects carry DWARF that the command's reader skips), the command writes the very
//! bytes that the library writes from whole files read into memory (`link_files`), and
//! fails where the library fails; an input that cannot be read is a located error, exit
//! status 1, and no output file (a stale one from an earlier run is removed).
//!
//! Uses the `ebpfc` binary of the same target directory (built when missing or older than
//! this test). The clang-built half prints `SKIP` without clang-19.

use linker::elf_write::write_object;
use linker::link::{LinkOptions, link_files};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use testsuite::link_cases::{self, Compiler};

fn ebpfc_bin() -> Option<PathBuf> {
    testsuite::ebpfc_bin::ebpfc_bin("link_cli")
}

fn run_link(bin: &Path, out: &Path, inputs: &[PathBuf]) -> Output {
    Command::new(bin)
        .arg("link")
        .arg("-o")
        .arg(out)
        .args(inputs)
        .output()
        .unwrap()
}

/// Links every case built by `cc` with the command and with the library; returns how
/// many cases linked.
fn command_matches_library(bin: &Path, cc: Compiler, dir: &Path) -> usize {
    let mut linked = 0;
    for case in link_cases::cases() {
        let objs: Vec<PathBuf> = link_cases::build(&case, dir, |_| cc)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let files: Vec<(String, Vec<u8>)> = objs
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        let want = link_files(&files, &LinkOptions::default());
        let out = dir.join(format!("{}-linked.o", link_cases::case_name(&case)));
        let got = run_link(bin, &out, &objs);
        let name = link_cases::case_name(&case);
        match want {
            Ok(l) => {
                assert!(
                    got.status.success(),
                    "{name}: ebpfc link failed:\n{}",
                    String::from_utf8_lossy(&got.stderr)
                );
                assert_eq!(
                    std::fs::read(&out).unwrap(),
                    write_object(&l.object),
                    "{name}: the command and the library disagree"
                );
                linked += 1;
            }
            Err(_) => {
                assert_eq!(got.status.code(), Some(1), "{name}: the library fails");
                assert!(!out.exists(), "{name}: no output on failure");
            }
        }
    }
    linked
}

#[test]
fn command_writes_what_the_library_writes() {
    let Some(bin) = ebpfc_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    let linked = command_matches_library(&bin, Compiler::Ebpfc, dir.path());
    assert!(linked > 0, "some case links");
    match testsuite::tools::find("clang-19") {
        Some(clang) => {
            let linked = command_matches_library(&bin, Compiler::Clang(&clang), dir.path());
            assert!(linked > 0, "some clang-built case links");
        }
        None => println!("SKIP link_cli (clang-built half): no clang-19"),
    }
}

#[test]
fn unreadable_input_is_an_error_without_output() {
    let Some(bin) = ebpfc_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    let case = link_cases::cases().into_iter().next().expect("a link case");
    let mut objs: Vec<PathBuf> = link_cases::build(&case, dir.path(), |_| Compiler::Ebpfc)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let missing = dir.path().join("missing.o");
    objs.push(missing.clone());
    let out = dir.path().join("out.o");
    std::fs::write(&out, b"stale").unwrap();
    let got = run_link(&bin, &out, &objs);
    let stderr = String::from_utf8_lossy(&got.stderr);
    assert_eq!(got.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E"), "an error code: {stderr}");
    assert!(
        stderr.contains(&missing.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(!out.exists(), "the stale output is removed");
}
