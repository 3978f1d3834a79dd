//! Finding the reference tools (clang-19, llvm-mc-19, llvm-objdump-19, bpftool), the
//! system's multiarch include directory and the kernel's BPF permission. Tests that need
//! a tool call [`require`] and return early, printing why they skip, where it is missing.

use std::path::PathBuf;
use std::process::Command;

/// The path of an executable on `PATH`, if present.
pub fn find(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

/// Returns the tool's path, or prints `SKIP <test>: <tool> not found` and returns None.
pub fn require(test: &str, tool: &str) -> Option<PathBuf> {
    let found = find(tool);
    if found.is_none() {
        println!(
            "SKIP {test}: `{tool}` is not installed (apt-get install clang-19 llvm-19 bpftool libbpf-dev)"
        );
    }
    found
}

/// `-I/usr/include/<multiarch>` for each multiarch directory holding `asm/types.h` (where
/// Debian keeps it; `<linux/bpf.h>` needs it when clang targets BPF).
pub fn multiarch_includes() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/usr/include") {
        let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for d in dirs {
            if d.join("asm/types.h").is_file()
                && d.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("-linux-"))
            {
                out.push(format!("-I{}", d.display()));
            }
        }
    }
    out
}

/// True when this process may load BPF programs (root, or CAP_BPF); otherwise prints why
/// the test skips.
pub fn require_bpf(test: &str) -> bool {
    let ok = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !ok {
        println!("SKIP {test}: loading BPF programs needs root or CAP_BPF");
    }
    ok
}
