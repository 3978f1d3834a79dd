//! Reading an input file for the static linker without its DWARF: the file's bytes,
//! except the contents of the sections that
//! [`read_object_with`](crate::elf_read::read_object_with) with `skip_debug` never looks
//! at (`.debug_*` and the REL sections that patch them), which are left as the buffer
//! held them (zeros, or bytes of a file read before: never looked at, so the object
//! read is the same either way, and not writing them saves clearing 200 KB per
//! bench-link input). Section layout follows the ELF64 header and section header table
//! (`e_shoff`, `e_shnum`, `e_shstrndx`; 64-byte entries with `sh_name`, `sh_type`,
//! `sh_offset`, `sh_size`, `sh_info`).
//!
//! Why: DWARF is most of a clang `-g` object (bench-link: 200 of 350 KB per input), and
//! copying it out of the page cache was an eighth of a link's time.
//!
//! Anything unusual (not ELF64, an archive, extended section numbering, a section table
//! or name table outside the file, a DWARF section overlapping bytes the reader uses)
//! reads the whole file, so the ELF reader sees exactly what it would have seen and
//! reports any problem itself.

use crate::elf_read::{SHT_NOBITS, read_input_with, skipped_as_debug};
use crate::object::Object;
use diag::{Diagnostic, codes};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Reads objects and archives for a link, as [`link_stream`](crate::link::link_stream)'s
/// `read` wants them: without their DWARF ([`read_for_link`]), each into a buffer that
/// later reads reuse (a fresh buffer per file would cost a page fault per 4 KiB of
/// input), so a link's threads share as many buffers as they read files at once. Share
/// one reader between the threads of a link.
///
/// The buffers live in the reader and go with it: in thread-locals, the calling
/// thread's would outlive the link.
#[derive(Debug, Default)]
pub struct LinkReader {
    spare: Mutex<Vec<Vec<u8>>>,
}

impl LinkReader {
    /// The object, or the members of the archive, at `path`. An unreadable file is an
    /// `E_IO` error naming it.
    pub fn read(&self, path: &Path) -> Result<Vec<(String, Object)>, Diagnostic> {
        let mut buf = self.spare().pop().unwrap_or_default();
        let name = path.display().to_string();
        let read = File::open(path)
            .and_then(|mut f| read_for_link(&mut f, &mut buf))
            .map_err(|e| Diagnostic::error(codes::E_IO, format!("{name}: {e}")))
            .and_then(|()| read_input_with(&buf, &name, true));
        self.spare().push(buf);
        read
    }

