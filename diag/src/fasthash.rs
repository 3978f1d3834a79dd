//! A small, fast, non-cryptographic hasher (the multiply-rotate scheme rustc uses
//! internally, "FxHash") for every stage's lookup tables: the preprocessor's macro
//! names, interned spellings and hide sets; the parser's typedef scopes; sema's scopes
//! and member names; the type interner; gvn's value numbers and isel's maps; the
//! linker's type labels, signatures and strings. Keys come from the program or objects
//! being processed, not from an attacker, so SipHash's DoS resistance buys nothing
//! (a slow compile or link at worst).
//!
//! Invariant: no table hashed with this is ever iterated to produce output (output
//! order never depends on hashing), so determinism does not depend on the hash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher state.
#[derive(Clone, Copy, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(bytes, rest) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves entropy in the high bits; hash tables index by the low
        // ones, so rotate the good bits down.
        self.0.rotate_left(26)
    }
}

/// The last 1-7 bytes of `bytes` (`rest`) as a little-endian word with zero high bytes
/// (what copying them into a zeroed `[u8; 8]` gives), read by fixed-size loads: the
/// copy was a `memcpy` call of variable length for every hashed spelling, and hashing
/// is on the preprocessor's path for every identifier (interning, macro names).
#[inline]
fn tail_word(bytes: &[u8], rest: &[u8]) -> u64 {
    let n = rest.len();
    debug_assert!((1..8).contains(&n));
    if bytes.len() >= 8 {
        // The whole last word, shifted so only `rest` remains (in the low bytes).
        let last: [u8; 8] = bytes[bytes.len() - 8..].try_into().unwrap_or_default();
        u64::from_le_bytes(last) >> (8 * (8 - n))
    } else if n >= 4 {
        // Two 4-byte reads that overlap on equal bytes when n < 8.
        let lo = u32::from_le_bytes(rest[..4].try_into().unwrap_or_default());
        let hi = u32::from_le_bytes(rest[n - 4..].try_into().unwrap_or_default());
        u64::from(lo) | (u64::from(hi) << (8 * (n - 4)))
    } else {
        // 1-3 bytes: first, middle and last (some the same byte).
        u64::from(rest[0])
            | (u64::from(rest[n / 2]) << (8 * (n / 2)))
            | (u64::from(rest[n - 1]) << (8 * (n - 1)))
    }
}

/// The `BuildHasher` of [`FastMap`] and [`FastSet`].
pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<K> = HashSet<K, FastBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash as it was computed before `tail_word`: the trailing bytes copied into a
    /// zeroed word. Hash values must not change (they decide table layouts).
    fn reference(bytes: &[u8]) -> u64 {
        let mut h = FastHasher::default();
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
        h.finish()
    }

    #[test]
    fn tail_reads_hash_as_the_copy_did() {
        let data: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
        for start in 0..8 {
            for len in 0..40 {
                let s = &data[start..start + len];
                let mut h = FastHasher::default();
                h.write(s);
                assert_eq!(h.finish(), reference(s), "start {start} len {len}");
            }
        }
    }
}
