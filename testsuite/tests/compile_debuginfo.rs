//! Debug information of `ebpfc compile -g` as the kernel and bpftool see it (btf.rst,
//! "BTF.ext section": func_info and line_info; libbpf passes them to BPF_PROG_LOAD).
//!
//! - Each example is loaded (`bpftool prog loadall`), and `bpftool prog dump xlated
//!   pinned P linum` must print source lines that exist in the compiled file, with the
//!   text the file has on that line and a column inside it; every program's first
//!   instruction has a line, and each program names several distinct lines.
//! - `bpftool btf dump file OBJ` reads our `.BTF` and lists the FUNCs, the map and global
//!   VARs and their DATASECs, the ones clang-19 -g emits for the same file.
//! - `llvm-objdump-19 -d -l` finds the line_info too, and each line it names holds code.
//!
//! Skips (printing `SKIP`) without bpftool, bpf() permission, clang-19 or llvm-objdump-19.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use testsuite::tools;

fn ebpfc_bin() -> Option<PathBuf> {
    testsuite::ebpfc_bin::ebpfc_bin("compile_debuginfo")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .canonicalize()
        .unwrap()
}

const EXAMPLES: [&str; 3] = ["xdp_counter", "socket_filter", "tc_classifier"];

/// Compiles `examples/<name>.bpf.c` (by absolute path, so line_info names a file that
/// can be opened) into `out`.
fn compile(bin: &Path, name: &str, opt: &str, out: &Path) {
    let dir = examples();
    let src = dir.join(format!("{name}.bpf.c"));
    let res = Command::new(bin)
        .args(["compile", opt, "-g", "-target", "bpf"])
        .arg(format!("-I{}", dir.display()))
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// A pin folder under /sys/fs/bpf, removed on drop.
struct Pins(PathBuf);

impl Drop for Pins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn pins() -> Pins {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    Pins(PathBuf::from(format!(
        "/sys/fs/bpf/ebpfc-debuginfo-{}-{n}",
        std::process::id()
    )))
}

/// One `; text [file:F line_num:L line_col:C]` (or `; text @ F:L:C`) line of a dump.
#[derive(Debug)]
struct LineRef {
    text: String,
    file: String,
    line: usize,
    col: usize,
}

fn parse_linum(line: &str) -> Option<LineRef> {
    let rest = line.strip_prefix("; ")?;
    if let Some((text, loc)) = rest.rsplit_once(" [file:") {
        let loc = loc.strip_suffix(']')?;
        let (file, nums) = loc.rsplit_once(" line_num:")?;
        let (l, c) = nums.split_once(" line_col:")?;
        return Some(LineRef {
            text: text.to_string(),
            file: file.to_string(),
            line: l.parse().ok()?,
            col: c.parse().ok()?,
        });
    }
    let (text, loc) = rest.rsplit_once(" @ ")?;
    let mut parts = loc.rsplitn(3, ':');
    let (c, l, file) = (parts.next()?, parts.next()?, parts.next()?);
    Some(LineRef {
        text: text.to_string(),
        file: file.to_string(),
        line: l.parse().ok()?,
        col: c.parse().ok()?,
    })
}

/// Loads `obj` and returns, per pinned program, its `xlated linum` dump.
fn xlated_dumps(bpftool: &Path, obj: &Path) -> Result<Vec<(String, String)>, String> {
    let pin = pins();
    let out = Command::new(bpftool)
        .args(["prog", "loadall"])
        .arg(obj)
        .arg(&pin.0)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut names: Vec<String> = std::fs::read_dir(&pin.0)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut dumps = Vec::new();
    for name in names {
        let out = Command::new(bpftool)
            .args(["prog", "dump", "xlated", "pinned"])
            .arg(pin.0.join(&name))
            .arg("linum")
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        dumps.push((name, String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    Ok(dumps)
}

#[test]
fn line_info_names_real_source_lines() {
    let Some(bin) = ebpfc_bin() else { return };
    let Some(bpftool) = tools::require("line_info_names_real_source_lines", "bpftool") else {
        return;
    };
    if !tools::require_bpf("line_info_names_real_source_lines") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        for opt in ["-O2", "-O0"] {
            let obj = tmp.path().join(format!("{name}{opt}.o"));
            compile(&bin, name, opt, &obj);
            let dumps = xlated_dumps(&bpftool, &obj)
                .unwrap_or_else(|e| panic!("{name} {opt} does not load:\n{e}"));
            assert!(!dumps.is_empty(), "{name}: no programs");
            for (prog, dump) in dumps {
                let what = format!("{name} {opt} program {prog}");
                let lines: Vec<&str> = dump.lines().collect();
                // The first instruction (after the header) carries a line.
                let first_insn = lines
                    .iter()
                    .position(|l| l.trim_start().starts_with("0: "))
                    .unwrap_or_else(|| panic!("{what}: no instruction 0:\n{dump}"));
                assert!(
                    first_insn > 0 && lines[first_insn - 1].starts_with("; "),
                    "{what}: instruction 0 has no source line:\n{dump}"
                );
                let refs: Vec<LineRef> = lines
                    .iter()
                    .filter(|l| l.starts_with("; "))
                    .map(|l| parse_linum(l).unwrap_or_else(|| panic!("{what}: `{l}`")))
                    .collect();
                let mut distinct: Vec<usize> = refs.iter().map(|r| r.line).collect();
                distinct.sort();
                distinct.dedup();
                assert!(distinct.len() >= 3, "{what}: only lines {distinct:?}");
                for r in &refs {
                    let src = std::fs::read_to_string(&r.file)
                        .unwrap_or_else(|e| panic!("{what}: line info names {}: {e}", r.file));
                    let Some(text) = src.lines().nth(r.line.wrapping_sub(1)) else {
                        panic!("{what}: {}:{} is past the end of the file", r.file, r.line);
                    };
                    assert_eq!(
                        r.text.trim(),
                        text.trim(),
                        "{what}: text of {}:{}",
                        r.file,
                        r.line
                    );
                    assert!(
                        r.col >= 1 && r.col <= text.len() + 1,
                        "{what}: column {} outside `{text}`",
                        r.col
                    );
                }
            }
        }
    }
}

/// `(kind, name, linkage)` of the FUNC, VAR and DATASEC types in `bpftool btf dump file`.
fn btf_names(bpftool: &Path, obj: &Path) -> Vec<String> {
    let out = Command::new(bpftool)
        .args(["btf", "dump", "file"])
        .arg(obj)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bpftool btf dump file {}: {}",
        obj.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once("] ")?;
            let mut words = rest.split_whitespace();
            let kind = words.next()?;
            if !matches!(kind, "FUNC" | "VAR" | "DATASEC") {
                return None;
            }
            let name = words.next()?;
            let linkage = rest
                .split_whitespace()
                .find(|w| w.starts_with("linkage="))
                .unwrap_or("");
            Some(format!("{kind} {name} {linkage}").trim_end().to_string())
        })
        .collect();
    names.sort();
    names
}

#[test]
fn bpftool_reads_our_btf() {
    let Some(bin) = ebpfc_bin() else { return };
    let Some(bpftool) = tools::require("bpftool_reads_our_btf", "bpftool") else {
        return;
    };
    let clang = tools::find("clang-19");
    if clang.is_none() {
        println!("SKIP bpftool_reads_our_btf (clang comparison): clang-19 is not installed");
    }
    let tmp = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let obj = tmp.path().join(format!("{name}.o"));
        compile(&bin, name, "-O2", &obj);
        let ours = btf_names(&bpftool, &obj);
        if name == "xdp_counter" {
            for want in [
                "FUNC 'xdp_count' linkage=global",
                "FUNC 'parse_ipv4' linkage=static",
                "VAR 'proto_count' linkage=global",
                "VAR 'packets_seen' linkage=global",
                "VAR 'LICENSE' linkage=global",
                "DATASEC '.maps'",
                "DATASEC '.bss'",
                "DATASEC 'license'",
            ] {
                assert!(
                    ours.iter().any(|n| n == want),
                    "{name}: no `{want}` in {ours:#?}"
                );
            }
        }
        let Some(clang) = &clang else { continue };
        let cobj = tmp.path().join(format!("{name}.clang.o"));
        let dir = examples();
        let st = Command::new(clang)
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(format!("-I{}", dir.display()))
            .arg(dir.join(format!("{name}.bpf.c")))
            .arg("-o")
            .arg(&cobj)
            .status()
            .unwrap();
        assert!(st.success());
        // Everything clang describes, we describe too (we may keep constant globals
        // that clang folds away, so ours may list more).
        for n in btf_names(&bpftool, &cobj) {
            assert!(
                ours.contains(&n),
                "{name}: clang's BTF has `{n}`, ours lacks it: {ours:#?}"
            );
        }
    }
}

