//! Source files and byte spans into them.
//!
//! A [`SourceMap`] owns the text of every file a run reads (including headers and
//! `<stdin>`); a [`Span`] is a half-open byte range in one of them. Line and column
//! numbers are 1-based, columns counted in bytes, as clang and rustc print them.

use std::sync::{Arc, OnceLock};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `[start, end)` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

// `#[inline]`: the lexer, preprocessor and parser call these once per token or node,
// from other crates.
impl Span {
    #[inline]
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both (they must be in the same file).
    #[inline]
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One file's name and text, with its line starts for line/column lookups.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Found on the first lookup: most headers a compile reads (type and macro
    /// definitions) never need one, and scanning them cost 3% of a small compile.
    line_starts: OnceLock<Vec<u32>>,
}

/// The offset of each line's start in `text`: 0, then one past each `\n`.
///
/// Scans eight bytes per step (a `\n` byte found by the exact SWAR zero-byte test on
/// the word XOR `\n`s), with room for all lines counted first: `-E` and debug lines
/// need the starts of every file they print from, and a byte-at-a-time filter into a
/// doubling Vec cost 3.7M of the bench-compile suite's instructions.
fn newline_ends(text: &[u8]) -> Vec<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // 0x80 in each byte of `w` equal to `\n`, 0 elsewhere (exact: no carries between
    // bytes, unlike the shorter `(x - ONES) & !x` test).
    let newlines = |w: u64| {
        let x = w ^ (ONES * u64::from(b'\n'));
        !(((x & LOW7) + LOW7) | x | LOW7)
    };
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    let chunks = text.chunks_exact(8);
    let tail = chunks.remainder();
    let count = chunks
        .clone()
        .map(|c| newlines(word(c)).count_ones() as usize)
        .sum::<usize>()
        + tail.iter().filter(|&&b| b == b'\n').count();
    let mut starts = Vec::with_capacity(count + 1);
    starts.push(0u32);
    let at = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    for (k, c) in chunks.enumerate() {
        let mut m = newlines(word(c));
        while m != 0 {
            starts.push(at(k * 8 + m.trailing_zeros() as usize / 8));
            m &= m - 1;
        }
    }
    let base = text.len() - tail.len();
    for (i, &b) in tail.iter().enumerate() {
        if b == b'\n' {
            starts.push(at(base + i));
        }
    }
    starts
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// The byte offset of each line's start, the first line's (0) included.
    fn line_starts(&self) -> &[u32] {
        self.line_starts
            .get_or_init(|| newline_ends(self.text.as_bytes()))
    }

    /// 1-based line and column of a byte offset (offsets past the end clamp to it).
    pub fn line_col(&self, byte_off: u32) -> (u32, u32) {
        let off = byte_off.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let starts = self.line_starts();
        let line_idx = match starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = off - starts[line_idx] + 1;
        (u32::try_from(line_idx + 1).unwrap_or(u32::MAX), col)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = (line as usize).saturating_sub(1);
        let starts = self.line_starts();
        let Some(&start) = starts.get(idx) else {
            return "";
        };
        let end = starts
            .get(idx + 1)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text
            .get(start as usize..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Byte offset where a 1-based line starts (the text's length past the last line).
    pub fn line_offset(&self, line: u32) -> usize {
        let idx = (line as usize).saturating_sub(1);
        self.line_starts()
            .get(idx)
            .map_or(self.text.len(), |&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// Every file read during one run.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// `file:line:col` of the start of a span, or `<unknown>`.
    pub fn location(&self, span: Span) -> String {
        match self.get(span.file) {
            Some(f) => {
                let (l, c) = f.line_col(span.start);
                format!("{}:{}:{}", f.name, l, c)
            }
            None => "<unknown>".to_string(),
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let f = SourceFile::new("a.c", "ab\ncd\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_text(2), "cd");
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn line_starts_match_a_byte_scan() {
        // Newlines at every position of a word, next to bytes that differ from `\n` in
        // one bit (0x0b, 0x0e, 0x8a) or are its neighbours, and a partial last word.
        let bytes: Vec<u8> = (0..200u32)
            .map(|i| match (i * 7 + i / 9) % 6 {
                0 | 1 => b'\n',
                2 => 0x0b,
                3 => 0x09,
                4 => 0x8a,
                _ => b'a' + (i % 26) as u8,
            })
            .collect();
        for len in 0..bytes.len() {
            let text = &bytes[..len];
            let mut want = vec![0u32];
            want.extend(
                text.iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            assert_eq!(newline_ends(text), want, "len {len}");
        }
    }
}
