//! The `ebpfc` command line as the benchmarks run it: the release binary built next to
//! them (`cargo build --release -p ebpfc`), copied into a temporary folder with
//! `std::fs::copy`, as `cargo install` installs it.
//!
//! Why a copy: a binary the linker has just written starts measurably slower, for as
//! long as the pages it wrote stay cached. Those pages sit in the page cache as the
//! writes left them, while a copied file (`copy_file_range`) or one read back from disk
//! (read-ahead) is cached in larger pieces, and the process takes fewer page faults to
//! run it: `ebpfc --version` 52 faults on the linker's file against 42 on a copy, and a
//! compile of stddef.bpf.c 1.94 ms of wall time against 1.67 (median of 200 interleaved
//! runs). Once the page cache was dropped and both files read back, both ran alike
//! (2.52 and 2.55 ms). An installed copy is what a Makefile usually runs.

use std::path::{Path, PathBuf};

/// A copy of the `ebpfc` binary that lives as long as this value.
#[derive(Debug)]
pub struct InstalledCli {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl InstalledCli {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Copies the `ebpfc` binary next to the running benchmark; None when there is none or
/// the copy fails (after saying why).
pub fn installed_cli() -> Option<InstalledCli> {
    let built = std::env::current_exe()
        .ok()?
        .parent()?
        .join("ebpfc")
        .canonicalize()
        .ok()
        .filter(|p| p.is_file())?;
    let copy = || -> std::io::Result<InstalledCli> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("ebpfc");
        std::fs::copy(&built, &path)?;
        Ok(InstalledCli { path, _dir: dir })
    };
    copy()
        .map_err(|e| println!("(cannot copy {}: {e})", built.display()))
        .ok()
}
