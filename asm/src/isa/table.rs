//! The one BPF opcode table: every instruction form, as a row keyed by its opcode byte
//! (class | op | source, or class | mode | size) plus the field that tells forms with the
//! same opcode apart (`off` for sdiv/smod/movsx, `imm` for END widths and atomics, `src`
//! for calls and ld_imm64).
//!
//! Each row carries one template per dialect; templates drive encoding, decoding,
//! printing and parsing alike (see `template.rs`): the placeholders a template uses are
//! exactly the fields the instruction carries, every other field must be zero.
//! Placeholders: `{d}`/`{s}` dst/src register in the row's width, `{D}`/`{S}` dst/src as a
//! 64-bit base register, `{i}` 32-bit imm, `{o}` memory offset (off), `{j}` jump offset
//! (off, or a label), `{g}` long jump offset (imm, or a label), `{c}` call target (imm or
//! a function symbol), `{q}` 64-bit immediate of ld_imm64 (or `sym + addend`), `{p}`
//! the pseudo `src` of ld_imm64. A GNU template may list aliases after `|`; the first
//! spelling is the one printed.
//!
//! Follows `instruction-set.rst` (sections "Instruction encoding", "Arithmetic and jump
//! instructions", "Load and store instructions", "64-bit immediate instructions",
//! "Legacy BPF Packet access instructions"); the LLVM spellings are those of
//! llvm-objdump-19/llvm-mc-19, the GNU ones those of the bpf_conformance suite and GNU as.

use super::CpuVersion;
use super::CpuVersion::{V1, V2, V3, V4};

/// Instruction classes (the low 3 bits of the opcode).
pub const CLASS_LD: u8 = 0x00;
pub const CLASS_LDX: u8 = 0x01;
pub const CLASS_ST: u8 = 0x02;
pub const CLASS_STX: u8 = 0x03;
pub const CLASS_ALU: u8 = 0x04;
pub const CLASS_JMP: u8 = 0x05;
pub const CLASS_JMP32: u8 = 0x06;
pub const CLASS_ALU64: u8 = 0x07;

/// The opcode of ld_imm64, the only 16-byte instruction.
pub const OP_LD_IMM64: u8 = 0x18;

/// What tells rows with the same opcode byte apart; also a fixed value of that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The opcode alone decides.
    None,
    /// `off` must be this value (sdiv/smod = 1, movsx = 8/16/32).
    Off(i16),
    /// `imm` must be this value (END width, atomic operation).
    Imm(i32),
    /// `src` must be this value (call kinds, plain ld_imm64).
    Src(u8),
    /// `src` in this inclusive range, carried by the `{p}` placeholder (ld_imm64 pseudo loads).
    SrcIn(u8, u8),
}

/// How the LLVM dialect spells the `{d}`/`{s}` registers of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// Always `rN`.
    R,
    /// Always `wN` (32-bit ALU, JMP32, 32-bit atomics).
    W,
    /// Sub-word loads and stores: `wN` when the cpu has ALU32 (v3+), else `rN`; both parse.
    M,
}

/// One instruction form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpRow {
    pub code: u8,
    pub key: Key,
    pub width: Width,
    /// LLVM pseudo-C template.
    pub llvm: &'static str,
    /// GNU/ubpf mnemonic template(s), `|`-separated aliases.
    pub gnu: &'static str,
    /// The first cpu version that has this instruction.
    pub cpu: CpuVersion,
}

impl OpRow {
    /// The instruction class (low 3 bits of the opcode).
    pub fn class(&self) -> u8 {
        self.code & 0x07
    }

    /// The GNU spelling that is printed (the first alias).
    pub fn gnu_primary(&self) -> &'static str {
        self.gnu.split('|').next().unwrap_or(self.gnu)
    }
}

const fn r(
    code: u8,
    key: Key,
    width: Width,
    llvm: &'static str,
    gnu: &'static str,
    cpu: CpuVersion,
) -> OpRow {
    OpRow {
        code,
        key,
        width,
        llvm,
        gnu,
        cpu,
    }
}

use Key::{Imm, Off, Src, SrcIn};
use Width::{M, R, W};

