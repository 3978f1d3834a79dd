//! Incremental pre-deduplication for the static linker: as each input's BTF arrives, its
//! types that are structurally equal to a type already merged are mapped to that type
//! instead of being appended (`../shared/spec/btf.rst` section 2 for what a type's local
//! facts and references are). In a link, every input repeats the shared headers, so
//! most input types never reach the merged list: they are not copied, their strings are
//! not interned, and the final [`dedup_flat`](super::dedup::dedup_flat) runs on the few
//! types left (bench-link: 59,002 input types, 4,149 merged).
//!
//! Exactness: the final dedup keeps the lowest id of each class, in order; a type found
//! equal here is one the final dedup would have merged into the same first occurrence,
//! so the output is the same bytes as without this step. Only sound merges are made
//! (a walk that pairs types with equal local facts along every reference, cycles
//! assumed equal, Hopcroft-Karp style); anything in doubt is appended and left to the
//! final dedup. Types the linker may still change or that must stay apart are never
//! merged here ("pinned"): VAR and DATASEC (unique by rule), FWD (resolved later, and
//! counted per type in `--verbose`), and FUNC_PROTOs with an unnamed parameter (an
//! extern's prototype, whose names the linker fills in from the definition).
//!
//! Method: per input (in parallel, [`input_hashes`]), every type gets a hash of its
//! local facts with names hashed by their bytes, and one round mixes in those of the
//! types it refers to; equal types always get equal hashes. Then (sequentially,
//! [`Prededup::map_input`]) each type, in id order, is compared with the merged types of
//! its hash by the walk. An input whose walks take far more steps than it has types
//! (long chains of pointers) is decided children first instead: by strongly connected
//! components, a type on no cycle after what it refers to, with one lookup.

use super::Kind;
use super::flat::FlatTypes;
use diag::fasthash::FastMap;

/// Walk steps per input type after which an input is decided children first: real
/// inputs take a few (bench-link: 2.5; one walk maps a type and what it refers to).
const WALK_STEPS_PER_TYPE: u64 = 64;

/// Not decided yet (in an input's map).
const UNDECIDED: u32 = u32::MAX;
/// Decided: to be appended.
pub(crate) const APPEND: u32 = u32::MAX - 1;

#[inline]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The end of a string's hash: the last `k` (< 8) bytes, in `word`, tagged with their
/// count; 32 bits (never 0) are plenty to pick candidates.
#[inline]
fn finish_hash(h: u64, word: u64, k: u32) -> u32 {
    let h = if k > 0 {
        mix(h, word ^ (u64::from(k) << 56))
    } else {
        h
    };
    (h.rotate_left(26) >> 32) as u32 | 1
}

/// The hash of `bytes` up to their first NUL (or their end), and that NUL's index
/// (None when there is none). The hash mixes in the string's 8-byte little-endian words,
/// then its last partial word tagged with its length ([`finish_hash`]). A word holding
/// the NUL is found by a bit trick (the lowest flagged byte is the first zero; flags
/// above it may be false).
fn hash_cstr(bytes: &[u8]) -> (u32, Option<usize>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut h = 0;
    let mut chunks = bytes.chunks_exact(8);
    for (i, c) in (&mut chunks).enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = u64::from_le_bytes(w);
        let zeros = w.wrapping_sub(ONES) & !w & HIGHS;
        if zeros != 0 {
            let k = zeros.trailing_zeros() / 8;
            let before = if k == 0 {
                0
            } else {
                w & (u64::MAX >> (64 - 8 * k))
            };
            return (finish_hash(h, before, k), Some(8 * i + k as usize));
        }
        h = mix(h, w);
    }
    let tail = chunks.remainder();
    let nul = tail.iter().position(|&b| b == 0);
    let k = nul.unwrap_or(tail.len());
    let mut w = [0u8; 8];
    w[..k].copy_from_slice(&tail[..k]);
    let at = nul.map(|k| bytes.len() - tail.len() + k);
    (finish_hash(h, u64::from_le_bytes(w), k as u32), at)
}

