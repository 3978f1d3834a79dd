//! End-to-end linking: every `programs/link/<case>/*.bpf.c` program (an extern function,
//! an extern variable, an extern map, clashing statics and `.rodata`, weak overridden by
//! strong, three inputs) is built with clang-19, linked by `bpftool gen object` and by
//! ebpfc, and both results are loaded through libbpf and test-run in the kernel on the
//! first file's `// @input:` packets: returns, packets and maps must be equal, and the
//! BTF after dedup must match bpftool's (same type count, same `btf dump` text), as
//! must the sections and symbols (as sets).
//! Also: linking is deterministic, an archive links like its members, big-endian
//! objects link, and the `--verbose` log is snapshotted.
//! Skips (printing why) without clang-19, bpftool or BPF permission.

use linker::btf::Btf;
use linker::elf_write::write_object;
use linker::link::{LinkOptions, Linked, link_files};
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::link_cases::{CFLAGS, Compiler, build, cases, inputs, sources};
use testsuite::{kload, tools};

fn link(objs: &[(String, PathBuf)], verbose: bool) -> Linked {
    let files: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|(n, p)| (n.clone(), std::fs::read(p).unwrap()))
        .collect();
    match link_files(&files, &LinkOptions { verbose }) {
        Ok(l) => l,
        Err(d) => panic!("{}", diag::render_all(&diag::SourceMap::new(), &d)),
    }
}

