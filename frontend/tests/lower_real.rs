//! Real programs through the whole frontend: libbpf-style BPF programs that include
//! `<linux/bpf.h>`, `<bpf/bpf_helpers.h>` and friends (installed by libbpf-dev and the
//! kernel headers) must preprocess, parse, check and lower to IR that verifies. Skips,
//! printing why, when the headers are not installed.

use frontend::driver::{FrontendOptions, compile_source};
use frontend::preprocess::PpOptions;
use std::path::{Path, PathBuf};

#[test]
fn real_programs_lower_and_verify() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file()
        || !Path::new("/usr/include/linux/bpf.h").is_file()
    {
        println!(
            "SKIP real_programs_lower_and_verify: libbpf-dev / linux headers are not installed"
        );
        return;
    }
    let opts = FrontendOptions {
        pp: PpOptions {
            include_dirs: vec![PathBuf::from("/usr/include/x86_64-linux-gnu")],
            ..PpOptions::default()
        },
        ..FrontendOptions::default()
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lower_real");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.to_string_lossy().to_string();
        let mut sources = diag::SourceMap::new();
        let m = match compile_source(&name, &text, &opts, &mut sources) {
            Ok((m, _)) => m,
            Err(d) => panic!("{name}: errors:\n{}", diag::render_all(&sources, &d.items)),
        };
        if let Err(d) = ir::verifier::verify_module(&m) {
            panic!(
                "{name}: IR does not verify:\n{}",
                diag::render_all(&sources, &d.items)
            );
        }
        assert!(
            m.functions.iter().any(|f| f.attrs.is_program),
            "{name}: no program"
        );
        assert!(
            m.globals.iter().any(|g| g.section == "license"),
            "{name}: no license"
        );
    }
}

/// CO-RE-style tracing programs on a `vmlinux.h` dumped from the running kernel's BTF
/// (`bpftool btf dump ... format c`): tracepoints with a ring buffer and `bpf_printk`,
/// kprobes/fentry through libbpf's `BPF_KPROBE`/`BPF_PROG` macros, `BPF_CORE_READ`.
#[test]
fn vmlinux_programs_lower_and_verify() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file() {
        println!("SKIP vmlinux_programs_lower_and_verify: libbpf-dev is not installed");
        return;
    }
    let out = std::process::Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output();
    let vmlinux = match out {
        Ok(o) if o.status.success() => o.stdout,
        _ => {
            println!(
                "SKIP vmlinux_programs_lower_and_verify: bpftool or /sys/kernel/btf/vmlinux is missing"
            );
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!("ebpfc-sema-vmlinux-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("vmlinux.h"), vmlinux).unwrap();
    let opts = FrontendOptions {
        pp: PpOptions {
            include_dirs: vec![dir.clone()],
            defines: vec![("__TARGET_ARCH_x86".to_string(), None)],
            ..PpOptions::default()
        },
        ..FrontendOptions::default()
    };
    let src_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lower_vmlinux");
    let mut files: Vec<_> = std::fs::read_dir(&src_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    let mut results = Vec::new();
    for src in &files {
        let text = std::fs::read_to_string(src).unwrap();
        let mut sources = diag::SourceMap::new();
        let r = compile_source(&src.to_string_lossy(), &text, &opts, &mut sources)
            .map(|(m, _)| m)
            .map_err(|d| diag::render_all(&sources, &d.items));
        results.push((src.file_name().unwrap().to_string_lossy().to_string(), r));
    }
    // With the vmlinux.h pragma honoured, direct member accesses relocate too.
    let core_opts = FrontendOptions {
        core_pragmas: true,
        ..opts.clone()
    };
    let tp = src_dir.join("tracepoint_ringbuf.c");
    let mut sources = diag::SourceMap::new();
    let text = std::fs::read_to_string(&tp).unwrap();
    let with_pragma = compile_source(&tp.to_string_lossy(), &text, &core_opts, &mut sources)
        .map(|(m, _)| m)
        .map_err(|d| diag::render_all(&sources, &d.items));
    let _ = std::fs::remove_dir_all(&dir);
    let m = with_pragma.unwrap_or_else(|e| panic!("core_pragmas: {e}"));
    ir::verifier::verify_module(&m)
        .unwrap_or_else(|d| panic!("{:?}", d.items.first().map(|x| &x.message)));
    let relocs: usize = m.functions.iter().map(|f| f.core_relocs.len()).sum();
    assert!(relocs >= 2, "ctx->args[1] and ctx->ret relocate: {relocs}");
    assert_eq!(results.len(), 3);
    for (name, r) in results {
        let m = r.unwrap_or_else(|e| panic!("{name}: errors:\n{e}"));
        if let Err(d) = ir::verifier::verify_module(&m) {
            panic!(
                "{name}: IR does not verify: {:?}",
                d.items.first().map(|x| &x.message)
            );
        }
        let progs: Vec<&str> = m
            .functions
            .iter()
            .filter(|f| f.attrs.is_program)
            .map(|f| f.name.as_str())
            .collect();
        match name.as_str() {
            "tracepoint_ringbuf.c" => {
                assert_eq!(progs, ["handle_enter", "handle_exit"]);
                assert!(
                    m.globals
                        .iter()
                        .any(|g| g.name == "target_pid" && g.section == ".rodata")
                );
                assert!(
                    m.globals
                        .iter()
                        .any(|g| g.name == "events" && g.section == ".maps")
                );
            }
            "kprobe_fentry.c" => {
                assert_eq!(
                    progs,
                    ["kprobe_openat", "kretprobe_openat", "fentry_unlink"]
                );
            }
            "core_read.c" => {
                // BPF_CORE_READ, bpf_core_field_exists and bpf_core_type_size relocate.
                let relocs: usize = m.functions.iter().map(|f| f.core_relocs.len()).sum();
                assert!(relocs >= 4, "{relocs} CO-RE relocations");
            }
            other => panic!("unexpected file {other}"),
        }
    }
}
