//! Representative encodings of every opcode-table row: each row with a handful of
//! register, offset and immediate values (extremes included), unused fields zero.
//! Used by the round-trip and reference-tool tests and as fuzzing seeds.
//!
//! Invariant: every sample decodes (it is valid) and its row is the row it came from.

use super::Insn;
use super::table::{Key, OPCODES, OpRow};
use super::template::slots_of;

/// `insn` with the row's key applied and the fields the row does not use zeroed.
pub fn normalize(row: &OpRow, mut insn: Insn) -> Insn {
    insn.code = row.code;
    let slots = slots_of(row);
    if !slots.dst {
        insn.dst = 0;
    }
    if !slots.src {
        insn.src = 0;
    }
    if !slots.off {
        insn.off = 0;
    }
    if !slots.imm {
        insn.imm = 0;
    }
    if !slots.imm_hi {
        insn.imm_hi = 0;
    }
    match row.key {
        Key::None => {}
        Key::Off(v) => insn.off = v,
        Key::Imm(v) => insn.imm = v,
        Key::Src(v) => insn.src = v,
        Key::SrcIn(lo, hi) => insn.src = insn.src.clamp(lo, hi),
    }
    insn
}

/// Representative instructions of one row, without duplicates, in a fixed order.
pub fn samples_of(row: &OpRow) -> Vec<Insn> {
    let base = Insn {
        code: row.code,
        dst: 1,
        src: 2,
        off: 2,
        imm: 5,
        imm_hi: 0,
    };
    let mut variants = vec![base];
    for (dst, src) in [(0, 10), (10, 0), (9, 9)] {
        variants.push(Insn { dst, src, ..base });
    }
    for off in [0, -2, i16::MAX, i16::MIN] {
        variants.push(Insn { off, ..base });
    }
    for imm in [0, -5, i32::MAX, i32::MIN, -1] {
        variants.push(Insn { imm, ..base });
    }
    for (imm, imm_hi) in [
        (0, 1),
        (-1, -1),
        (0x89abcdefu32 as i32, 0x01234567),
        (0, i32::MIN),
    ] {
        variants.push(Insn {
            imm,
            imm_hi,
            ..base
        });
    }
    for src in [1, 3, 6] {
        variants.push(Insn { src, ..base });
    }
    let mut out: Vec<Insn> = Vec::new();
    for v in variants {
        let n = normalize(row, v);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Samples of every row, in table order.
pub fn all_samples() -> Vec<Insn> {
    OPCODES.iter().flat_map(samples_of).collect()
}
