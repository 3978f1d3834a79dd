//! The string-dedup index of a BTF string table (`../shared/spec/btf.rst` 2.1: the
//! table is NUL-terminated strings, `name_off`s are byte offsets into it): finds the
//! offset of a whole string already in the table, or appends it.
//!
//! An open-addressing table of `(hash << 32) | (offset + 1)` words (0 = empty slot):
//! no allocation per string, one hash per lookup, the bytes compared in the table
//! itself. The first offset recorded for a string wins.

#[derive(Clone, Debug, Default)]
pub(crate) struct StrIndex {
    slots: Vec<u64>,
    len: usize,
}

/// The index is a function of the table it indexes: two `Btf`s with equal tables compare
/// equal whatever their indexes hold.
impl PartialEq for StrIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for StrIndex {}

/// A well-mixed 32-bit hash of `s`: Fx's multiply-rotate over 8-byte words (read
/// without a copy), then the high half of a final multiply (Fx leaves low bits weak).
#[inline]
fn hash(s: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = s.len() as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = c.iter().rev().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let w = rest
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    (h ^ (h >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32
}

/// True when `table` holds `s` followed by NUL at `off`.
#[inline]
fn at(table: &[u8], off: usize, s: &[u8]) -> bool {
    table.get(off..off + s.len()) == Some(s) && table.get(off + s.len()) == Some(&0)
}

impl StrIndex {
    /// An index of every whole string in `table` (first offset of each wins).
    pub fn build(table: &[u8]) -> Self {
        let count = table.iter().filter(|&&b| b == 0).count();
        let mut idx = StrIndex::with_capacity(count);
        let mut start = 0usize;
        for (i, &b) in table.iter().enumerate() {
            if b == 0 {
                idx.find_or_record(table, &table[start..i], start as u32);
                start = i + 1;
            }
        }
        idx
    }

    pub fn with_capacity(strings: usize) -> Self {
        let size = (strings * 2).next_power_of_two().max(16);
        StrIndex {
            slots: vec![0; size],
            len: 0,
        }
    }

    /// The offset of `s` in `table`, or `None` after recording it at `off` (where the
    /// caller puts it, if not there already).
    fn find_or_record(&mut self, table: &[u8], s: &[u8], off: u32) -> Option<u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let h = hash(s);
        let tag = h;
        let mask = self.slots.len() - 1;
        let mut pos = Self::home(tag) & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                self.slots[pos] = (tag << 32) | (u64::from(off) + 1);
                self.len += 1;
                return None;
            }
            let found = (slot & 0xffff_ffff) as usize - 1;
            if slot >> 32 == tag && at(table, found, s) {
                return Some(found as u32);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Doubles the table. A slot's position derives from its stored tag alone, so no
    /// string is hashed again.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![0; (old.len() * 2).max(16)];
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut pos = Self::home(slot >> 32) & mask;
            while self.slots[pos] != 0 {
                pos = (pos + 1) & mask;
            }
            self.slots[pos] = slot;
        }
    }

    /// The first slot to probe for a tag (the hash's high half).
    #[inline]
    fn home(tag: u64) -> usize {
        tag as usize
    }

    /// The offset of `s` in `table`, appending `s` and a NUL if it is not there yet.
    pub fn intern(&mut self, table: &mut Vec<u8>, s: &[u8]) -> u32 {
        let off = table.len() as u32;
        match self.find_or_record(table, s, off) {
            Some(found) => found,
            None => {
                table.extend_from_slice(s);
                table.push(0);
                off
            }
        }
    }
}