/// Hashes of an input's strings by their bytes (32 bits are plenty to pick candidates),
/// computed in one pass over the table (index = offset of a string's first byte; 0 =
/// not a string start, hashed on demand).
struct StrHashes<'a> {
    strings: &'a [u8],
    memo: Vec<u32>,
}

impl<'a> StrHashes<'a> {
    /// One string after the other, 8 bytes at a time (a byte at a time, this was half
    /// of the work of preparing an input's BTF).
    fn new(strings: &'a [u8]) -> Self {
        let mut memo = vec![0u32; strings.len()];
        let mut start = 0;
        while let Some(rest) = strings.get(start..).filter(|r| !r.is_empty()) {
            let (hash, Some(nul)) = hash_cstr(rest) else {
                break;
            };
            memo[start] = hash;
            start += nul + 1;
        }
        StrHashes { strings, memo }
    }

    #[inline]
    fn get(&self, off: u32) -> u64 {
        match self.memo.get(off as usize) {
            Some(&h) if h != 0 => u64::from(h),
            _ => u64::from(hash_cstr(self.strings.get(off as usize..).unwrap_or(&[])).0),
        }
    }
}

/// Hash of a type's local facts (kind, flags, vlen, name bytes, sizes, member names and
/// offsets, values; not the ids it refers to). Written out per kind: this runs once per
/// input type. Two 32-bit facts go into one 64-bit mix where they can (the mixes form
/// one dependent chain, so their number is the cost).
fn label_hash(t: &FlatTypes, strings: &StrHashes, id: u32) -> u64 {
    let pair = |lo: u64, hi: u32| lo | u64::from(hi) << 32;
    let [name, info, head, _] = t.hdr[id as usize];
    let mut h = mix(0, pair(strings.get(name), info));
    let body = t.body(id);
    match t.kind(id) {
        Kind::Int => h = mix(h, pair(u64::from(head), body[0])),
        Kind::Array => h = mix(h, u64::from(body[2])),
        Kind::Struct | Kind::Union => {
            h = mix(h, u64::from(head));
            for m in body.chunks_exact(3) {
                h = mix(h, pair(strings.get(m[0]), m[2]));
            }
        }
        Kind::Enum => {
            h = mix(h, u64::from(head));
            for v in body.chunks_exact(2) {
                h = mix(h, pair(strings.get(v[0]), v[1]));
            }
        }
        Kind::Enum64 => {
            h = mix(h, u64::from(head));
            for v in body.chunks_exact(3) {
                h = mix(mix(h, pair(strings.get(v[0]), v[1])), u64::from(v[2]));
            }
        }
        Kind::FuncProto => {
            for p in body.chunks_exact(2) {
                h = mix(h, strings.get(p[0]));
            }
        }
        Kind::Var | Kind::DeclTag => h = mix(h, u64::from(body[0])),
        Kind::Datasec => {
            h = mix(h, u64::from(head));
            for v in body.chunks_exact(3) {
                h = mix(h, pair(u64::from(v[1]), v[2]));
            }
        }
        Kind::Float => h = mix(h, u64::from(head)),
        // FWD, and the kinds whose only other fact is the type they refer to (PTR,
        // TYPEDEF, the modifiers, FUNC with its linkage in `info`).
        _ => {}
    }
    h
}

/// The hash of every type of one input (index = id; 0 for void): its local facts, then
/// one round mixing in the local facts of the types it refers to (a second round found
/// no more merges on bench-link and cost a sixth of the hashing). Pure, so inputs can be
/// hashed in parallel. The result goes in the buffer of `reuse` (whose contents are
/// dropped).
pub(crate) fn input_hashes(t: &FlatTypes, strings: &[u8], reuse: Vec<u64>) -> Vec<u64> {
    let n = t.len();
    let strings = StrHashes::new(strings);
    let label: Vec<u64> = std::iter::once(u64::MAX)
        .chain((1..=n as u32).map(|id| label_hash(t, &strings, id)))
        .collect();
    let mut hash = reuse;
    hash.clear();
    hash.reserve(n + 1);
    hash.push(label[0]);
    for id in 1..=n as u32 {
        let mut h = mix(label[id as usize], 0x9e37_79b9);
        t.for_each_ref(id, |r| {
            h = mix(h, label.get(r as usize).copied().unwrap_or(0))
        });
        hash.push(h);
    }
    hash
}

