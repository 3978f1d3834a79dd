//! The BTF types ebpfc emits for the per-feature programs (btf.rst, "Type encoding"):
//! each `// @btf: LINE` of a `testsuite/programs/c/*.bpf.c` file is a type header line
//! as `bpftool btf dump file` prints it (kind, name, encoding, size, vlen: what clang-19
//! emits for that program), and it must appear in the dump of our `-O2 -g` object.
//! The dump is `linker::btf::dump`, which prints bpftool's raw format, so this runs
//! without external tools; when clang-19 is installed, the same lines must also be in
//! the dump of its object (keeping the expectations honest).

use ebpfc::{CompileOptions, Emit, Output};
use linker::btf::Btf;
use linker::elf_read::read_object;
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::tools;

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/c");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
        .collect();
    files.sort();
    files
}

/// The `// @btf:` lines of a program.
fn expected(src: &str) -> Vec<&str> {
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("// @btf:"))
        .map(str::trim)
        .collect()
}

/// bpftool's raw dump of an object's `.BTF`.
fn dump(obj: &[u8], name: &str) -> String {
    let o = read_object(obj, name).unwrap();
    let sec = &o.sections[o.section_by_name(".BTF").expect(".BTF section")];
    let btf = Btf::parse(&sec.data, name).unwrap();
    linker::btf::dump::dump(&btf)
}

fn ebpfc_object(src: &Path) -> Vec<u8> {
    let mut sources = diag::SourceMap::new();
    let opts = CompileOptions {
        debug_info: true,
        ..CompileOptions::default()
    };
    match ebpfc::compile(&mut sources, src, Emit::Object, &opts) {
        Ok(c) => match c.output {
            Output::Object(bytes) => bytes,
            other => panic!("{}: expected an object, got {other:?}", src.display()),
        },
        Err(d) => panic!("{}", diag::render_all(&sources, &d.items)),
    }
}

fn has_line(dump: &str, want: &str) -> bool {
    dump.lines()
        .any(|l| l.split_once("] ").is_some_and(|(_, rest)| rest == want))
}

#[test]
fn feature_programs_emit_clangs_btf_types() {
    let clang = tools::find("clang-19");
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for path in programs() {
        let src = std::fs::read_to_string(&path).unwrap();
        let want = expected(&src);
        if want.is_empty() {
            continue;
        }
        let ours = dump(&ebpfc_object(&path), "ours.o");
        for w in &want {
            assert!(
                has_line(&ours, w),
                "{}: no `{w}` in\n{ours}",
                path.display()
            );
            checked += 1;
        }
        let Some(clang) = &clang else { continue };
        let obj = tmp.path().join("clang.o");
        let st = Command::new(clang)
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(&path)
            .arg("-o")
            .arg(&obj)
            .status()
            .unwrap();
        assert!(st.success(), "clang-19 failed on {}", path.display());
        let theirs = dump(&std::fs::read(&obj).unwrap(), "clang.o");
        for w in &want {
            assert!(
                has_line(&theirs, w),
                "{}: clang has no `{w}`",
                path.display()
            );
        }
    }
    assert!(checked > 0, "no `// @btf:` lines in testsuite/programs/c");
}
