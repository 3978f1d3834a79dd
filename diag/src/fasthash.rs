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
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
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

/// The `BuildHasher` of [`FastMap`] and [`FastSet`].
pub type FastBuild = BuildHasherDefault<FastHasher>;
pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<K> = HashSet<K, FastBuild>;
