//! Linking objects that ebpfc compiled: every `programs/link/<case>` is built once with
//! ebpfc only and once mixed (the first file by ebpfc, the others by clang-19). Each
//! set is linked by ebpfc and by `bpftool gen object`; in the kernel both links must
//! behave like the all-clang program linked by bpftool (returns, packets, maps), and our
//! link of ebpfc's objects must be deterministic.
//! Skips (printing why) without clang-19, bpftool or BPF permission.

use linker::elf_write::write_object;
use linker::link::{LinkOptions, link_files};
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::link_cases::{Compiler, build, case_name, cases, inputs};
use testsuite::{kload, tools};

fn ebpfc_link(objs: &[(String, PathBuf)], out: &Path) -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|(n, p)| (n.clone(), std::fs::read(p).unwrap()))
        .collect();
    let linked = link_files(&files, &LinkOptions::default())
        .unwrap_or_else(|d| panic!("{}", diag::render_all(&diag::SourceMap::new(), &d)));
    let bytes = write_object(&linked.object);
    std::fs::write(out, &bytes).unwrap();
    bytes
}

fn bpftool_link(bpftool: &Path, objs: &[(String, PathBuf)], out: &Path) {
    let st = Command::new(bpftool)
        .args(["gen", "object"])
        .arg(out)
        .args(objs.iter().map(|(_, p)| p))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "bpftool gen object {}: {}",
        out.display(),
        String::from_utf8_lossy(&st.stderr)
    );
}

/// Map-of-maps values are inner map ids, new on every load: compare their keys only.
fn comparable(mut r: kload::Report) -> kload::Report {
    for (name, entries) in &mut r.maps {
        if name.starts_with("outer") {
            entries.iter_mut().for_each(|(_, v)| v.clear());
        }
    }
    r
}

#[test]
fn ebpfc_objects_link_and_run_like_clang_objects() {
    const T: &str = "ebpfc_objects_link_and_run_like_clang_objects";
    let (Some(clang), Some(bpftool)) =
        (tools::require(T, "clang-19"), tools::require(T, "bpftool"))
    else {
        return;
    };
    if !tools::require_bpf(T) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for case in &cases() {
        let name = case_name(case);
        let packets = inputs(case);
        assert!(!packets.is_empty(), "{name}: no // @input: line");
        let clang_objs = build(case, d, |_| Compiler::Clang(&clang));
        let reference = d.join(format!("{name}-reference.o"));
        bpftool_link(&bpftool, &clang_objs, &reference);
        let want = comparable(
            kload::load_and_run(&reference, &packets)
                .unwrap_or_else(|e| panic!("{name}: clang+bpftool does not load: {e}")),
        );
        let ours_only = build(case, d, |_| Compiler::Ebpfc);
        let mixed = build(case, d, |i| {
            if i == 0 {
                Compiler::Ebpfc
            } else {
                Compiler::Clang(&clang)
            }
        });
        for (kind, objs) in [("ebpfc-objs", &ours_only), ("mixed-objs", &mixed)] {
            let ours = d.join(format!("{name}-{kind}-ebpfc-link.o"));
            let bytes = ebpfc_link(objs, &ours);
            assert_eq!(
                bytes,
                ebpfc_link(objs, &d.join(format!("{name}-{kind}-again.o"))),
                "{name} {kind}: linking is not deterministic"
            );
            let theirs = d.join(format!("{name}-{kind}-bpftool-link.o"));
            bpftool_link(&bpftool, objs, &theirs);
            for (linker, obj) in [("ebpfc link", &ours), ("bpftool gen object", &theirs)] {
                let got = kload::load_and_run(obj, &packets)
                    .unwrap_or_else(|e| panic!("{name} {kind} by {linker}: does not load: {e}"));
                assert_eq!(
                    comparable(got),
                    want,
                    "{name} {kind} by {linker}: kernel results differ from clang's objects"
                );
            }
            println!("EQUAL {name} [{kind}]");
        }
    }
}

/// The cases GCC's BPF backend (Debian's gcc-bpf 12) compiles and libbpf can load
/// without CO-RE; `bpftool gen object` itself refuses these gcc objects (it finds no
/// symbol for gcc's `.bss` variables), ebpfc links them.
const GCC_CASES: &[&str] = &["extern_basic", "statics"];

/// The report without the maps libbpf makes of global-data sections.
fn without_global_data(mut r: kload::Report) -> kload::Report {
    r.maps.retain(|(name, _)| {
        !(name.ends_with("bss") || name.ends_with("data") || name.contains("rodata"))
    });
    r
}

#[test]
fn gcc_objects_link_and_run_like_clang_objects() {
    const T: &str = "gcc_objects_link_and_run_like_clang_objects";
    let (Some(clang), Some(gcc), Some(bpftool)) = (
        tools::require(T, "clang-19"),
        tools::require(T, "bpf-gcc"),
        tools::require(T, "bpftool"),
    ) else {
        return;
    };
    if !tools::require_bpf(T) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = cases();
    for want_name in GCC_CASES {
        let case = all
            .iter()
            .find(|c| c.ends_with(want_name))
            .unwrap_or_else(|| panic!("no link case {want_name}"));
        let packets = inputs(case);
        let clang_objs = build(case, d, |_| Compiler::Clang(&clang));
        let reference = d.join(format!("{want_name}-reference.o"));
        bpftool_link(&bpftool, &clang_objs, &reference);
        let want = comparable(kload::load_and_run(&reference, &packets).unwrap());
        let gcc_objs = build(case, d, |_| Compiler::Gcc(&gcc));
        let ours = d.join(format!("{want_name}-gcc-ebpfc-link.o"));
        ebpfc_link(&gcc_objs, &ours);
        let got = kload::load_and_run(&ours, &packets)
            .unwrap_or_else(|e| panic!("{want_name}: gcc objects linked by ebpfc: {e}"));
        // GCC lays out `.data`/`.rodata` its own way (order, no mergeable sections):
        // compare the programs' results and the BTF-defined maps.
        let (got, want) = (without_global_data(got), without_global_data(want));
        assert_eq!(
            got, want,
            "{want_name}: gcc objects linked by ebpfc behave unlike clang's"
        );
        println!("EQUAL {want_name} [gcc-objs]");
    }
}
