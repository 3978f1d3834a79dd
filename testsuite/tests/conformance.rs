//! The bpf_conformance suite, run in the kernel: every `*.data` test of
//! `../shared/conformance/tests` (when that folder exists beside the repository, as in
//! CI) and every test of our own `testsuite/conformance/` (same format, covering every
//! instruction class, in both assembly dialects).
//!
//! Each test's `-- asm` is assembled here with the instruction set's parser (labels
//! resolved to pc-relative offsets), compared with `-- raw` when given, and run as
//! bpf_conformance's libbpf plugin runs it (XDP, full 64-bit r0, packet prolog; see
//! `testsuite::kernel`). Skips follow the upstream Linux CI: the `callx` and `packet`
//! groups and names matching `(imm|intmin)-`. Needs root (CAP_BPF): skips otherwise.

use asm::isa::{self, Insn, SymRole};
use linker::object::Endian;
use std::path::{Path, PathBuf};
use testsuite::kernel::{ConformanceRun, run_conformance};
use testsuite::tools;

/// One parsed test file (upstream `bpf_test_parser` semantics).
#[derive(Debug, Default)]
struct Test {
    asm: Vec<String>,
    mem: Vec<u8>,
    raw: Vec<u8>,
    expected: u64,
    has_result: bool,
    error: Option<String>,
}

fn parse_u64(s: &str, hex: bool) -> Option<u64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if hex {
        let h = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        let end = h.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(h.len());
        u64::from_str_radix(&h[..end], 16).ok()?
    } else {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s[..end].parse().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// None when the file has an unknown `--` directive (upstream skips it).
fn parse_test(text: &str) -> Option<Test> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Asm,
        Result,
        Mem,
        Raw,
        Ignore,
        Error,
    }
    let directives = [
        ("asm", St::Asm),
        ("result", St::Result),
        ("mem", St::Mem),
        ("raw", St::Raw),
        ("no register offset", St::Ignore),
        (" c", St::Ignore),
        ("error", St::Error),
    ];
    let mut state = None;
    let (mut mem, mut raw, mut result, mut error) = (vec![], vec![], vec![], vec![]);
    let mut t = Test::default();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.split('#').next().unwrap_or("");
        if line.contains("--") {
            state = Some(directives.iter().find(|(k, _)| line.contains(k))?.1);
            continue;
        }
        if line.is_empty() {
            continue;
        }
        match state {
            Some(St::Asm) => t.asm.push(line.to_string()),
            Some(St::Mem) => mem.push(line.to_string()),
            Some(St::Raw) => raw.push(line.to_string()),
            Some(St::Result) => result.push(line.to_string()),
            Some(St::Error) => error.push(line.to_string()),
            _ => {}
        }
    }
    for tok in mem.join(" ").split_whitespace() {
        let h = tok.strip_prefix("0x").unwrap_or(tok);
        let end = h.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(h.len());
        match u64::from_str_radix(&h[..end], 16) {
            Ok(v) => t.mem.push(v as u8),
            Err(_) => break,
        }
        if end != h.len() {
            break;
        }
    }
    for tok in raw.join(" ").split_whitespace() {
        let v = parse_u64(tok, tok.starts_with("0x")).unwrap_or(0);
        t.raw.extend_from_slice(&v.to_le_bytes());
    }
    if let Some(r) = result.last() {
        t.has_result = true;
        t.expected = parse_u64(r, r.contains("0x")).unwrap_or(0);
    }
    t.error = error.last().cloned();
    Some(t)
}

/// Assembles a test's lines: one instruction per line, `label:` lines, labels resolved.
fn assemble(lines: &[String]) -> Result<Vec<u8>, String> {
    let mut labels: Vec<(String, usize)> = Vec::new();
    let mut insns: Vec<(usize, Insn, Option<isa::SymOperand>, String)> = Vec::new();
    let mut slot = 0;
    for line in lines {
        let mut text = line.trim();
        if let Some((label, rest)) = text.split_once(':')
            && !label.trim().is_empty()
            && !label.contains(char::is_whitespace)
        {
            labels.push((label.trim().to_string(), slot));
            text = rest.trim();
        }
        if text.is_empty() {
            continue;
        }
        let p = isa::parse_insn(text, None).map_err(|e| format!("`{text}`: {e}"))?;
        insns.push((slot, p.insn, p.sym, text.to_string()));
        slot += isa::insn_len(&p.insn) / 8;
    }
    let exits: Vec<usize> = insns
        .iter()
        .filter(|i| i.1.code == 0x95)
        .map(|i| i.0)
        .collect();
    let mut out = Vec::new();
    for (at, mut insn, sym, text) in insns {
        if let Some(sym) = sym {
            // The suite writes `jeq ..., exit` for "jump to the exit instruction" without
            // defining a label `exit`: take the next `exit` after the jump.
            let next_exit = || exits.iter().copied().find(|&e| e > at);
            let target = labels
                .iter()
                .find(|(l, _)| *l == sym.name)
                .map(|(_, s)| *s)
                .or_else(|| {
                    if sym.name == "exit" {
                        next_exit()
                    } else {
                        None
                    }
                })
                .ok_or_else(|| format!("`{text}`: unknown label `{}`", sym.name))?;
            let rel = target as i64 - (at as i64 + 1);
            match sym.role {
                SymRole::JumpTarget if insn.is_gotol() => insn.imm = rel as i32,
                SymRole::JumpTarget => {
                    insn.off = i16::try_from(rel).map_err(|_| format!("`{text}`: jump too far"))?
                }
                SymRole::CallTarget => {
                    insn.src = 1;
                    insn.imm = rel as i32;
                }
                SymRole::Imm64 => return Err(format!("`{text}`: symbols need an object file")),
            }
        }
        isa::encode(&insn, Endian::Little, &mut out);
    }
    Ok(out)
}