fn btf_count_bpftool(bpftool: &Path, obj: &Path) -> usize {
    let out = Command::new(bpftool)
        .args(["btf", "dump", "file"])
        .arg(obj)
        .args(["format", "raw"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bpftool btf dump {}: {}",
        obj.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('['))
        .count()
}

fn btf_dump_bpftool(bpftool: &Path, obj: &Path) -> String {
    let out = Command::new(bpftool)
        .args(["btf", "dump", "file"])
        .arg(obj)
        .args(["format", "raw"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Map-of-maps values are the kernel's ids of the inner maps, different on every load:
/// maps named `outer*` (the convention of the link cases) compare by keys only.
fn without_map_ids(mut r: kload::Report) -> kload::Report {
    for (name, entries) in &mut r.maps {
        if name.starts_with("outer") {
            entries.iter_mut().for_each(|(_, v)| v.clear());
        }
    }
    r
}

/// What `llvm-readelf -S -s` would show, order-free: sections (name, kind, flags, size)
/// and non-section symbols (name, kind, binding, section, value, size).
fn layout(bytes: &[u8]) -> (Vec<String>, Vec<String>) {
    let o = linker::elf_read::read_object(bytes, "linked.o").unwrap();
    let mut secs: Vec<String> = o
        .sections
        .values()
        .map(|s| format!("{} {:?} {:#x} {:#x}", s.name, s.kind, s.flags & 7, s.size))
        .collect();
    let mut syms: Vec<String> = o
        .symbols
        .values()
        .filter(|s| s.kind != linker::object::SymbolKind::Section)
        .map(|s| {
            let sec = match s.place {
                linker::object::SymbolPlace::Section(id) => o.sections[id].name.clone(),
                other => format!("{other:?}"),
            };
            format!(
                "{} {:?} {:?} {sec} {:#x} {:#x}",
                s.name, s.kind, s.binding, s.value, s.size
            )
        })
        .collect();
    secs.sort();
    syms.sort();
    (secs, syms)
}

fn our_btf(obj: &linker::object::Object) -> Btf {
    let sec = &obj.sections[obj.section_by_name(".BTF").unwrap()];
    Btf::parse(&sec.data, "linked .BTF").unwrap()
}

#[test]
fn linked_programs_run_like_bpftool_links() {
    const T: &str = "linked_programs_run_like_bpftool_links";
    let (Some(clang), Some(bpftool)) =
        (tools::require(T, "clang-19"), tools::require(T, "bpftool"))
    else {
        return;
    };
    if !tools::require_bpf(T) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(cases.len() >= 3);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let objs = build(case, dir.path(), |_| Compiler::Clang(&clang));
        let reference = dir.path().join(format!("{name}-ref.o"));
        let st = Command::new(&bpftool)
            .args(["gen", "object"])
            .arg(&reference)
            .args(objs.iter().map(|(_, p)| p))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "bpftool gen object {name}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
        let linked = link(&objs, false);
        let bytes = write_object(&linked.object);
        assert_eq!(
            bytes,
            write_object(&link(&objs, false).object),
            "{name}: linking is not deterministic"
        );
        let ours = dir.path().join(format!("{name}-ours.o"));
        std::fs::write(&ours, &bytes).unwrap();
        assert_eq!(
            our_btf(&linked.object).len(),
            btf_count_bpftool(&bpftool, &reference),
            "{name}: BTF type count differs from bpftool's"
        );
        assert_eq!(
            btf_dump_bpftool(&bpftool, &ours),
            btf_dump_bpftool(&bpftool, &reference),
            "{name}: BTF differs from bpftool's"
        );
        assert_eq!(
            btf_count_bpftool(&bpftool, &ours),
            our_btf(&linked.object).len(),
            "{name}: bpftool reads our BTF differently"
        );
        assert_eq!(
            layout(&std::fs::read(&ours).unwrap()),
            layout(&std::fs::read(&reference).unwrap()),
            "{name}: sections or symbols differ from bpftool's"
        );
        let packets = inputs(case);
        assert!(!packets.is_empty(), "{name}: no // @input: line");
        let want = kload::load_and_run(&reference, &packets)
            .unwrap_or_else(|e| panic!("{name}: reference does not load: {e}"));
        let got = kload::load_and_run(&ours, &packets)
            .unwrap_or_else(|e| panic!("{name}: our link does not load: {e}"));
        assert!(!want.programs.is_empty());
        assert_eq!(
            without_map_ids(got.clone()),
            without_map_ids(want),
            "{name}: kernel results differ"
        );
        println!(
            "EQUAL {name}: {} programs, {} maps, {} BTF types",
            got.programs.len(),
            got.maps.len(),
            our_btf(&linked.object).len()
        );
    }
}

/// A minimal GNU `ar` archive of the given members.
fn archive(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut ar = b"!<arch>\n".to_vec();
    for (name, data) in members {
        ar.extend(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                format!("{name}/"),
                0,
                0,
                0,
                644,
                data.len()
            )
            .as_bytes(),
        );
        ar.extend(data);
        if data.len() % 2 == 1 {
            ar.push(b'\n');
        }
    }
    ar
}

#[test]
fn archive_links_like_its_members_and_verbose_log() {
    const T: &str = "archive_links_like_its_members_and_verbose_log";
    let Some(clang) = tools::require(T, "clang-19") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let case = cases()
        .into_iter()
        .find(|c| c.ends_with("weak_strong"))
        .unwrap();
    let objs = build(&case, dir.path(), |_| Compiler::Clang(&clang));
    let linked = link(&objs, true);
    insta::assert_snapshot!("weak_strong_verbose", linked.log.join("\n"));
    let read = |i: usize| std::fs::read(&objs[i].1).unwrap();
    let files = vec![
        ("a.o".to_string(), read(0)),
        (
            "libbc.a".to_string(),
            archive(&[("b.o", read(1)), ("c.o", read(2))]),
        ),
    ];
    let from_ar = link_files(&files, &LinkOptions::default()).unwrap();
    assert_eq!(write_object(&from_ar.object), write_object(&linked.object));
}

#[test]
fn big_endian_objects_link() {
    const T: &str = "big_endian_objects_link";
    let Some(clang) = tools::require(T, "clang-19") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let case = cases()
        .into_iter()
        .find(|c| c.ends_with("weak_strong"))
        .unwrap();
    let mut objs = Vec::new();
    for src in sources(&case) {
        let obj = dir
            .path()
            .join(src.file_name().unwrap())
            .with_extension("o");
        let flags: Vec<&str> = CFLAGS
            .iter()
            .map(|f| if *f == "bpf" { "bpfeb" } else { f })
            .collect();
        assert!(
            Command::new(&clang)
                .args(&flags)
                .arg(&src)
                .arg("-o")
                .arg(&obj)
                .status()
                .unwrap()
                .success()
        );
        objs.push((src.file_name().unwrap().to_string_lossy().to_string(), obj));
    }
    let be = link(&objs, false);
    assert_eq!(be.object.endian, linker::object::Endian::Big);
    let le = link(
        &build(&case, dir.path(), |_| Compiler::Clang(&clang)),
        false,
    );
    // Same program, other byte order: same BTF after dedup.
    assert_eq!(
        linker::btf::dump::dump(&our_btf(&be.object)),
        linker::btf::dump::dump(&our_btf(&le.object))
    );
    let back = linker::elf_read::read_object(&write_object(&be.object), "be.o").unwrap();
    assert_eq!(back.endian, linker::object::Endian::Big);
}