/// The merged types' index: their hashes and, per hash, the merged types to try.
#[derive(Debug, Default)]
pub(crate) struct Prededup {
    /// Per merged id: its hash (0 for void).
    hash: Vec<u64>,
    /// First and last merged type of each hash; `chain[id]` is the next one of the same
    /// hash.
    heads: FastMap<u64, (u32, u32)>,
    chain: Vec<u32>,
    /// Per merged id: whether it is offered as a candidate (not pinned).
    candidate: Vec<bool>,
    /// The candidates by [`children_key`] (hash and referenced merged ids), for the
    /// input types on no cycle once decided children first; `by_children_chain[id]` is
    /// the next one of the same key. Built when first needed, up to `children_indexed`.
    by_children: FastMap<u64, (u32, u32)>,
    by_children_chain: Vec<u32>,
    children_indexed: usize,
    /// Walk steps taken for the current input (see [`WALK_STEPS_PER_TYPE`]).
    steps: u64,
    /// Walk state over the current input's ids: `hyp[x]` is valid when
    /// `stamp[x] == epoch`.
    hyp: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
    stack: Vec<(u32, u32)>,
    pairs: Vec<u32>,
}

/// One input as the walk sees it.
struct Input<'a> {
    t: &'a FlatTypes,
    strings: &'a [u8],
    hash: &'a [u64],
}

/// The merged types as the walk sees them, with the linker's per-input string map:
/// `str_map[input offset]` is the merged offset of the same string once known
/// (`u32::MAX` before; offsets it sets are pushed on `touched`). Merged strings are
/// interned, so an input string equals at most one merged offset and each one is
/// compared byte by byte once.
pub(crate) struct Merged<'a> {
    pub t: &'a FlatTypes,
    pub strings: &'a [u8],
    pub str_map: &'a mut [u32],
    pub touched: &'a mut Vec<u32>,
}

impl Merged<'_> {
    /// Whether the input's string at `a` equals the merged string at `b`.
    fn same_str(&mut self, input: &[u8], a: u32, b: u32) -> bool {
        match self.str_map.get(a as usize).copied() {
            Some(known) if known != u32::MAX => known == b,
            Some(_) => {
                let same = same_cstr(input, a, self.strings, b);
                if same {
                    self.str_map[a as usize] = b;
                    self.touched.push(a);
                }
                same
            }
            None => same_cstr(input, a, self.strings, b),
        }
    }
}

/// Whether the string at `a` of table `x` equals the one at `b` of table `y` (each ends at
/// its NUL or its table's end, as [`str_bytes_in`] reads them), compared in one pass, 8
/// bytes at a time while both tables have them: the names compared here are mostly a
/// few bytes, for which finding both ends first and then calling `memcmp` took three
/// times as long as a byte loop, and words halve the byte loop's instructions on the
/// longer member and struct names of real headers.
#[inline]
fn same_cstr(x: &[u8], a: u32, y: &[u8], b: u32) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut x = x.get(a as usize..).unwrap_or_default();
    let mut y = y.get(b as usize..).unwrap_or_default();
    while let (Some((wx, rx)), Some((wy, ry))) =
        (x.split_first_chunk::<8>(), y.split_first_chunk::<8>())
    {
        let (wx, wy) = (u64::from_le_bytes(*wx), u64::from_le_bytes(*wy));
        // The lowest flagged byte is the first NUL of `wx` (flags above it may be false).
        let zeros = wx.wrapping_sub(ONES) & !wx & HIGHS;
        let diff = wx ^ wy;
        if diff != 0 {
            // Equal only if both strings end (at the same NUL) before the first
            // differing byte.
            return zeros != 0 && zeros.trailing_zeros() < diff.trailing_zeros();
        }
        if zeros != 0 {
            return true;
        }
        (x, y) = (rx, ry);
    }
    let mut i = 0;
    loop {
        // Past a table's end reads as the NUL that ends its string.
        let (p, q) = (
            x.get(i).copied().unwrap_or(0),
            y.get(i).copied().unwrap_or(0),
        );
        if p != q {
            return false;
        }
        if p == 0 {
            return true;
        }
        i += 1;
    }
}

