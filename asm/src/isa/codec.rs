//! Binary encoding and decoding of instructions, and finding an instruction's table row.
//!
//! Layout (instruction-set.rst, "Instruction encoding"): opcode byte, a byte with the two
//! 4-bit register numbers, 16-bit signed offset, 32-bit signed immediate; ld_imm64 adds a
//! second 8-byte slot whose only non-zero field is imm (the high half). In little-endian
//! objects dst is the low nibble; in big-endian ones dst is the high nibble and the
//! offset/immediate are big-endian (LLVM's `bpfeb`).
//!
//! Invariant: `decode` accepts only what some table row describes, with every field
//! that row does not use equal to zero, so `encode(decode(b)) == b`.

use super::table::{CLASS_ALU, CLASS_ALU64, Key, OP_LD_IMM64, OPCODES, OpRow};
use super::template::{Slots, slots_of};
use super::{DecodeError, Insn};
use linker::object::Endian;
use std::sync::OnceLock;

/// Bytes taken by `insn`: 16 for ld_imm64, 8 otherwise.
pub fn insn_len(insn: &Insn) -> usize {
    if insn.code == OP_LD_IMM64 { 16 } else { 8 }
}

fn put_slot(code: u8, dst: u8, src: u8, off: i16, imm: i32, endian: Endian, out: &mut Vec<u8>) {
    // One 8-byte append (four small pushes each checked the capacity).
    let (regs, off, imm) = match endian {
        Endian::Little => (
            (src & 0xf) << 4 | (dst & 0xf),
            off.to_le_bytes(),
            imm.to_le_bytes(),
        ),
        Endian::Big => (
            (dst & 0xf) << 4 | (src & 0xf),
            off.to_be_bytes(),
            imm.to_be_bytes(),
        ),
    };
    out.extend_from_slice(&[code, regs, off[0], off[1], imm[0], imm[1], imm[2], imm[3]]);
}

/// Appends the 8 or 16 bytes of `insn`.
pub fn encode(insn: &Insn, endian: Endian, out: &mut Vec<u8>) {
    put_slot(
        insn.code, insn.dst, insn.src, insn.off, insn.imm, endian, out,
    );
    if insn.code == OP_LD_IMM64 {
        put_slot(0, 0, 0, 0, insn.imm_hi, endian, out);
    }
}

/// Reads one 8-byte slot: (code, dst, src, off, imm).
fn get_slot(b: &[u8], endian: Endian) -> Option<(u8, u8, u8, i16, i32)> {
    let s: &[u8; 8] = b.get(..8)?.try_into().ok()?;
    let (dst, src, off, imm) = match endian {
        Endian::Little => (
            s[1] & 0xf,
            s[1] >> 4,
            i16::from_le_bytes([s[2], s[3]]),
            i32::from_le_bytes([s[4], s[5], s[6], s[7]]),
        ),
        Endian::Big => (
            s[1] >> 4,
            s[1] & 0xf,
            i16::from_be_bytes([s[2], s[3]]),
            i32::from_be_bytes([s[4], s[5], s[6], s[7]]),
        ),
    };
    Some((s[0], dst, src, off, imm))
}

/// Table rows by opcode byte, in table order.
fn rows_by_code() -> &'static [Vec<u16>; 256] {
    static INDEX: OnceLock<[Vec<u16>; 256]> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut idx: [Vec<u16>; 256] = std::array::from_fn(|_| Vec::new());
        for (i, row) in OPCODES.iter().enumerate() {
            idx[row.code as usize].push(i as u16);
        }
        idx
    })
}

/// The operand slots of every table row, by row index: `slots_of` parses the row's
/// template text, and the assembler's cpu check looks up each instruction it emits
/// (asm::assemble 14.78M -> 12.46M instructions over the suite with this cache).
fn row_slots() -> &'static [Slots] {
    static SLOTS: OnceLock<Vec<Slots>> = OnceLock::new();
    SLOTS.get_or_init(|| OPCODES.iter().map(slots_of).collect())
}

fn key_matches(key: Key, insn: &Insn) -> bool {
    match key {
        Key::None => true,
        Key::Off(v) => insn.off == v,
        Key::Imm(v) => insn.imm == v,
        Key::Src(v) => insn.src == v,
        Key::SrcIn(lo, hi) => (lo..=hi).contains(&insn.src),
    }
}

/// Checks `insn` against `row` (whose operand slots are `slots`): key, registers, and zero
/// in every unused field.
pub(crate) fn check_fields(row: &OpRow, slots: Slots, insn: &Insn) -> Result<(), DecodeError> {
    let code = insn.code;
    let zero = |used: bool, keyed: bool, is_zero: bool, field: &'static str| {
        if used || keyed || is_zero {
            Ok(())
        } else {
            Err(DecodeError::ReservedNonZero { code, field })
        }
    };
    zero(slots.dst, false, insn.dst == 0, "dst")?;
    zero(
        slots.src,
        matches!(row.key, Key::Src(_) | Key::SrcIn(..)),
        insn.src == 0,
        "src",
    )?;
    zero(
        slots.off,
        matches!(row.key, Key::Off(_)),
        insn.off == 0,
        "off",
    )?;
    zero(
        slots.imm,
        matches!(row.key, Key::Imm(_)),
        insn.imm == 0,
        "imm",
    )?;
    zero(slots.imm_hi, false, insn.imm_hi == 0, "imm_hi")?;
    for reg in [insn.dst, insn.src] {
        if reg > 10 {
            return Err(DecodeError::BadRegister { code, reg });
        }
    }
    Ok(())
}