/// Every BPF instruction form. Rows with the same opcode are tried in order; for
/// parsing, the first row whose template matches wins.
#[rustfmt::skip]
pub const OPCODES: &[OpRow] = &[
    // ALU64
    r(0x0f, Key::None, R, "{d} += {s}", "add {d}, {s}", V1),
    r(0x07, Key::None, R, "{d} += {i}", "add {d}, {i}", V1),
    r(0x1f, Key::None, R, "{d} -= {s}", "sub {d}, {s}", V1),
    r(0x17, Key::None, R, "{d} -= {i}", "sub {d}, {i}", V1),
    r(0x2f, Key::None, R, "{d} *= {s}", "mul {d}, {s}", V1),
    r(0x27, Key::None, R, "{d} *= {i}", "mul {d}, {i}", V1),
    r(0x3f, Key::None, R, "{d} /= {s}", "div {d}, {s}", V1),
    r(0x37, Key::None, R, "{d} /= {i}", "div {d}, {i}", V1),
    // signed division and modulo: off = 1 (v4)
    r(0x3f, Off(1), R, "{d} s/= {s}", "sdiv {d}, {s}", V4),
    r(0x37, Off(1), R, "{d} s/= {i}", "sdiv {d}, {i}", V4),
    r(0x4f, Key::None, R, "{d} |= {s}", "or {d}, {s}", V1),
    r(0x47, Key::None, R, "{d} |= {i}", "or {d}, {i}", V1),
    r(0x5f, Key::None, R, "{d} &= {s}", "and {d}, {s}", V1),
    r(0x57, Key::None, R, "{d} &= {i}", "and {d}, {i}", V1),
    r(0x6f, Key::None, R, "{d} <<= {s}", "lsh {d}, {s}", V1),
    r(0x67, Key::None, R, "{d} <<= {i}", "lsh {d}, {i}", V1),
    r(0x7f, Key::None, R, "{d} >>= {s}", "rsh {d}, {s}", V1),
    r(0x77, Key::None, R, "{d} >>= {i}", "rsh {d}, {i}", V1),
    r(0x9f, Key::None, R, "{d} %= {s}", "mod {d}, {s}", V1),
    r(0x97, Key::None, R, "{d} %= {i}", "mod {d}, {i}", V1),
    r(0x9f, Off(1), R, "{d} s%= {s}", "smod {d}, {s}", V4),
    r(0x97, Off(1), R, "{d} s%= {i}", "smod {d}, {i}", V4),
    r(0xaf, Key::None, R, "{d} ^= {s}", "xor {d}, {s}", V1),
    r(0xa7, Key::None, R, "{d} ^= {i}", "xor {d}, {i}", V1),
    r(0xbf, Key::None, R, "{d} = {s}", "mov {d}, {s}", V1),
    r(0xb7, Key::None, R, "{d} = {i}", "mov {d}, {i}", V1),
    // sign-extending move: off = 8/16/32 (v4)
    r(0xbf, Off(8), R, "{d} = (s8){s}", "movsx864 {d}, {s}", V4),
    r(0xbf, Off(16), R, "{d} = (s16){s}", "movsx1664 {d}, {s}", V4),
    r(0xbf, Off(32), R, "{d} = (s32){s}", "movsx3264 {d}, {s}", V4),
    r(0xcf, Key::None, R, "{d} s>>= {s}", "arsh {d}, {s}", V1),
    r(0xc7, Key::None, R, "{d} s>>= {i}", "arsh {d}, {i}", V1),
    r(0x87, Key::None, R, "{d} = -{d}", "neg {d}", V1),
    // ALU (32-bit)
    r(0x0c, Key::None, W, "{d} += {s}", "add32 {d}, {s}", V1),
    r(0x04, Key::None, W, "{d} += {i}", "add32 {d}, {i}", V1),
    r(0x1c, Key::None, W, "{d} -= {s}", "sub32 {d}, {s}", V1),
    r(0x14, Key::None, W, "{d} -= {i}", "sub32 {d}, {i}", V1),
    r(0x2c, Key::None, W, "{d} *= {s}", "mul32 {d}, {s}", V1),
    r(0x24, Key::None, W, "{d} *= {i}", "mul32 {d}, {i}", V1),
    r(0x3c, Key::None, W, "{d} /= {s}", "div32 {d}, {s}", V1),
    r(0x34, Key::None, W, "{d} /= {i}", "div32 {d}, {i}", V1),
    // signed division and modulo: off = 1 (v4)
    r(0x3c, Off(1), W, "{d} s/= {s}", "sdiv32 {d}, {s}", V4),
    r(0x34, Off(1), W, "{d} s/= {i}", "sdiv32 {d}, {i}", V4),
    r(0x4c, Key::None, W, "{d} |= {s}", "or32 {d}, {s}", V1),
    r(0x44, Key::None, W, "{d} |= {i}", "or32 {d}, {i}", V1),
    r(0x5c, Key::None, W, "{d} &= {s}", "and32 {d}, {s}", V1),
    r(0x54, Key::None, W, "{d} &= {i}", "and32 {d}, {i}", V1),
    r(0x6c, Key::None, W, "{d} <<= {s}", "lsh32 {d}, {s}", V1),
    r(0x64, Key::None, W, "{d} <<= {i}", "lsh32 {d}, {i}", V1),
    r(0x7c, Key::None, W, "{d} >>= {s}", "rsh32 {d}, {s}", V1),
    r(0x74, Key::None, W, "{d} >>= {i}", "rsh32 {d}, {i}", V1),
    r(0x9c, Key::None, W, "{d} %= {s}", "mod32 {d}, {s}", V1),
    r(0x94, Key::None, W, "{d} %= {i}", "mod32 {d}, {i}", V1),
    r(0x9c, Off(1), W, "{d} s%= {s}", "smod32 {d}, {s}", V4),
    r(0x94, Off(1), W, "{d} s%= {i}", "smod32 {d}, {i}", V4),
    r(0xac, Key::None, W, "{d} ^= {s}", "xor32 {d}, {s}", V1),
    r(0xa4, Key::None, W, "{d} ^= {i}", "xor32 {d}, {i}", V1),
    r(0xbc, Key::None, W, "{d} = {s}", "mov32 {d}, {s}", V1),
    r(0xb4, Key::None, W, "{d} = {i}", "mov32 {d}, {i}", V1),
    // sign-extending move: off = 8/16/32 (v4)
    r(0xbc, Off(8), W, "{d} = (s8){s}", "movsx832 {d}, {s}", V4),
    r(0xbc, Off(16), W, "{d} = (s16){s}", "movsx1632 {d}, {s}", V4),
    r(0xcc, Key::None, W, "{d} s>>= {s}", "arsh32 {d}, {s}", V1),
    r(0xc4, Key::None, W, "{d} s>>= {i}", "arsh32 {d}, {i}", V1),
    r(0x84, Key::None, W, "{d} = -{d}", "neg32 {d}", V1),
    // byte swaps: ALU END, imm = width; le = K, be = X
    r(0xd4, Imm(16), R, "{d} = le16 {d}", "le16 {d}", V1),
    r(0xd4, Imm(32), R, "{d} = le32 {d}", "le32 {d}", V1),
    r(0xd4, Imm(64), R, "{d} = le64 {d}", "le64 {d}", V1),
    r(0xdc, Imm(16), R, "{d} = be16 {d}", "be16 {d}", V1),
    r(0xdc, Imm(32), R, "{d} = be32 {d}", "be32 {d}", V1),
    r(0xdc, Imm(64), R, "{d} = be64 {d}", "be64 {d}", V1),
    // unconditional swap: ALU64 END (v4)
    r(0xd7, Imm(16), R, "{d} = bswap16 {d}", "bswap16 {d}|swap16 {d}", V4),
    r(0xd7, Imm(32), R, "{d} = bswap32 {d}", "bswap32 {d}|swap32 {d}", V4),
    r(0xd7, Imm(64), R, "{d} = bswap64 {d}", "bswap64 {d}|swap64 {d}", V4),
    // JMP
    r(0x1d, Key::None, R, "if {d} == {s} goto {j}", "jeq {d}, {s}, {j}", V1),
    r(0x15, Key::None, R, "if {d} == {i} goto {j}", "jeq {d}, {i}, {j}", V1),
    r(0x2d, Key::None, R, "if {d} > {s} goto {j}", "jgt {d}, {s}, {j}", V1),
    r(0x25, Key::None, R, "if {d} > {i} goto {j}", "jgt {d}, {i}, {j}", V1),
    r(0x3d, Key::None, R, "if {d} >= {s} goto {j}", "jge {d}, {s}, {j}", V1),
    r(0x35, Key::None, R, "if {d} >= {i} goto {j}", "jge {d}, {i}, {j}", V1),
    r(0x4d, Key::None, R, "if {d} & {s} goto {j}", "jset {d}, {s}, {j}", V1),
    r(0x45, Key::None, R, "if {d} & {i} goto {j}", "jset {d}, {i}, {j}", V1),
    r(0x5d, Key::None, R, "if {d} != {s} goto {j}", "jne {d}, {s}, {j}", V1),
    r(0x55, Key::None, R, "if {d} != {i} goto {j}", "jne {d}, {i}, {j}", V1),
    r(0x6d, Key::None, R, "if {d} s> {s} goto {j}", "jsgt {d}, {s}, {j}", V1),
    r(0x65, Key::None, R, "if {d} s> {i} goto {j}", "jsgt {d}, {i}, {j}", V1),
    r(0x7d, Key::None, R, "if {d} s>= {s} goto {j}", "jsge {d}, {s}, {j}", V1),
    r(0x75, Key::None, R, "if {d} s>= {i} goto {j}", "jsge {d}, {i}, {j}", V1),
    r(0xad, Key::None, R, "if {d} < {s} goto {j}", "jlt {d}, {s}, {j}", V2),
    r(0xa5, Key::None, R, "if {d} < {i} goto {j}", "jlt {d}, {i}, {j}", V2),
    r(0xbd, Key::None, R, "if {d} <= {s} goto {j}", "jle {d}, {s}, {j}", V2),
    r(0xb5, Key::None, R, "if {d} <= {i} goto {j}", "jle {d}, {i}, {j}", V2),
    r(0xcd, Key::None, R, "if {d} s< {s} goto {j}", "jslt {d}, {s}, {j}", V2),
    r(0xc5, Key::None, R, "if {d} s< {i} goto {j}", "jslt {d}, {i}, {j}", V2),
    r(0xdd, Key::None, R, "if {d} s<= {s} goto {j}", "jsle {d}, {s}, {j}", V2),
    r(0xd5, Key::None, R, "if {d} s<= {i} goto {j}", "jsle {d}, {i}, {j}", V2),
    // JMP32 (v3)
    r(0x1e, Key::None, W, "if {d} == {s} goto {j}", "jeq32 {d}, {s}, {j}", V3),
    r(0x16, Key::None, W, "if {d} == {i} goto {j}", "jeq32 {d}, {i}, {j}", V3),
    r(0x2e, Key::None, W, "if {d} > {s} goto {j}", "jgt32 {d}, {s}, {j}", V3),
    r(0x26, Key::None, W, "if {d} > {i} goto {j}", "jgt32 {d}, {i}, {j}", V3),
    r(0x3e, Key::None, W, "if {d} >= {s} goto {j}", "jge32 {d}, {s}, {j}", V3),
    r(0x36, Key::None, W, "if {d} >= {i} goto {j}", "jge32 {d}, {i}, {j}", V3),
    r(0x4e, Key::None, W, "if {d} & {s} goto {j}", "jset32 {d}, {s}, {j}", V3),
    r(0x46, Key::None, W, "if {d} & {i} goto {j}", "jset32 {d}, {i}, {j}", V3),
    r(0x5e, Key::None, W, "if {d} != {s} goto {j}", "jne32 {d}, {s}, {j}", V3),
    r(0x56, Key::None, W, "if {d} != {i} goto {j}", "jne32 {d}, {i}, {j}", V3),
    r(0x6e, Key::None, W, "if {d} s> {s} goto {j}", "jsgt32 {d}, {s}, {j}", V3),
    r(0x66, Key::None, W, "if {d} s> {i} goto {j}", "jsgt32 {d}, {i}, {j}", V3),
    r(0x7e, Key::None, W, "if {d} s>= {s} goto {j}", "jsge32 {d}, {s}, {j}", V3),
    r(0x76, Key::None, W, "if {d} s>= {i} goto {j}", "jsge32 {d}, {i}, {j}", V3),
    r(0xae, Key::None, W, "if {d} < {s} goto {j}", "jlt32 {d}, {s}, {j}", V3),
    r(0xa6, Key::None, W, "if {d} < {i} goto {j}", "jlt32 {d}, {i}, {j}", V3),
    r(0xbe, Key::None, W, "if {d} <= {s} goto {j}", "jle32 {d}, {s}, {j}", V3),
    r(0xb6, Key::None, W, "if {d} <= {i} goto {j}", "jle32 {d}, {i}, {j}", V3),
    r(0xce, Key::None, W, "if {d} s< {s} goto {j}", "jslt32 {d}, {s}, {j}", V3),
    r(0xc6, Key::None, W, "if {d} s< {i} goto {j}", "jslt32 {d}, {i}, {j}", V3),
    r(0xde, Key::None, W, "if {d} s<= {s} goto {j}", "jsle32 {d}, {s}, {j}", V3),
    r(0xd6, Key::None, W, "if {d} s<= {i} goto {j}", "jsle32 {d}, {i}, {j}", V3),
    // unconditional jumps: ja (off), gotol = JMP32 JA (imm, v4)
    r(0x05, Key::None, R, "goto {j}", "ja {j}", V1),
    r(0x06, Key::None, R, "gotol {g}", "ja32 {g}|gotol {g}", V4),
    // calls: helper (src 0), BPF-to-BPF (src 1, pc-relative imm), kfunc (src 2)
    r(0x85, Src(0), R, "call {i}", "call {i}", V1),
    r(0x85, Src(1), R, "call {c}", "call local {c}", V1),
    r(0x85, Src(2), R, "call {i}", "call kfunc {i}", V1),
    // indirect call: register in dst, as LLVM encodes it
    r(0x8d, Key::None, R, "callx {d}", "callx {d}|call {d}", V4),
    r(0x95, Key::None, R, "exit", "exit", V1),
    // ld_imm64: 16 bytes, imm_hi in the second slot; src 1..6 are the kernel pseudo loads
    r(0x18, Src(0), R, "{d} = {q} ll", "lddw {d}, {q}", V1),
    r(0x18, SrcIn(1, 6), R, "ld_pseudo\t{d}, {p}, {u}", "ld_pseudo {d}, {p}, {u}", V1),
    // legacy packet loads: implicit r6 = skb, result in r0
    r(0x20, Key::None, R, "r0 = *(u32 *)skb[{i}]", "ldabsw {i}", V1),
    r(0x28, Key::None, R, "r0 = *(u16 *)skb[{i}]", "ldabsh {i}", V1),
    r(0x30, Key::None, R, "r0 = *(u8 *)skb[{i}]", "ldabsb {i}", V1),
    r(0x40, Key::None, R, "r0 = *(u32 *)skb[{S}]", "ldindw {S}", V1),
    r(0x48, Key::None, R, "r0 = *(u16 *)skb[{S}]", "ldindh {S}", V1),
    r(0x50, Key::None, R, "r0 = *(u8 *)skb[{S}]", "ldindb {S}", V1),
    // loads, stores (imm and reg)
    r(0x61, Key::None, M, "{d} = *(u32 *)({S} {o})", "ldxw {d}, [{S}{o}]", V1),
    r(0x69, Key::None, M, "{d} = *(u16 *)({S} {o})", "ldxh {d}, [{S}{o}]", V1),
    r(0x71, Key::None, M, "{d} = *(u8 *)({S} {o})", "ldxb {d}, [{S}{o}]", V1),
    r(0x79, Key::None, R, "{d} = *(u64 *)({S} {o})", "ldxdw {d}, [{S}{o}]", V1),
    // sign-extending loads: MEMSX mode (v4)
    r(0x81, Key::None, R, "{d} = *(s32 *)({S} {o})", "ldxsw {d}, [{S}{o}]", V4),
    r(0x89, Key::None, R, "{d} = *(s16 *)({S} {o})", "ldxsh {d}, [{S}{o}]", V4),
    r(0x91, Key::None, R, "{d} = *(s8 *)({S} {o})", "ldxsb {d}, [{S}{o}]", V4),
    r(0x62, Key::None, R, "*(u32 *)({D} {o}) = {i}", "stw [{D}{o}], {i}", V1),
    r(0x6a, Key::None, R, "*(u16 *)({D} {o}) = {i}", "sth [{D}{o}], {i}", V1),
    r(0x72, Key::None, R, "*(u8 *)({D} {o}) = {i}", "stb [{D}{o}], {i}", V1),
    r(0x7a, Key::None, R, "*(u64 *)({D} {o}) = {i}", "stdw [{D}{o}], {i}", V1),
    r(0x63, Key::None, M, "*(u32 *)({D} {o}) = {s}", "stxw [{D}{o}], {s}", V1),
    r(0x6b, Key::None, M, "*(u16 *)({D} {o}) = {s}", "stxh [{D}{o}], {s}", V1),
    r(0x73, Key::None, M, "*(u8 *)({D} {o}) = {s}", "stxb [{D}{o}], {s}", V1),
    r(0x7b, Key::None, R, "*(u64 *)({D} {o}) = {s}", "stxdw [{D}{o}], {s}", V1),
    // atomics: the operation is in imm (| 0x01 = fetch). The 64-bit ones exist from v1
    // (clang-19 emits each of them at -mcpu=v1); the 32-bit ones but `lock +=`, from v3.
    r(0xdb, Imm(0x00), R, "lock *(u64 *)({D} {o}) += {s}", "lock add [{D}{o}], {s}", V1),
    r(0xdb, Imm(0x40), R, "lock *(u64 *)({D} {o}) |= {s}", "lock or [{D}{o}], {s}", V1),
    r(0xdb, Imm(0x50), R, "lock *(u64 *)({D} {o}) &= {s}", "lock and [{D}{o}], {s}", V1),
    r(0xdb, Imm(0xa0), R, "lock *(u64 *)({D} {o}) ^= {s}", "lock xor [{D}{o}], {s}", V1),
    r(0xdb, Imm(0x01), R, "{s} = atomic_fetch_add((u64 *)({D} {o}), {s})", "lock fetch add [{D}{o}], {s}", V1),
    r(0xdb, Imm(0x41), R, "{s} = atomic_fetch_or((u64 *)({D} {o}), {s})", "lock fetch or [{D}{o}], {s}", V1),
    r(0xdb, Imm(0x51), R, "{s} = atomic_fetch_and((u64 *)({D} {o}), {s})", "lock fetch and [{D}{o}], {s}", V1),
    r(0xdb, Imm(0xa1), R, "{s} = atomic_fetch_xor((u64 *)({D} {o}), {s})", "lock fetch xor [{D}{o}], {s}", V1),
    r(0xdb, Imm(0xe1), R, "{s} = xchg_64({D} {o}, {s})", "lock xchg [{D}{o}], {s}", V1),
    // cmpxchg compares with r0 and loads the old value into r0
    r(0xdb, Imm(0xf1), R, "r0 = cmpxchg_64({D} {o}, r0, {s})", "lock cmpxchg [{D}{o}], {s}", V1),
    // atomics: the operation is in imm (| 0x01 = fetch)
    r(0xc3, Imm(0x00), W, "lock *(u32 *)({D} {o}) += {s}", "lock add32 [{D}{o}], {s}", V1),
    r(0xc3, Imm(0x40), W, "lock *(u32 *)({D} {o}) |= {s}", "lock or32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0x50), W, "lock *(u32 *)({D} {o}) &= {s}", "lock and32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0xa0), W, "lock *(u32 *)({D} {o}) ^= {s}", "lock xor32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0x01), W, "{s} = atomic_fetch_add((u32 *)({D} {o}), {s})", "lock fetch add32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0x41), W, "{s} = atomic_fetch_or((u32 *)({D} {o}), {s})", "lock fetch or32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0x51), W, "{s} = atomic_fetch_and((u32 *)({D} {o}), {s})", "lock fetch and32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0xa1), W, "{s} = atomic_fetch_xor((u32 *)({D} {o}), {s})", "lock fetch xor32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0xe1), W, "{s} = xchg32_32({D} {o}, {s})", "lock xchg32 [{D}{o}], {s}", V3),
    r(0xc3, Imm(0xf1), W, "w0 = cmpxchg32_32({D} {o}, w0, {s})", "lock cmpxchg32 [{D}{o}], {s}", V3),
];
