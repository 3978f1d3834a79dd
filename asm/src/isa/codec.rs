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

/// Row indices grouped by opcode byte (table order within a group), and where each
/// opcode's group starts: `ROWS_BY_CODE[CODE_START[c]..CODE_START[c + 1]]`. Built by the
/// compiler, as is `ROW_SLOTS`: making them at start-up cost ~25K instructions per run.
const ROWS_BY_CODE: [u16; OPCODES.len()] = {
    let mut out = [0u16; OPCODES.len()];
    let mut n = 0;
    let mut code = 0;
    while code < 256 {
        let mut i = 0;
        while i < OPCODES.len() {
            if OPCODES[i].code as usize == code {
                out[n] = i as u16;
                n += 1;
            }
            i += 1;
        }
        code += 1;
    }
    out
};

const CODE_START: [u16; 257] = {
    let mut start = [0u16; 257];
    let mut i = 0;
    while i < OPCODES.len() {
        start[OPCODES[i].code as usize + 1] += 1;
        i += 1;
    }
    let mut c = 0;
    while c < 256 {
        start[c + 1] += start[c];
        c += 1;
    }
    start
};

/// Table rows with opcode byte `code`, in table order.
fn rows_by_code(code: u8) -> &'static [u16] {
    let c = code as usize;
    ROWS_BY_CODE
        .get(CODE_START[c] as usize..CODE_START[c + 1] as usize)
        .unwrap_or(&[])
}

/// The operand slots of every table row, by row index (the assembler's cpu check looks
/// up each instruction it emits).
const ROW_SLOTS: [Slots; OPCODES.len()] = {
    let mut out = [Slots::NONE; OPCODES.len()];
    let mut i = 0;
    while i < OPCODES.len() {
        out[i] = slots_of(&OPCODES[i]);
        i += 1;
    }
    out
};

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
    for &i in rows_by_code(insn.code) {
        let row = &OPCODES[i as usize];
        if !key_matches(row.key, insn) {
            continue;
        }
        let slots = ROW_SLOTS[i as usize];
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