    fn spare(&self) -> MutexGuard<'_, Vec<Vec<u8>>> {
        // Nothing panics while the lock is held (a pop or a push).
        self.spare.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Reads `file` into `buf` (replacing its contents), except the DWARF sections' bytes.
pub fn read_for_link(file: &mut File, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    let Ok(len) = usize::try_from(len) else {
        return read_whole(file, buf);
    };
    let mut head = [0u8; 64];
    if len < 64 || file.read_exact_at(&mut head, 0).is_err() {
        return read_whole(file, buf);
    }
    let Some(skipped) = debug_ranges(file, &head, len)? else {
        return read_whole(file, buf);
    };
    // The buffer keeps its old bytes (only its growth is zeroed): every byte outside
    // the skipped ranges is read below.
    buf.truncate(len);
    buf.resize(len, 0);
    let mut pos = 0usize;
    for (start, end) in skipped.into_iter().chain(std::iter::once((len, len))) {
        if start > pos {
            file.read_exact_at(&mut buf[pos..start], pos as u64)?;
        }
        pos = pos.max(end);
    }
    Ok(())
}

fn read_whole(file: &mut File, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    file.read_to_end(buf).map(|_| ())
}

/// The byte ranges of the sections the linker skips, sorted and merged; None when the
/// file is not a plain ELF64 object this reader understands.
fn debug_ranges(
    file: &File,
    head: &[u8; 64],
    len: usize,
) -> std::io::Result<Option<Vec<(usize, usize)>>> {
    if &head[..4] != b"\x7fELF" || head[4] != 2 {
        return Ok(None);
    }
    let big = match head[5] {
        1 => false,
        2 => true,
        _ => return Ok(None),
    };
    let u16_at = |b: &[u8], o: usize| {
        let w = [b[o], b[o + 1]];
        usize::from(if big {
            u16::from_be_bytes(w)
        } else {
            u16::from_le_bytes(w)
        })
    };
    let u32_at = |b: &[u8], o: usize| {
        let w = [b[o], b[o + 1], b[o + 2], b[o + 3]];
        if big {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        }
    };
    let u64_at = |b: &[u8], o: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[o..o + 8]);
        if big {
            u64::from_be_bytes(w)
        } else {
            u64::from_le_bytes(w)
        }
    };
    let (shoff, shentsize, shnum, shstrndx) = (
        u64_at(head, 40),
        u16_at(head, 58),
        u16_at(head, 60),
        u16_at(head, 62),
    );
    let Ok(shoff) = usize::try_from(shoff) else {
        return Ok(None);
    };
    if shentsize != 64 || shnum == 0 || shstrndx >= shnum {
        return Ok(None);
    }
    if shoff.checked_add(shnum * 64).is_none_or(|e| e > len) {
        return Ok(None);
    }
    let mut table = vec![0u8; shnum * 64];
    file.read_exact_at(&mut table, shoff as u64)?;
    struct Sec {
        name: u32,
        kind: u32,
        offset: usize,
        size: usize,
        info: usize,
    }
    let mut secs = Vec::with_capacity(shnum);
    for e in table.chunks_exact(64) {
        let (Ok(offset), Ok(size)) = (
            usize::try_from(u64_at(e, 24)),
            usize::try_from(u64_at(e, 32)),
        ) else {
            return Ok(None);
        };
        secs.push(Sec {
            name: u32_at(e, 0),
            kind: u32_at(e, 4),
            offset,
            size,
            info: u32_at(e, 44) as usize,
        });
    }
    let names = &secs[shstrndx];
    if names.offset.checked_add(names.size).is_none_or(|e| e > len) {
        return Ok(None);
    }
    let mut strtab = vec![0u8; names.size];
    file.read_exact_at(&mut strtab, names.offset as u64)?;
    let name = |s: &Sec| {
        let rest = strtab.get(s.name as usize..).unwrap_or(&[]);
        &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())]
    };
    let skipped = |s: &Sec| {
        let target = secs.get(s.info).map(|t| (t.kind, name(t)));
        s.kind != SHT_NOBITS && skipped_as_debug(s.kind, name(s), target)
    };
    let span = |s: &Sec| Some((s.offset, s.offset.checked_add(s.size)?)).filter(|&(_, e)| e <= len);
    let mut ranges = Vec::new();
    // Bytes the reader does look at: the header, the section table and every other
    // section's contents. A skipped range that overlaps one of them (a crafted file)
    // makes the whole file be read.
    let mut kept = vec![(0, 64), (shoff, shoff + shnum * 64)];
    for s in &secs {
        match (skipped(s), span(s)) {
            (true, Some(r)) => ranges.push(r),
            (true, None) => return Ok(None),
            (false, Some(r)) if s.kind != SHT_NOBITS => kept.push(r),
            _ => {}
        }
    }
    if ranges
        .iter()
        .any(|&(s, e)| kept.iter().any(|&(ks, ke)| s < ke && ks < e))
    {
        return Ok(None);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok(Some(merged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf_read::read_object_with;
    use crate::object::{Endian, Object, Section, SectionKind};

    /// An object with a `.text`, a `.debug_info` and a `.BTF`-like section.
    fn object_bytes() -> Vec<u8> {
        let mut obj = Object::new(Endian::Little);
        for (name, byte, len) in [
            (".text", 0x95u8, 16),
            (".debug_info", 0xaa, 4096),
            (".BTF", 0x11, 40),
        ] {
            let mut s = Section::new(name, SectionKind::Progbits, 0, 8);
            s.data = vec![byte; len];
            s.size = len as u64;
            obj.sections.push(s);
        }
        crate::elf_write::write_object(&obj)
    }

    /// [`read_for_link`] of a file holding `bytes`, in a temporary folder named after
    /// `tag`.
    fn read_sparse(tag: &str, bytes: &[u8], buf: &mut Vec<u8>) {
        let dir = std::env::temp_dir().join(format!("ebpfc-sparse-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("input");
        std::fs::write(&path, bytes).unwrap();
        read_for_link(&mut File::open(&path).unwrap(), buf).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Reads `whole` and `sparse` as objects, checks that they write the same bytes and
    /// returns the object.
    fn same_object(whole: &[u8], sparse: &[u8]) -> Object {
        let (a, b) = (
            read_object_with(whole, "a.o", true).unwrap(),
            read_object_with(sparse, "a.o", true).unwrap(),
        );
        assert_eq!(
            crate::elf_write::write_object(&a),
            crate::elf_write::write_object(&b)
        );
        a
    }

    #[test]
    fn dwarf_bytes_are_not_read_and_the_object_reads_the_same() {
        let bytes = object_bytes();
        let mut buf = vec![0xee; 10];
        read_sparse("dwarf", &bytes, &mut buf);
        assert_eq!(buf.len(), bytes.len());
        assert!(
            !buf.windows(64).any(|w| w.iter().all(|&b| b == 0xaa)),
            "DWARF skipped"
        );
        assert_eq!(same_object(&bytes, &buf).sections.len(), 3);
    }

    /// Whatever a damaged section table says, the sparse read shows the ELF reader the
    /// same object (or the same error) as the whole file.
    #[test]
    fn damaged_section_tables_read_the_same_as_whole_files() {
        let bytes = object_bytes();
        let shoff = u64::from_le_bytes(bytes[40..48].try_into().unwrap()) as usize;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut buf = Vec::new();
        for _ in 0..400 {
            let mut m = bytes.clone();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = shoff + (seed as usize >> 8) % (m.len() - shoff);
                m[at] = (seed >> 56) as u8;
            }
            read_sparse("mut", &m, &mut buf);
            let whole =
                read_object_with(&m, "m.o", true).map(|o| crate::elf_write::write_object(&o));
            let sparse =
                read_object_with(&buf, "m.o", true).map(|o| crate::elf_write::write_object(&o));
            assert_eq!(whole.map_err(|e| e.message), sparse.map_err(|e| e.message));
        }
    }

    #[test]
    fn bytes_left_from_an_earlier_file_change_nothing() {
        let bytes = object_bytes();
        let mut buf = vec![0x5a; bytes.len() * 2];
        read_sparse("stale", &bytes, &mut buf);
        assert_eq!(buf.len(), bytes.len());
        assert!(
            buf.windows(64).any(|w| w.iter().all(|&b| b == 0x5a)),
            "left as it was"
        );
        same_object(&bytes, &buf);
    }

    #[test]
    fn non_elf_files_are_read_whole() {
        let content = b"!<arch>\nnot really an archive, but not ELF either".repeat(3);
        let mut buf = Vec::new();
        read_sparse("ar", &content, &mut buf);
        assert_eq!(buf, content);
    }
}
