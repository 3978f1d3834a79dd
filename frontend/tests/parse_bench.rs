//! Bench command (not a timed test; it asserts nothing about time): preprocesses and
//! parses a CO-RE program that includes a bpftool-generated `vmlinux.h` plus libbpf's
//! headers, and prints our parse time, our preprocess+parse time, and
//! `clang-19 -fsyntax-only -target bpf` (which also runs clang's semantic analysis)
//! with the ratio. Run with
//! `cargo test -p frontend --release --test parse_bench -- --ignored --nocapture`.
//! Skips without bpftool, /sys/kernel/btf/vmlinux, libbpf headers or clang-19.

use diag::SourceMap;
use frontend::parse::parse;
use frontend::preprocess::{PpOptions, preprocess};
use std::process::Command;
use std::time::Instant;

#[test]
#[ignore = "bench: run explicitly with --ignored --nocapture"]
fn bench_parse_vmlinux_program() {
    let tmp = std::env::temp_dir().join(format!("ebpfc-parse-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
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
        println!("SKIP bench_parse_vmlinux_program: bpftool or /sys/kernel/btf/vmlinux missing");
        return;
    };
    if std::fs::write(tmp.join("vmlinux.h"), &dump.stdout).is_err()
        || !std::path::Path::new("/usr/include/bpf/bpf_helpers.h").is_file()
    {
        println!("SKIP bench_parse_vmlinux_program: cannot write vmlinux.h or no libbpf headers");
        return;
    }
    let main = tmp.join("prog.c");
    let src = "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_core_read.h>\n#include <bpf/bpf_tracing.h>\n\
SEC(\"kprobe/do_unlinkat\")\nint BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)\n{\n\
    const char *f = BPF_CORE_READ(name, name);\n    bpf_printk(\"%s\", f);\n    return 0;\n}\n\
char LICENSE[] SEC(\"license\") = \"GPL\";\n";
    let _ = std::fs::write(&main, src);
    let text = std::fs::read_to_string(&main).unwrap_or_default();
    let opts = PpOptions {
        defines: vec![("__TARGET_ARCH_x86".to_string(), None)],
        cpu: 3,
        ..PpOptions::default()
    };

    let runs = 5;
    let (mut best_parse, mut best_total) = (f64::MAX, f64::MAX);
    let (mut ntoks, mut nitems, mut nerrors) = (0, 0, 0);
    for _ in 0..runs {
        let mut sources = SourceMap::new();
        let id = sources.add(main.display().to_string(), text.clone());
        let t0 = Instant::now();
        let (tokens, _) = preprocess(id, &opts, &mut sources);
        let t1 = Instant::now();
        let (tu, diags) = parse(&tokens, &sources);
        let t2 = Instant::now();
        best_parse = best_parse.min((t2 - t1).as_secs_f64());
        best_total = best_total.min((t2 - t0).as_secs_f64());
        ntoks = tokens.len();
        nitems = tu.items.len();
        nerrors = diags.items.iter().filter(|d| d.is_error()).count();
    }
    println!(
        "ebpfc parse:              {:8.1} ms  ({ntoks} tokens, {nitems} top-level items, {nerrors} errors)",
        best_parse * 1e3
    );
    println!("ebpfc preprocess+parse:   {:8.1} ms", best_total * 1e3);

    let mut best_clang = f64::MAX;
    for _ in 0..runs {
        let t0 = Instant::now();
        let st = Command::new("clang-19")
            .args([
                "-target",
                "bpf",
                "-D__TARGET_ARCH_x86",
                "-fsyntax-only",
                "-w",
            ])
            .arg(&main)
            .status();
        match st {
            Ok(s) if s.success() => best_clang = best_clang.min(t0.elapsed().as_secs_f64()),
            _ => {
                println!("SKIP clang-19 comparison: clang-19 missing or failed");
                let _ = std::fs::remove_dir_all(&tmp);
                return;
            }
        }
    }
    println!(
        "clang-19 -fsyntax-only:   {:8.1} ms  (includes clang's sema)",
        best_clang * 1e3
    );
    println!("ratio ebpfc/clang:        {:8.2}x", best_total / best_clang);
    let _ = std::fs::remove_dir_all(&tmp);
}
