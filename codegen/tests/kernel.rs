//! Kernel tests: every `tests/kernel/*.ir` is compiled (cpu v1..v4, with `-g`),
//! assembled and written as an ELF object by the project's own assembler, loaded
//! through libbpf (`bpftool prog loadall`, so the verifier judges the code) and
//! test-run on the `; input: HEX -> RETVAL` lines of the file.
//! Needs root and bpftool: otherwise prints `SKIP <why>` and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use asm::isa::CpuVersion;
use codegen::{CodegenOptions, compile_module};

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn bpftool() -> Option<PathBuf> {
    ["/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// `(input bytes, expected return value)` from `; input: HEX -> N` lines.
fn expectations(text: &str) -> Vec<(Vec<u8>, i64)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("; input:"))
        .filter_map(|rest| {
            let (h, r) = rest.split_once("->")?;
            Some((hex(h.trim()), r.trim().parse().ok()?))
        })
        .collect()
}

/// One compiled test object: file stem, cpu, ELF bytes, expected runs.
type Built = (String, CpuVersion, Vec<u8>, Vec<(Vec<u8>, i64)>);

/// Removes a pin directory when dropped (also on failure).
struct Pins(PathBuf);
impl Drop for Pins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn object_bytes(text: &str, cpu: CpuVersion) -> Vec<u8> {
    let m = ir::text::parser::parse_module(text, diag::FileId(0)).expect("IR parses");
    let opts = CodegenOptions {
        cpu,
        debug_info: true,
        big_endian: false,
    };
    let am = compile_module(&m, &opts).expect("codegen succeeds");
    let aopts = asm::AsmOptions {
        cpu: CpuVersion::V4,
        ..Default::default()
    };
    let obj = asm::assemble(&am, diag::FileId(0), &aopts).expect("assembles");
    linker::elf_write::write_object(&obj)
}

fn run(tool: &Path, obj: &Path, tag: &str, expect: &[(Vec<u8>, i64)]) -> Result<(), String> {
    let pins = Pins(Path::new("/sys/fs/bpf").join(tag));
    let out = Command::new(tool)
        .args(["prog", "loadall"])
        .arg(obj)
        .arg(&pins.0)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "load failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let progs: Vec<PathBuf> = std::fs::read_dir(&pins.0)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    for p in progs {
        for (i, (input, want)) in expect.iter().enumerate() {
            let data = obj.with_extension(format!("in{i}"));
            std::fs::write(&data, input).map_err(|e| e.to_string())?;
            let out = Command::new(tool)
                .args(["prog", "run", "pinned"])
                .arg(&p)
                .arg("data_in")
                .arg(&data)
                .args(["repeat", "1"])
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let got = text
                .split("Return value:")
                .nth(1)
                .and_then(|r| r.split(',').next())
                .and_then(|n| n.trim().parse::<i64>().ok());
            if got != Some(*want) {
                return Err(format!(
                    "{}: input {i}: want {want}, got {text}{}",
                    p.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn kernel_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kernel");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "ir"));
    files.sort();
    // Compiling must work everywhere; loading needs the kernel.
    let objs: Vec<Built> = files
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            [
                CpuVersion::V1,
                CpuVersion::V2,
                CpuVersion::V3,
                CpuVersion::V4,
            ]
            .into_iter()
            .map(move |cpu| {
                (
                    stem.clone(),
                    cpu,
                    object_bytes(&text, cpu),
                    expectations(&text),
                )
            })
            .collect::<Vec<_>>()
        })
        .collect();
    assert!(!objs.is_empty());
    if !is_root() {
        println!("SKIP kernel_runs: not root (loading BPF needs CAP_BPF)");
        return;
    }
    let Some(tool) = bpftool() else {
        println!("SKIP kernel_runs: bpftool not found");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("ebpfc-codegen-kernel-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failures = Vec::new();
    for (stem, cpu, bytes, expect) in &objs {
        let obj = tmp.join(format!("{stem}_{}.o", cpu.name()));
        std::fs::write(&obj, bytes).unwrap();
        let tag = format!("ebpfc-cg-{}-{stem}-{}", std::process::id(), cpu.name());
        if let Err(e) = run(&tool, &obj, &tag, expect) {
            failures.push(format!("{stem} {}: {e}", cpu.name()));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
