//! The BPF instruction set: the instruction value ([`Insn`]), its binary encoding, its
//! text in the LLVM pseudo-C and GNU/ubpf mnemonic dialects, and the cpu version each
//! form needs. Everything is driven by the one opcode table in [`table`].
//!
//! Invariants: an [`Insn`] that [`decode`] returns re-encodes to the same bytes; every
//! row of the table prints to text that [`parse_insn`] reads back to the same `Insn`
//! (except where LLVM's own text is ambiguous: `call N` for src 1/2, and the unprinted
//! second-slot imm of `ld_pseudo`). Spec: `instruction-set.rst`.

mod codec;
mod lex;
pub mod samples;
pub mod table;
mod template;

#[cfg(test)]
mod tests;

pub use codec::{decode, decode_lenient, encode, insn_len, lookup, lookup_lenient};
pub use template::{
    InsnScratch, is_plain_symbol, parse_insn, parse_insn_with, print_gnu, print_llvm,
    print_llvm_cpu,
};

use std::ops::Range;

/// One BPF instruction. `imm_hi` is the imm of ld_imm64's second slot (0 otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
    pub imm_hi: i32,
}

impl Insn {
    /// The 64-bit immediate of ld_imm64 (imm in the low half, imm_hi in the high half).
    pub fn imm64(&self) -> i64 {
        ((self.imm_hi as i64) << 32) | (self.imm as u32 as i64)
    }

    /// Sets the 64-bit immediate of ld_imm64.
    pub fn set_imm64(&mut self, value: i64) {
        self.imm = value as i32;
        self.imm_hi = (value >> 32) as i32;
    }

    /// The instruction class (low 3 bits of the opcode).
    pub fn class(&self) -> u8 {
        self.code & 0x07
    }

    /// True for jumps whose target is pc-relative in `off` (ja and conditional jumps).
    pub fn is_jump_off(&self) -> bool {
        matches!(self.class(), table::CLASS_JMP | table::CLASS_JMP32)
            && !matches!(self.code, 0x06 | 0x85 | 0x8d | 0x95)
    }

    /// True for gotol (JMP32 | JA), whose pc-relative target is in `imm`.
    pub fn is_gotol(&self) -> bool {
        self.code == 0x06
    }

    /// True for a BPF-to-BPF call (`call` with src = 1), pc-relative in `imm`.
    pub fn is_local_call(&self) -> bool {
        self.code == 0x85 && self.src == 1
    }
}

/// The two assembly dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// LLVM pseudo-C: `r1 += r2`, `if r1 > 0x5 goto +0x3`.
    Llvm,
    /// GNU as / ubpf mnemonics: `add %r1, %r2`, `jgt %r1, 5, +3`.
    Gnu,
}

/// BPF cpu versions (`-mcpu=vN`), in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum CpuVersion {
    V1,
    V2,
    V3,
    #[default]
    V4,
}

impl CpuVersion {
    /// Parses `v1`..`v4`, `generic` (= v1) and `probe`/`latest` (= v4).
    pub fn from_name(name: &str) -> Option<CpuVersion> {
        match name {
            "v1" | "generic" => Some(CpuVersion::V1),
            "v2" => Some(CpuVersion::V2),
            "v3" => Some(CpuVersion::V3),
            "v4" | "probe" | "latest" => Some(CpuVersion::V4),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CpuVersion::V1 => "v1",
            CpuVersion::V2 => "v2",
            CpuVersion::V3 => "v3",
            CpuVersion::V4 => "v4",
        }
    }

    /// True when the cpu has the 32-bit sub-registers (LLVM's `alu32`: v3 and later).
    pub fn has_alu32(self) -> bool {
        self >= CpuVersion::V3
    }
}

/// The role of a symbol written where a number could be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymRole {
    /// A label in `off` (jumps), or in `imm` for gotol.
    JumpTarget,
    /// `call sym`: a BPF-to-BPF call (src = 1), target in `imm`.
    CallTarget,
    /// `r1 = sym ll` / `lddw r1, sym`: the 64-bit immediate of ld_imm64.
    Imm64,
}

/// A symbol operand found by [`parse_insn`]; `span` covers the name (and the addend).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymOperand {
    pub role: SymRole,
    pub name: String,
    pub addend: i64,
    pub span: Range<usize>,
}

/// One parsed instruction: the fields, plus the symbol to resolve, if any. Where a
/// symbol stands, the field holds what LLVM writes before relocation: `off` = 0 for
/// jumps, `imm` = -1 for calls, the addend for ld_imm64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedInsn {
    pub insn: Insn,
    pub sym: Option<SymOperand>,
}

/// A problem in one instruction's text: byte span within that text, code, message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsaError {
    pub span: Range<usize>,
    pub code: diag::Code,
    pub message: String,
}

impl IsaError {
    pub fn new(span: Range<usize>, code: diag::Code, message: impl Into<String>) -> Self {
        IsaError {
            span,
            code,
            message: message.into(),
        }
    }

    /// The error as a diagnostic, with `base` the byte offset of the instruction text
    /// within `file`.
    pub fn to_diagnostic(&self, file: diag::FileId, base: usize) -> diag::Diagnostic {
        let span = diag::Span::new(file, base + self.span.start, base + self.span.end);
        diag::Diagnostic::error(self.code, self.message.clone()).with_label(span, "")
    }
}

impl std::fmt::Display for IsaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "error[{}]: {} (at {}..{})",
            self.code, self.message, self.span.start, self.span.end
        )
    }
}

/// Why bytes do not decode to an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer than 8 bytes, or a ld_imm64 without its second 8 bytes.
    Truncated { needed: usize, have: usize },
    /// No table row has this opcode (with this off/imm/src key).
    UnknownOpcode { code: u8 },
    /// A register number above 10.
    BadRegister { code: u8, reg: u8 },
    /// A field that this instruction does not use is not zero.
    ReservedNonZero { code: u8, field: &'static str },
    /// The second slot of ld_imm64 has a non-zero opcode, register or offset.
    BadLdImm64Slot,
}

impl DecodeError {
    pub fn code(&self) -> diag::Code {
        diag::codes::E_ISA_BAD_ENCODING
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Truncated { needed, have } => {
                write!(
                    f,
                    "truncated instruction: needs {needed} bytes, {have} left"
                )
            }
            DecodeError::UnknownOpcode { code } => write!(f, "unknown opcode 0x{code:02x}"),
            DecodeError::BadRegister { code, reg } => {
                write!(f, "opcode 0x{code:02x}: register r{reg} does not exist")
            }
            DecodeError::ReservedNonZero { code, field } => {
                write!(f, "opcode 0x{code:02x}: unused field `{field}` is not zero")
            }
            DecodeError::BadLdImm64Slot => {
                write!(
                    f,
                    "ld_imm64: the second slot must have opcode, registers and offset 0"
                )
            }
        }
    }
}

/// The first cpu version that has this instruction (v1 for unknown encodings).
pub fn min_cpu(insn: &Insn) -> CpuVersion {
    lookup(insn).map(|row| row.cpu).unwrap_or(CpuVersion::V1)
}

/// Checks that `insn` exists on `cpu`; `span` locates the instruction for the error.
pub fn require_cpu(insn: &Insn, cpu: CpuVersion, span: Range<usize>) -> Result<(), IsaError> {
    let need = min_cpu(insn);
    if need <= cpu {
        return Ok(());
    }
    Err(IsaError::new(
        span,
        diag::codes::E_ISA_CPU,
        format!(
            "this instruction needs -mcpu={} or later (the target is {})",
            need.name(),
            cpu.name()
        ),
    ))
}
