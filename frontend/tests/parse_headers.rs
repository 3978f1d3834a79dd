//! Parses the real headers BPF programs include (libbpf's `bpf_helpers.h` family,
//! kernel uapi headers, and a `vmlinux.h` dumped from the running kernel's BTF) through
//! the preprocessor and the parser, expecting no diagnostics at all. Skips, with a
//! printed reason, when libbpf-dev or bpftool/BTF is missing.

use diag::SourceMap;
use frontend::parse::parse;
use frontend::preprocess::{PpOptions, preprocess};
use std::path::{Path, PathBuf};

/// Preprocesses and parses `text`; returns the rendered diagnostics (empty when clean)
/// and the number of top-level items.
fn parse_clean(name: &str, text: &str, include_dirs: Vec<PathBuf>) -> (String, usize) {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let opts = PpOptions {
        include_dirs,
        ..PpOptions::default()
    };
    let (tokens, mut diags) = preprocess(file, &opts, &mut sources);
    let (tu, pdiags) = parse(&tokens, &sources);
    diags.extend(pdiags);
    let errors: Vec<_> = diags.items.into_iter().filter(|d| d.is_error()).collect();
    (diag::render_all(&sources, &errors), tu.items.len())
}

#[test]
fn libbpf_and_uapi_headers_parse_without_errors() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        println!("SKIP libbpf_and_uapi_headers_parse_without_errors: libbpf-dev is not installed");
        return;
    }
    let text = "\
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
";
    let (errors, items) = parse_clean(
        "headers.c",
        text,
        vec![PathBuf::from("/usr/include/x86_64-linux-gnu")],
    );
    assert!(errors.is_empty(), "{errors}");
    assert!(items > 500, "only {items} top-level declarations parsed");
}

#[test]
fn vmlinux_h_parses_without_errors() {
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
    let text = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        _ => {
            println!(
                "SKIP vmlinux_h_parses_without_errors: `bpftool btf dump` of /sys/kernel/btf/vmlinux failed or bpftool is missing"
            );
            return;
        }
    };
    let (errors, items) = parse_clean("vmlinux.h", &text, Vec::new());
    let shown: String = errors.lines().take(60).collect::<Vec<_>>().join("\n");
    assert!(errors.is_empty(), "{shown}");
    assert!(items > 10_000, "only {items} top-level declarations parsed");
}