/// The input's types, strongly connected components children first, each with whether
/// it lies on no cycle (then what it refers to comes before it); the types of a cycle in
/// id order. (Out of line: inputs need it rarely.)
#[cold]
#[inline(never)]
fn children_first(t: &FlatTypes) -> Vec<(u32, bool)> {
    let n = t.len();
    let mut edges = Vec::new();
    let mut starts = vec![0, 0];
    for id in 1..=n as u32 {
        t.for_each_ref(id, |r| edges.push(r));
        starts.push(edges.len());
    }
    let refs = |v: u32| &edges[starts[v as usize]..starts[v as usize + 1]];
    let mut order = Vec::with_capacity(n + 1);
    super::scc::for_each_component(n + 1, refs, |c| {
        let acyclic = c.len() == 1 && !refs(c[0]).contains(&c[0]);
        let start = order.len();
        order.extend(c.iter().map(|&id| (id, acyclic)));
        order[start..].sort_unstable();
    });
    order
}

/// The key of a type among those of its hash: the hash and the merged ids of the types
/// it refers to, in order.
fn children_key(hash: u64, refs: impl Iterator<Item = u32>) -> u64 {
    refs.fold(mix(hash, 0x5bd1_e995), |h, r| mix(h, u64::from(r)))
}

/// Appends `id` to the chain of `key` (earlier merged types are tried first; a walk to
/// the end of the chain made a chain of 10,000 pointers quadratic).
fn push_last(ends: &mut FastMap<u64, (u32, u32)>, next: &mut [u32], key: u64, id: u32) {
    match ends.get_mut(&key) {
        None => {
            ends.insert(key, (id, id));
        }
        Some((_, tail)) => {
            next[*tail as usize] = id;
            *tail = id;
        }
    }
}

impl Prededup {
    /// Maps every type of an input (`t`, names in `strings`, hashes from
    /// [`input_hashes`]) to the merged type it equals, or to [`APPEND`]. Index = input
    /// id; entry 0 is 0 (void).
    pub fn map_input(
        &mut self,
        t: &FlatTypes,
        strings: &[u8],
        hash: &[u64],
        merged: &mut Merged,
    ) -> Vec<u32> {
        let n = t.len();
        let input = Input { t, strings, hash };
        let mut map = vec![UNDECIDED; n + 1];
        map[0] = 0;
        if self.hash.is_empty() {
            self.hash.push(0);
            self.chain.push(UNDECIDED);
            self.candidate.push(false);
        }
        // Room for every input type to be appended, so that the index grows (and
        // rehashes) at most once more: the first input appends all its types.
        self.heads.reserve(n);
        self.hash.reserve(n);
        self.chain.reserve(n);
        self.candidate.reserve(n);
        self.hyp.clear();
        self.hyp.resize(n + 1, 0);
        self.stamp.clear();
        self.stamp.resize(n + 1, 0);
        self.epoch = 0;
        // Each type in id order, compared with the merged types of its hash, as long as
        // the walks stay within a budget; past it (chains of thousands of pointers, each
        // walked down the whole chain for every merged pointer of its hash: minutes),
        // the rest is decided children first ([`children_first`]). One loop serves
        // both, so that the walk stays inlined in it.
        self.steps = 0;
        let budget = WALK_STEPS_PER_TYPE * (n as u64 + 64);
        let mut fallback: Option<Vec<(u32, bool)>> = None;
        let mut next = 0usize;
        loop {
            let (id, acyclic) = match &fallback {
                None if next < n => (next as u32 + 1, false),
                Some(order) if next < order.len() => order[next],
                _ => break,
            };
            next += 1;
            if map[id as usize] != UNDECIDED {
                continue;
            }
            let mut cand = if !acyclic {
                self.heads
                    .get(&hash[id as usize])
                    .map_or(UNDECIDED, |&(h, _)| h)
            } else {
                // What it refers to is decided: the merged types of its hash that refer
                // to the very same (a walk through a decided type needs its very match;
                // none if one was appended).
                let mut key = Some(children_key(hash[id as usize], std::iter::empty()));
                t.for_each_ref(id, |r| {
                    key = key
                        .filter(|_| map[r as usize] != APPEND)
                        .map(|k| mix(k, u64::from(map[r as usize])));
                });
                key.and_then(|k| self.by_children.get(&k))
                    .map_or(UNDECIDED, |&(h, _)| h)
            };
            while cand != UNDECIDED {
                if self.walk(&input, merged, &mut map, id, cand) {
                    break;
                }
                if fallback.is_none() && self.steps > budget {
                    fallback = Some(children_first(t));
                    self.index_children(merged.t);
                    next = 0;
                    break;
                }
                cand = if acyclic {
                    self.by_children_chain[cand as usize]
                } else {
                    self.chain[cand as usize]
                };
            }
            // (Undecided after the switch: it comes again in the new order.)
            if map[id as usize] == UNDECIDED && !(fallback.is_some() && next == 0) {
                map[id as usize] = APPEND;
            }
        }
        map
    }

