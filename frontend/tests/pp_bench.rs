//! Bench command (not a timed test; it asserts nothing about time): preprocesses a
//! CO-RE program that includes a bpftool-generated `vmlinux.h` plus libbpf's headers,
//! and prints our time next to `clang-19 -E` and the ratio. Run with
//! `cargo test -p frontend --release --test pp_bench -- --ignored --nocapture`.
//! Skips without bpftool, /sys/kernel/btf/vmlinux, libbpf headers or clang-19.

use diag::SourceMap;
use frontend::preprocess::{PpOptions, preprocess_full, print_preprocessed_full};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

#[test]
#[ignore = "bench: run explicitly with --ignored --nocapture"]
fn bench_vmlinux_core_program() {
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let vmlinux = tmp.join("vmlinux.h");
    let dump = Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output();
    let Some(dump) = dump.ok().filter(|o| o.status.success()) else {
        println!("SKIP bench_vmlinux_core_program: bpftool or /sys/kernel/btf/vmlinux missing");
        return;
    };
    if std::fs::write(&vmlinux, &dump.stdout).is_err()
        || !std::path::Path::new("/usr/include/bpf/bpf_helpers.h").is_file()
    {
        println!("SKIP bench_vmlinux_core_program: cannot write vmlinux.h or no libbpf headers");
        return;
    }
    let main = tmp.join("core.c");
    let src = "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_core_read.h>\n#include <bpf/bpf_tracing.h>\n";
    let _ = std::fs::write(&main, src);

    let opts = PpOptions {
        defines: vec![("__TARGET_ARCH_x86".to_string(), None)],
        cpu: 3,
        ..PpOptions::default()
    };
    let runs = 5;
    let mut best = f64::MAX;
    let mut ntoks = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut map = SourceMap::new();
        let id = map.add(main.display().to_string(), src);
        let p = preprocess_full(id, &opts, &mut map);
        let text = print_preprocessed_full(&p, &map);
        best = best.min(t0.elapsed().as_secs_f64());
        ntoks = p.tokens.len();
        assert!(
            !p.diags.has_errors(),
            "{}",
            diag::render_all(&map, &p.diags.items)
        );
        assert!(text.len() > 1000);
    }
    let clang = PathBuf::from("clang-19");
    let mut cbest = f64::MAX;
    for _ in 0..runs {
        let t0 = Instant::now();
        let ok = Command::new(&clang)
            .args([
                "-target",
                "bpf",
                "-mcpu=v3",
                "-D__TARGET_ARCH_x86",
                "-E",
                "-o",
                "/dev/null",
            ])
            .arg(&main)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            println!("SKIP clang-19 comparison: clang-19 failed or is missing");
            cbest = f64::NAN;
            break;
        }
        cbest = cbest.min(t0.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "preprocess+print vmlinux.h CO-RE program ({ntoks} tokens): ebpfc {:.1} ms, clang-19 -E {:.1} ms, ratio {:.2}x (best of {runs})",
        best * 1e3,
        cbest * 1e3,
        best / cbest
    );
}
