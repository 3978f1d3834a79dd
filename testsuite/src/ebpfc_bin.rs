//! The `ebpfc` command-line binary for the tests that drive it as a user would: the one
//! in the same target directory as the running test (`<target>/[<triple>/]<profile>/`),
//! built with cargo first (once per test process) when missing or older than the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The binary, or None after printing `SKIP <test>: ...` when it cannot be built.
pub fn ebpfc_bin(test: &str) -> Option<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BIN.get_or_init(find_or_build) {
        Ok(bin) => Some(bin.clone()),
        Err(why) => {
            println!("SKIP {test}: {why}");
            None
        }
    }
}

/// The target directory's root: the highest of the test's ancestors that cargo marks
/// as a build directory (with `CACHEDIR.TAG`; so is `<target>/<triple>` when the
/// workspace builds for an explicit target, as its `.cargo/config.toml` makes it).
fn target_root(profile_dir: &Path) -> Option<&Path> {
    let mut root = profile_dir.parent()?;
    while let Some(up) = root.parent().filter(|p| p.join("CACHEDIR.TAG").is_file()) {
        root = up;
    }
    Some(root)
}

fn find_or_build() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no test path: {e}"))?;
    // <profile>/deps/<test> → <profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("test binary outside a target directory")?;
    let bin = profile_dir.join("ebpfc");
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match (mtime(&bin), mtime(&exe)) {
        (Some(b), Some(t)) => b < t,
        _ => true,
    };
    if stale {
        let root = target_root(profile_dir).ok_or("no target directory")?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-q", "-p", "ebpfc", "--bin", "ebpfc"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("CARGO_TARGET_DIR", root);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let built = cmd.status().map(|s| s.success()).unwrap_or(false);
        if !built && !bin.is_file() {
            return Err(format!("cannot build {}", bin.display()));
        }
    }
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("cargo built ebpfc, but not at {}", bin.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_above_a_triple_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("target");
        let nested = root.join("x86_64-unknown-linux-gnu/debug");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.join("CACHEDIR.TAG"), "").unwrap();
        std::fs::write(root.join("x86_64-unknown-linux-gnu/CACHEDIR.TAG"), "").unwrap();
        assert_eq!(target_root(&nested), Some(root.as_path()));
        let flat = root.join("release");
        std::fs::create_dir_all(&flat).unwrap();
        assert_eq!(target_root(&flat), Some(root.as_path()));
    }
}