/// The table row describing `insn`, if it is a valid instruction.
pub fn lookup(insn: &Insn) -> Option<&'static OpRow> {
    find_row(insn).ok()
}

/// llvm-objdump's decoder looks only at the opcode, the keys, and a few fields it
/// encodes as fixed zero: `off` of ALU operations (where off = 1 means sdiv/smod and
/// 8/16/32 movsx), `off` of ld_imm64, `imm` of exit. Every other unused field may hold
/// anything in its listing; a printed register may be r0-r11 (LLVM has an r11).
fn check_fields_lenient(row: &OpRow, slots: Slots, insn: &Insn) -> Result<(), DecodeError> {
    let code = insn.code;
    let alu = matches!(row.class(), CLASS_ALU | CLASS_ALU64) && !matches!(code & 0xf0, 0x80 | 0xd0);
    if (alu || code == OP_LD_IMM64)
        && !slots.off
        && !matches!(row.key, Key::Off(_))
        && insn.off != 0
    {
        return Err(DecodeError::ReservedNonZero { code, field: "off" });
    }
    if code == 0x95 && insn.imm != 0 {
        return Err(DecodeError::ReservedNonZero { code, field: "imm" });
    }
    let src_used = slots.src || matches!(row.key, Key::Src(_) | Key::SrcIn(..));
    for (used, reg) in [(slots.dst, insn.dst), (src_used, insn.src)] {
        // LLVM's register file has an r11 (its internal stack-adjust register).
        if used && reg > 11 {
            return Err(DecodeError::BadRegister { code, reg });
        }
    }
    Ok(())
}

fn find_row(insn: &Insn) -> Result<&'static OpRow, DecodeError> {
    find_row_with(insn, false)
}

/// The fields llvm-objdump's decoder keys on: it prints `call imm` whatever `src` says,
/// and reads an atomic imm that names no operation but has bits 4-7 clear as `xadd`.
fn lenient_view(insn: &Insn) -> Insn {
    let mut v = *insn;
    if v.code == 0x85 && v.src > 2 {
        v.src = 0;
    }
    let exact = || {
        OPCODES
            .iter()
            .any(|r| r.code == v.code && r.key == Key::Imm(v.imm))
    };
    if matches!(v.code, 0xc3 | 0xdb) && v.imm & 0xf0 == 0 && !exact() {
        v.imm = 0;
    }
    v
}

fn find_row_with(insn: &Insn, lenient: bool) -> Result<&'static OpRow, DecodeError> {
    let view;
    let insn = if lenient {
        view = lenient_view(insn);
        &view
    } else {
        insn
    };
    let mut first_err = None;
    for &i in &rows_by_code()[insn.code as usize] {
        let row = &OPCODES[i as usize];
        if !key_matches(row.key, insn) {
            continue;
        }
        let slots = row_slots()[i as usize];
        let checked = if lenient {
            check_fields_lenient(row, slots, insn)
        } else {
            check_fields(row, slots, insn)
        };
        match checked {
            Ok(()) => return Ok(row),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or(DecodeError::UnknownOpcode { code: insn.code }))
}

/// Decodes the instruction at the start of `bytes`; returns it and the bytes used.
pub fn decode(bytes: &[u8], endian: Endian) -> Result<(Insn, usize), DecodeError> {
    decode_with(bytes, endian, false)
}

/// Decodes as llvm-objdump does for its listing: unused fields that LLVM's decoder
/// ignores are not checked (see `check_fields_lenient`). The result prints like
/// llvm-objdump prints those bytes, but may not re-encode to them; with [`lookup_lenient`]
/// it finds the row to print.
pub fn decode_lenient(bytes: &[u8], endian: Endian) -> Result<(Insn, usize), DecodeError> {
    decode_with(bytes, endian, true)
}

/// The row that [`decode_lenient`] found for `insn`.
pub fn lookup_lenient(insn: &Insn) -> Option<&'static OpRow> {
    find_row_with(insn, true).ok()
}

fn decode_with(bytes: &[u8], endian: Endian, lenient: bool) -> Result<(Insn, usize), DecodeError> {
    let Some((code, dst, src, off, imm)) = get_slot(bytes, endian) else {
        return Err(DecodeError::Truncated {
            needed: 8,
            have: bytes.len(),
        });
    };
    let mut insn = Insn {
        code,
        dst,
        src,
        off,
        imm,
        imm_hi: 0,
    };
    let mut used = 8;
    if code == OP_LD_IMM64 {
        let Some((code2, dst2, src2, off2, imm2)) =
            bytes.get(8..).and_then(|b| get_slot(b, endian))
        else {
            return Err(DecodeError::Truncated {
                needed: 16,
                have: bytes.len(),
            });
        };
        if !lenient && (code2 != 0 || dst2 != 0 || src2 != 0 || off2 != 0) {
            return Err(DecodeError::BadLdImm64Slot);
        }
        insn.imm_hi = imm2;
        used = 16;
    }
    find_row_with(&insn, lenient)?;
    Ok((insn, used))
}
