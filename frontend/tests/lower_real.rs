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

/// A CO-RE-style tracing program on a `vmlinux.h` dumped from the running kernel's BTF
/// (`bpftool btf dump ... format c`): tracepoints, ring buffer, `bpf_printk`.
#[test]
fn vmlinux_program_lowers_and_verifies() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file() {
        println!("SKIP vmlinux_program_lowers_and_verifies: libbpf-dev is not installed");
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
                "SKIP vmlinux_program_lowers_and_verifies: bpftool or /sys/kernel/btf/vmlinux is missing"
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
            ..PpOptions::default()
        },
    };
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lower_vmlinux/tracepoint_ringbuf.c");
    let text = std::fs::read_to_string(&src).unwrap();
    let mut sources = diag::SourceMap::new();
    let result = compile_source(&src.to_string_lossy(), &text, &opts, &mut sources);
    let _ = std::fs::remove_dir_all(&dir);
    let m = match result {
        Ok((m, _)) => m,
        Err(d) => panic!("errors:\n{}", diag::render_all(&sources, &d.items)),
    };
    ir::verifier::verify_module(&m)
        .unwrap_or_else(|d| panic!("{}", diag::render_all(&sources, &d.items)));
    let progs: Vec<&str> = m
        .functions
        .iter()
        .filter(|f| f.attrs.is_program)
        .map(|f| f.name.as_str())
        .collect();
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