    /// Records merged type `id` (just appended, with its input hash); pinned types are
    /// never offered as candidates.
    pub fn record(&mut self, id: u32, hash: u64, candidate: bool) {
        debug_assert_eq!(self.hash.len(), id as usize);
        self.hash.push(hash);
        self.chain.push(UNDECIDED);
        self.candidate.push(candidate);
        if candidate {
            push_last(&mut self.heads, &mut self.chain, hash, id);
        }
    }

    /// Adds the candidates of `merged` (whose types [`Self::record`] saw) recorded since
    /// the last call to `by_children`.
    #[cold]
    #[inline(never)]
    fn index_children(&mut self, merged: &FlatTypes) {
        let end = self.hash.len().min(merged.len() + 1);
        self.by_children_chain.resize(end, UNDECIDED);
        for id in self.children_indexed.max(1)..end {
            if self.candidate[id] {
                let mut key = children_key(self.hash[id], std::iter::empty());
                merged.for_each_ref(id as u32, |r| key = mix(key, u64::from(r)));
                push_last(
                    &mut self.by_children,
                    &mut self.by_children_chain,
                    key,
                    id as u32,
                );
            }
        }
        self.children_indexed = self.children_indexed.max(end);
    }

    /// Whether input type `a` equals merged type `b`; on success every input type the
    /// walk paired is mapped in `map`.
    fn walk(
        &mut self,
        input: &Input,
        merged: &mut Merged,
        map: &mut [u32],
        a: u32,
        b: u32,
    ) -> bool {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        self.stack.clear();
        self.pairs.clear();
        self.stack.push((a, b));
        while let Some((x, y)) = self.stack.pop() {
            self.steps += 1;
            if x == 0 || y == 0 {
                if x == y {
                    continue;
                }
                return false;
            }
            let (Some(&decided), Some(&yh)) = (map.get(x as usize), self.hash.get(y as usize))
            else {
                return false;
            };
            if decided != UNDECIDED {
                if decided == y {
                    continue;
                }
                return false;
            }
            if self.stamp[x as usize] == self.epoch {
                if self.hyp[x as usize] == y {
                    continue;
                }
                return false;
            }
            if input.hash[x as usize] != yh || !self.pair_up(input, merged, x, y) {
                return false;
            }
        }
        for &x in &self.pairs {
            map[x as usize] = self.hyp[x as usize];
        }
        true
    }
}

