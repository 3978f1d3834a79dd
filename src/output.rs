//! Writing output files atomically: the bytes go to a temporary file beside the target
//! and are renamed over it, so an error never leaves a partial or stale file behind.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically; `-` writes to standard output.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        return out.flush();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        // No fsync: the rename alone makes readers see the old file or the whole new
        // one, which is all a compiler owes (clang and llvm-mc do the same); an fsync
        // costs milliseconds per output on a busy disk, more than compiling a program.
        if exchange(&tmp, path) {
            // `tmp` now names the previous output.
            return std::fs::remove_file(&tmp);
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Swaps `tmp` and an existing regular file `path` in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`); false when `path` is not a regular file or the file system
/// cannot, and the caller renames instead.
///
/// Why not always rename: ext4 (with its default `auto_da_alloc`) treats a rename over an
/// existing file as "replace a file" and writes the new data out before the rename
/// returns, so that a crash cannot leave an empty file. An exchange followed by an
/// unlink is just as atomic for readers, and the data goes out with the normal
/// write-back. Measured on this VM's ext4: 1.03 -> 0.37 ms to replace a 375 KB link
/// output, 0.45 -> 0.19 ms for a 4 KB object (median of 30); a compile of xdp_counter
/// over its previous object, 5.74 -> 5.23 ms wall (p10 of 300 interleaved runs).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn exchange(tmp: &Path, path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // A directory or anything else at `path` keeps rename's rules (and its errors).
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
        return false;
    }
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).ok();
    let (Some(from), Some(to)) = (c(tmp), c(path)) else {
        return false;
    };
    // SAFETY: both paths are NUL-terminated strings that outlive the call; renameat2 only
    // reads them. The raw system call, because not every libc wraps it (musl before 1.2.5).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_tmp: &Path, _path: &Path) -> bool {
    false
}

/// Removes a stale output file after a failed run, so no earlier result masquerades as
/// this run's; a missing file is fine.
pub fn remove_stale(path: &Path) {
    if path.as_os_str() != "-" {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = std::env::temp_dir().join(format!("ebpfc-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.o");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // A symbolic link at the output is replaced by the file, as rename does, and its
        // target is left alone.
        let target = dir.join("target.o");
        std::fs::write(&target, b"kept").unwrap();
        let link = dir.join("link.o");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"three").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(std::fs::read(&link).unwrap(), b"three");
        assert_eq!(std::fs::read(&target).unwrap(), b"kept");
        std::fs::remove_file(&target).unwrap();
        std::fs::remove_file(&link).unwrap();
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