/// Upstream's Linux CI leaves out the `packet` (LD_ABS/LD_IND) and `callx` groups.
fn needs_excluded_group(code: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&op) = code.get(i) {
        if matches!(op, 0x20 | 0x28 | 0x30 | 0x40 | 0x48 | 0x50 | 0x8d) {
            return true;
        }
        i += if op == 0x18 { 16 } else { 8 };
    }
    false
}

enum Outcome {
    Pass,
    /// Not run, and why (printed with EBPFC_CONFORMANCE_VERBOSE).
    Skip(String),
    Fail(String),
}

fn run_one(name: &str, text: &str) -> Outcome {
    let excluded_name = ["imm-", "intmin-"].iter().any(|p| name.contains(p));
    if excluded_name {
        return Outcome::Skip("excluded by (imm|intmin)-".into());
    }
    let Some(t) = parse_test(text) else {
        return Outcome::Skip("unknown directive".into());
    };
    if t.error.is_none() && !t.has_result {
        return Outcome::Skip("no result or error".into());
    }
    let code = if !t.asm.is_empty() {
        match assemble(&t.asm) {
            Ok(c) => c,
            Err(e) if t.error.is_some() => {
                return Outcome::Skip(format!("rejected as expected: {e}"));
            }
            Err(e) => return Outcome::Fail(format!("assembler: {e}")),
        }
    } else if !t.raw.is_empty() {
        t.raw.clone()
    } else {
        return Outcome::Skip("no instructions".into());
    };
    if !t.asm.is_empty() && !t.raw.is_empty() && code != t.raw {
        return Outcome::Fail(format!(
            "assembled {:02x?}, -- raw says {:02x?}",
            code, t.raw
        ));
    }
    if needs_excluded_group(&code) {
        return Outcome::Skip("packet/callx group".into());
    }
    match run_conformance(&code, &t.mem) {
        ConformanceRun::R0(r0) if t.error.is_none() && r0 == t.expected => Outcome::Pass,
        ConformanceRun::R0(r0) => {
            Outcome::Fail(format!("returned {r0:#x}, expected {:#x}", t.expected))
        }
        ConformanceRun::LoadFailed(e) => {
            let tail: Vec<&str> = e.log.lines().rev().take(3).collect();
            Outcome::Fail(format!("load failed ({}): {}", e.error, tail.join(" | ")))
        }
        ConformanceRun::RunFailed(e) => Outcome::Fail(e),
    }
}

fn data_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "data"));
    files.sort();
    files
}

/// Runs a folder; returns (passed, failed, skipped) and prints failures.
fn run_dir(label: &str, dir: &Path) -> (usize, usize, usize) {
    let (mut pass, mut fail, mut skip) = (0, 0, 0);
    for f in data_files(dir) {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        match run_one(&name, &text) {
            Outcome::Pass => pass += 1,
            Outcome::Skip(why) => {
                if std::env::var_os("EBPFC_CONFORMANCE_VERBOSE").is_some() {
                    println!("SKIP {label}/{name}: {why}");
                }
                skip += 1;
            }
            Outcome::Fail(why) => {
                println!("FAIL {label}/{name}: {why}");
                fail += 1;
            }
        }
    }
    println!("{label}: {pass} passed, {fail} failed, {skip} skipped");
    (pass, fail, skip)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[test]
fn upstream_conformance_suite() {
    // CI keeps the suite beside the repository; EBPFC_CONFORMANCE_DIR points elsewhere.
    let dir = std::env::var_os("EBPFC_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/conformance/tests"));
    if !dir.is_dir() {
        println!("SKIP conformance: ../shared/conformance not found");
        return;
    }
    if !tools::require_bpf("conformance") {
        return;
    }
    let (pass, fail, _) = run_dir("conformance", &dir);
    assert_eq!(fail, 0, "conformance: {pass} passed, {fail} failed");
    assert!(pass >= 280, "only {pass} passed");
}

#[test]
fn own_conformance_programs() {
    if !tools::require_bpf("own conformance") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let (pass, fail, skip) = run_dir("own-conformance", &dir);
    assert_eq!(fail, 0, "own conformance: {pass} passed, {fail} failed");
    assert!(pass >= 20 && skip == 0, "{pass} passed, {skip} skipped");
}

#[test]
fn parser_follows_upstream() {
    let t = parse_test("# c\n-- asm\nmov %r0, 1 # one\nexit\n-- mem\n00 01 ff\n-- result\n0x10\n")
        .unwrap();
    assert_eq!(t.asm, ["mov %r0, 1 ", "exit"]);
    assert_eq!(t.mem, [0, 1, 0xff]);
    assert_eq!(t.expected, 0x10);
    assert!(parse_test("-- frob\n").is_none());
    let code = assemble(&[
        "ja L".into(),
        "lddw %r0, 1".into(),
        "L:".into(),
        "exit".into(),
    ])
    .unwrap();
    assert_eq!(code.len(), 32);
    assert_eq!(code[2], 2); // off = 2 slots over the ld_imm64
    assert!(assemble(&["ja nowhere".into()]).is_err());
}