impl Prededup {
    /// Compares the local facts of input type `x` and merged type `y` (names by their
    /// bytes); if they agree, records the hypothesis `x = y` and queues the pairs of
    /// types they refer to. False for pinned types. Written out per kind: this runs once
    /// per input type that repeats a merged one.
    fn pair_up(&mut self, input: &Input, merged: &mut Merged, x: u32, y: u32) -> bool {
        let (t, m) = (input.t, merged.t);
        let [xn, xi, xh, _] = t.hdr[x as usize];
        let [yn, yi, yh, _] = m.hdr[y as usize];
        if xi != yi || !merged.same_str(input.strings, xn, yn) {
            return false;
        }
        let (bx, by) = (t.body(x), m.body(y));
        if bx.len() != by.len() {
            return false;
        }
        let s = input.strings;
        let stack = &mut self.stack;
        let same = match t.kind(x) {
            Kind::Var | Kind::Datasec | Kind::Fwd => false,
            Kind::DeclTag => {
                stack.push((xh, yh));
                bx[0] == by[0]
            }
            Kind::Int => xh == yh && bx[0] == by[0],
            Kind::Float => xh == yh,
            Kind::Array => {
                stack.push((bx[0], by[0]));
                stack.push((bx[1], by[1]));
                bx[2] == by[2]
            }
            Kind::Struct | Kind::Union => {
                xh == yh
                    && bx.chunks_exact(3).zip(by.chunks_exact(3)).all(|(a, b)| {
                        stack.push((a[1], b[1]));
                        a[2] == b[2] && merged.same_str(s, a[0], b[0])
                    })
            }
            Kind::Enum => {
                xh == yh
                    && bx
                        .chunks_exact(2)
                        .zip(by.chunks_exact(2))
                        .all(|(a, b)| a[1] == b[1] && merged.same_str(s, a[0], b[0]))
            }
            Kind::Enum64 => {
                xh == yh
                    && bx.chunks_exact(3).zip(by.chunks_exact(3)).all(|(a, b)| {
                        a[1] == b[1] && a[2] == b[2] && merged.same_str(s, a[0], b[0])
                    })
            }
            Kind::FuncProto => {
                stack.push((xh, yh));
                bx.chunks_exact(2).zip(by.chunks_exact(2)).all(|(a, b)| {
                    stack.push((a[1], b[1]));
                    // An unnamed parameter pins the prototype (see the module header).
                    a[0] != 0 && merged.same_str(s, a[0], b[0])
                })
            }
            // PTR, TYPEDEF, the modifiers and FUNC: only the type they refer to.
            _ => {
                stack.push((xh, yh));
                true
            }
        };
        if same {
            self.stamp[x as usize] = self.epoch;
            self.hyp[x as usize] = y;
            self.pairs.push(x);
        }
        same
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{
        BTF_INT_SIGNED, Btf, BtfType, Linkage, Member, Param, TypeData, str_bytes_in,
    };

    /// The reference for [`hash_cstr`]: the same hash, fed a byte at a time (8-byte
    /// little-endian words mixed in as they fill, then the last partial word tagged with
    /// its length).
    #[derive(Default)]
    struct ByteHash {
        h: u64,
        word: u64,
        k: u32,
    }

    impl ByteHash {
        fn push(&mut self, b: u8) {
            self.word |= u64::from(b) << (8 * self.k);
            self.k += 1;
            if self.k == 8 {
                self.h = mix(self.h, self.word);
                (self.word, self.k) = (0, 0);
            }
        }

        fn finish(self) -> u32 {
            finish_hash(self.h, self.word, self.k)
        }
    }

    fn byte_hash(bytes: &[u8]) -> u32 {
        let mut st = ByteHash::default();
        bytes.iter().for_each(|&b| st.push(b));
        st.finish()
    }

    /// Checks [`same_cstr`] on every pair of offsets of two tables (and just past their
    /// ends) against comparing the strings [`str_bytes_in`] reads there.
    fn same_cstr_agrees_with_str_bytes_in(x: &[u8], y: &[u8]) {
        let ends = |t: &[u8], o: u32| str_bytes_in(t, o).to_vec();
        for a in 0..x.len() as u32 + 2 {
            for b in 0..y.len() as u32 + 2 {
                assert_eq!(same_cstr(x, a, y, b), ends(x, a) == ends(y, b), "{a} {b}");
            }
        }
    }

    #[test]
    fn strings_compare_up_to_their_nul_or_table_end() {
        same_cstr_agrees_with_str_bytes_in(b"\0ab\0abc\0a", b"ab\0a\0abc");
        // Strings longer than a word (compared a word at a time), differing or ending
        // at every position of the first and second words, and tables ending mid-word.
        same_cstr_agrees_with_str_bytes_in(
            b"\0task_struct_fields\0task_struct\0task_struct_fieldz\0abcdefgh\0abcdefghi",
            b"task_struct\0task_struct_fields\0abcdefghi\0abcdefgh\0task_struct_fieldz",
        );
    }

    #[test]
    fn string_hashes_from_the_table_pass_equal_those_of_single_strings() {
        let table = b"\0a\0abcdefgh\0abcdefghi\0\0seven77\0x\0";
        let s = StrHashes::new(table);
        let mut start = 0;
        for part in table.split(|&b| b == 0).take(7) {
            assert_eq!(s.memo[start], byte_hash(part), "{part:?}");
            start += part.len() + 1;
        }
        assert_ne!(byte_hash(b"a"), byte_hash(b"x"));
    }

    #[test]
    fn word_at_a_time_string_hashes_equal_byte_at_a_time_ones() {
        // Every length from 0 to 24 at every alignment, bytes with the high bit set
        // (which the zero-byte trick must not take for zeros), and a last string
        // without its NUL.
        let mut table = vec![0u8];
        for len in 0..25u8 {
            table.extend((0..len).map(|i| if i % 3 == 0 { 0x80 | i } else { b'a' + i }));
            table.push(0);
        }
        table.extend_from_slice(b"\xffno-nul");
        for skew in 0..8 {
            let t = &table[skew..];
            let s = StrHashes::new(t);
            let mut start = 0;
            for part in t.split(|&b| b == 0) {
                if start + part.len() < t.len() {
                    assert_eq!(s.memo[start], byte_hash(part), "{skew} {part:?}");
                }
                assert_eq!(hash_cstr(&t[start..]).0, byte_hash(part), "{part:?}");
                start += part.len() + 1;
            }
        }
    }

    /// `int`, `struct node { int v; struct node *next; }` (a cycle through the
    /// pointer), a prototype `int (int x)` or `int (int)` and a VAR, in an order that
    /// depends on `node_first`, with member name `member`.
    fn input(node_first: bool, member: &str, named_param: bool) -> Btf {
        let mut b = Btf::new();
        let node = b.add_string("node");
        let v = b.add_string(member);
        let next = b.add_string("next");
        let x = if named_param { b.add_string("x") } else { 0 };
        // ids: node, ptr, int (node first) or int, node, ptr
        let (node_id, ptr_id, int_id) = if node_first { (1, 2, 3) } else { (2, 3, 1) };
        let int_t = BtfType::new(
            b.add_string("int"),
            TypeData::Int {
                size: 4,
                encoding: BTF_INT_SIGNED,
                offset: 0,
                bits: 32,
            },
        );
        let node_t = BtfType::new(
            node,
            TypeData::Struct {
                size: 16,
                members: vec![
                    Member {
                        name_off: v,
                        type_id: int_id,
                        bit_offset: 0,
                        bitfield_size: 0,
                    },
                    Member {
                        name_off: next,
                        type_id: ptr_id,
                        bit_offset: 64,
                        bitfield_size: 0,
                    },
                ],
            },
        );
        if node_first {
            b.add_type(node_t);
            b.add_ptr(node_id);
            b.add_type(int_t);
        } else {
            b.add_type(int_t);
            b.add_type(node_t);
            b.add_ptr(node_id);
        }
        b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: int_id,
                params: vec![Param {
                    name_off: x,
                    type_id: int_id,
                }],
            },
        ));
        b.add_var("g", node_id, Linkage::Global);
        b
    }

    fn flat(b: &Btf) -> FlatTypes {
        let mut f = FlatTypes::default();
        for (_, t) in b.types() {
            f.push_type(t);
        }
        f
    }

    /// Merges `first` as the linker does (every type appended) and maps `second`.
    fn map_second(first: &Btf, second: &Btf) -> Vec<u32> {
        let (a, b) = (flat(first), flat(second));
        let mut pre = Prededup::default();
        let ha = input_hashes(&a, first.strings(), Vec::new());
        let mut str_map = vec![u32::MAX; first.strings().len().max(second.strings().len())];
        let mut touched = Vec::new();
        let map_a = pre.map_input(
            &a,
            first.strings(),
            &ha,
            &mut Merged {
                t: &FlatTypes::default(),
                strings: &[0],
                str_map: &mut str_map,
                touched: &mut touched,
            },
        );
        assert!(
            map_a[1..].iter().all(|&m| m == APPEND),
            "nothing merged yet"
        );
        for id in 1..=a.len() as u32 {
            let candidate = !matches!(a.kind(id), Kind::Var | Kind::Datasec | Kind::Fwd);
            pre.record(id, ha[id as usize], candidate);
        }
        str_map.iter_mut().for_each(|s| *s = u32::MAX);
        let hb = input_hashes(&b, second.strings(), vec![7; 100]);
        pre.map_input(
            &b,
            second.strings(),
            &hb,
            &mut Merged {
                t: &a,
                strings: first.strings(),
                str_map: &mut str_map,
                touched: &mut touched,
            },
        )
    }

    #[test]
    fn equal_types_map_to_the_merged_ones_across_orders_and_cycles() {
        let map = map_second(&input(true, "v", true), &input(false, "v", true));
        // second: 1 int, 2 node, 3 ptr, 4 proto, 5 var; first: 1 node, 2 ptr, 3 int, 4 proto
        assert_eq!(&map[..5], &[0, 3, 1, 2, 4]);
        assert_eq!(map[5], APPEND, "a VAR is never merged here");
    }

    #[test]
    fn different_member_names_are_appended() {
        let map = map_second(&input(true, "v", true), &input(true, "w", true));
        assert_eq!(map[1], APPEND, "struct node differs");
        assert_eq!(map[2], APPEND, "so does the pointer to it");
        assert_eq!(map[3], 3, "int is the same");
    }

    /// Adds `name` (an integer of `size` bytes) under `depth` pointers, outermost first
    /// (as clang emits them).
    fn pointer_chain(b: &mut Btf, depth: u32, name: &str, size: u32) {
        let base = b.len() as u32;
        for k in 1..=depth {
            b.add_ptr(base + k + 1);
        }
        b.add_int(name, size, BTF_INT_SIGNED);
    }

    #[test]
    fn pointer_chains_map_in_linear_time() {
        // Merged: `int` under 20,000 pointers. Input: `long` under 2,000 pointers, then
        // `int` under 2,000. Every pointer has the hash of every other: in id order,
        // each pointer over `long` walked down its whole chain for each of the 20,000
        // merged pointers before failing at `long` (some 10^10 steps, minutes). Past the
        // walk budget the input is decided children first, a pointer by one lookup.
        let (long, short) = (20_000, 2_000);
        let mut first = Btf::new();
        pointer_chain(&mut first, long, "int", 4);
        let mut second = Btf::new();
        pointer_chain(&mut second, short, "long", 8);
        pointer_chain(&mut second, short, "int", 4);
        let map = map_second(&first, &second);
        let int_chain = short + 1;
        for k in 1..=short + 1 {
            assert_eq!(map[k as usize], APPEND, "the chain over long, type {k}");
            let mapped = map[(int_chain + k) as usize];
            assert_eq!(mapped, long - short + k, "the chain over int, type {k}");
        }
    }

    #[test]
    fn prototypes_with_unnamed_parameters_stay_apart() {
        let map = map_second(&input(true, "v", false), &input(true, "v", false));
        assert_eq!(&map[..4], &[0, 1, 2, 3]);
        assert_eq!(map[4], APPEND, "the linker may still name its parameters");
    }
}