/// llvm-objdump-19 reads the BTF line_info of BPF objects (`-l` prints `; FILE:LINE`
/// before the instructions of each line): every line it names holds code.
#[test]
fn llvm_objdump_reads_our_line_info() {
    let Some(bin) = ebpfc_bin() else { return };
    let Some(objdump) = tools::require("llvm_objdump_reads_our_line_info", "llvm-objdump-19")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for name in EXAMPLES {
        let obj = tmp.path().join(format!("{name}.o"));
        compile(&bin, name, "-O2", &obj);
        let out = Command::new(&objdump)
            .args(["-d", "-l", "--no-show-raw-insn"])
            .arg(&obj)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dump = String::from_utf8_lossy(&out.stdout);
        let src_path = examples().join(format!("{name}.bpf.c"));
        let src = std::fs::read_to_string(&src_path).unwrap();
        let file_name = format!("{name}.bpf.c");
        let mut lines: Vec<usize> = dump
            .lines()
            .filter_map(|l| l.strip_prefix("; "))
            .filter_map(|l| {
                let (file, line) = l.rsplit_once(':')?;
                (file.ends_with(&file_name)).then(|| line.trim().parse().ok())?
            })
            .collect();
        lines.sort();
        lines.dedup();
        assert!(lines.len() >= 5, "{name}: lines {lines:?} in\n{dump}");
        for l in lines {
            let text = src
                .lines()
                .nth(l - 1)
                .unwrap_or_else(|| panic!("{name}: line {l}"));
            let t = text.trim();
            assert!(
                !t.is_empty()
                    && !t.starts_with("//")
                    && !t.starts_with("/*")
                    && !t.starts_with('#'),
                "{name}: line {l} holds no code: `{text}`"
            );
        }
    }
}

#[test]
fn parses_both_bpftool_linum_formats() {
    let r = parse_linum("; if (x) [file:/a/b.c line_num:12 line_col:5]").unwrap();
    assert_eq!(
        (r.text.as_str(), r.file.as_str(), r.line, r.col),
        ("if (x)", "/a/b.c", 12, 5)
    );
    let r = parse_linum("; return a @ b.c:3:9").unwrap();
    assert_eq!(
        (r.text.as_str(), r.file.as_str(), r.line, r.col),
        ("return a", "b.c", 3, 9)
    );
    assert!(parse_linum("   0: (b7) r0 = 0").is_none());
}
