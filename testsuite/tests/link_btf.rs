//! BTF reader parity: clang-19's `.BTF` (both byte orders) parsed by `linker::btf` must
//! dump exactly like `bpftool btf dump file X format raw`, re-encode to the same bytes,
//! and its `.BTF.ext` must parse and round-trip. Skips without clang-19 or bpftool.

use linker::btf::{Btf, ext::BtfExt};
use linker::elf_read::read_object;
use std::path::Path;
use std::process::Command;
use testsuite::tools;

fn programs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/link")
}

#[test]
fn btf_dump_matches_bpftool_for_every_kind() {
    let (Some(clang), Some(bpftool)) = (
        tools::require("btf_dump_matches_bpftool_for_every_kind", "clang-19"),
        tools::require("btf_dump_matches_bpftool_for_every_kind", "bpftool"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for target in ["bpfel", "bpfeb"] {
        let obj = dir.path().join(format!("kinds-{target}.o"));
        let st = Command::new(&clang)
            .args(["-O2", "-g", "-target", target, "-c"])
            .arg(programs().join("btf_kinds.c"))
            .arg("-o")
            .arg(&obj)
            .status()
            .unwrap();
        assert!(st.success());
        let bytes = std::fs::read(&obj).unwrap();
        let o = read_object(&bytes, "kinds.o").unwrap();
        let sec = &o.sections[o.section_by_name(".BTF").unwrap()];
        let btf = Btf::parse(&sec.data, "kinds.o: .BTF").unwrap();
        assert_eq!(
            btf.encode(o.endian),
            sec.data,
            "{target}: .BTF re-encodes to other bytes"
        );
        let ours = linker::btf::dump::dump(&btf);
        if target == "bpfel" {
            let want = Command::new(&bpftool)
                .args(["btf", "dump", "file"])
                .arg(&obj)
                .args(["format", "raw"])
                .output()
                .unwrap();
            assert_eq!(
                ours,
                String::from_utf8_lossy(&want.stdout),
                "dump differs from bpftool"
            );
        }
        for kind in [
            "INT",
            "PTR",
            "ARRAY",
            "STRUCT",
            "UNION",
            "ENUM '",
            "FWD",
            "TYPEDEF",
            "VOLATILE",
            "CONST",
            "RESTRICT",
            "FUNC '",
            "FUNC_PROTO",
            "VAR",
            "DATASEC",
            "FLOAT",
            "DECL_TAG",
            "TYPE_TAG",
            "ENUM64",
        ] {
            assert!(
                ours.contains(&format!("] {kind}")),
                "{target}: no {kind} in\n{ours}"
            );
        }
        let ext_sec = &o.sections[o.section_by_name(".BTF.ext").unwrap()];
        let ext = BtfExt::parse(&ext_sec.data, &btf, "kinds.o: .BTF.ext").unwrap();
        assert!(!ext.func_info.is_empty() && !ext.line_info.is_empty());
        let mut b2 = btf.clone();
        let again = BtfExt::parse(&ext.encode(&mut b2, o.endian), &b2, "re-encoded").unwrap();
        assert_eq!(again, ext);
        assert_eq!(
            b2.strings(),
            btf.strings(),
            "section names were already in the table"
        );
    }
}

/// Forward declarations across three inputs: `struct foo`/`struct bar` declared in one
/// file and defined (twice differently, for `bar`) in others, `struct dup2` only ever
/// forward-declared next to a definition. The linked BTF must dump exactly like
/// `bpftool gen object`'s (libbpf resolves a FWD only where a struct comparison needs it).
#[test]
fn fwd_resolution_matches_bpftool() {
    const T: &str = "fwd_resolution_matches_bpftool";
    let (Some(clang), Some(bpftool)) =
        (tools::require(T, "clang-19"), tools::require(T, "bpftool"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut objs = Vec::new();
    for n in ["a", "b", "c"] {
        let obj = dir.path().join(format!("fwd_{n}.o"));
        let st = Command::new(&clang)
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(programs().join(format!("fwd_{n}.c")))
            .arg("-o")
            .arg(&obj)
            .status()
            .unwrap();
        assert!(st.success());
        objs.push(obj);
    }
    let reference = dir.path().join("ref.o");
    assert!(
        Command::new(&bpftool)
            .args(["gen", "object"])
            .arg(&reference)
            .args(&objs)
            .status()
            .unwrap()
            .success()
    );
    let files: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let linked = linker::link::link_files(&files, &linker::link::LinkOptions::default()).unwrap();
    let sec = &linked.object.sections[linked.object.section_by_name(".BTF").unwrap()];
    let ours = linker::btf::dump::dump(&Btf::parse(&sec.data, "linked").unwrap());
    let want = Command::new(&bpftool)
        .args(["btf", "dump", "file"])
        .arg(&reference)
        .args(["format", "raw"])
        .output()
        .unwrap();
    assert_eq!(ours, String::from_utf8_lossy(&want.stdout));
    assert!(
        ours.contains("FWD 'dup2'") && !ours.contains("FWD 'foo'") && !ours.contains("FWD 'bar'"),
        "{ours}"
    );
}

/// Three objects built against `vmlinux.h` (generated here from the running kernel's
/// BTF): large, cyclic kernel type graphs with CO-RE relocations, one file only
/// forward-declaring the structs. The linked BTF must dump exactly like bpftool's.
#[test]
fn vmlinux_types_dedup_like_bpftool() {
    const T: &str = "vmlinux_types_dedup_like_bpftool";
    let (Some(clang), Some(bpftool)) =
        (tools::require(T, "clang-19"), tools::require(T, "bpftool"))
    else {
        return;
    };
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        println!("SKIP {T}: the kernel has no /sys/kernel/btf/vmlinux");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let header = Command::new(&bpftool)
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output()
        .unwrap();
    assert!(header.status.success());
    std::fs::write(dir.path().join("vmlinux.h"), &header.stdout).unwrap();
    let mut objs = Vec::new();
    for n in 1..=3 {
        let obj = dir.path().join(format!("vmlinux_{n}.o"));
        let out = Command::new(&clang)
            .args([
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-D__TARGET_ARCH_x86",
                "-I/usr/include/x86_64-linux-gnu",
                "-I",
            ])
            .arg(dir.path())
            .arg("-c")
            .arg(programs().join(format!("vmlinux_{n}.c")))
            .arg("-o")
            .arg(&obj)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        objs.push(obj);
    }
    let reference = dir.path().join("ref.o");
    assert!(
        Command::new(&bpftool)
            .args(["gen", "object"])
            .arg(&reference)
            .args(&objs)
            .status()
            .unwrap()
            .success()
    );
    let files: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
        .collect();
    let linked = linker::link::link_files(&files, &linker::link::LinkOptions::default()).unwrap();
    let sec = &linked.object.sections[linked.object.section_by_name(".BTF").unwrap()];
    let btf = Btf::parse(&sec.data, "linked").unwrap();
    let want = Command::new(&bpftool)
        .args(["btf", "dump", "file"])
        .arg(&reference)
        .args(["format", "raw"])
        .output()
        .unwrap();
    assert_eq!(
        linker::btf::dump::dump(&btf),
        String::from_utf8_lossy(&want.stdout)
    );
    assert!(
        btf.len() > 300,
        "a real kernel type graph: {} types",
        btf.len()
    );
    let ext = &linked.object.sections[linked.object.section_by_name(".BTF.ext").unwrap()];
    let ext = BtfExt::parse(&ext.data, &btf, "linked .BTF.ext").unwrap();
    assert!(ext.core_relo.iter().map(|s| s.records.len()).sum::<usize>() >= 5);
}
