//! Expansion of the bit builtins (`sema/bitops.rs`) into shifts and masks, as LLVM
//! expands them for BPF, which has no bit-counting instructions:
//!
//! - popcount: the parallel bit count (pairs, nibbles, bytes, then a multiply that sums
//!   the bytes into the top one);
//! - clz: smear the highest set bit right, then count the zeros left (`popcount(~x)`);
//! - ctz: a de Bruijn table lookup, as LLVM's `TargetLowering::CTTZTableLookup`
//!   expands `cttz` for BPF: the lowest set bit `x & -x` times the de Bruijn constant
//!   puts a distinct pattern in the top log2(bits) bits, which index a byte table
//!   (`table[(db << i) >> (bits - log2(bits))] = i`). The table is a per-function pool
//!   constant (`GlobalData::pool`): clang puts one copy in each function's constant
//!   pool, the 32-entry one in `.rodata.cst32`, the 64-entry one in `.rodata`, and
//!   libbpf turns those sections into maps, so the bytes must be the same.
//!   `ctz(0)` is undefined (no test), as for clang;
//! - ffs: `x ? ctz(x) + 1 : 0`;
//! - abs: `(x ^ m) - m` with `m` the sign smeared over the word.
//!
//! Invariants: the argument is the builtin's parameter (`i32` or `i64` as `bits` says);
//! the counts return `i32`, abs the parameter's type.

use super::func::FnLower;
use crate::sema::tast::BitOp;
use ir::{Ext, IntCC, MemFlags, Opcode, Type, Value};

/// The de Bruijn sequences LLVM's `CTTZTableLookup` multiplies by (B(2, 5) and
/// B(2, 6)): clang's tables are built from them, so ours must be too.
const DE_BRUIJN_32: u64 = 0x077C_B531;
const DE_BRUIJN_64: u64 = 0x0218_A392_CD3D_5DBF;

/// The byte table of `bits` entries for sequence `db`: the entry at the top
/// log2(bits) bits of `db << i` (within `bits`) is `i`.
fn de_bruijn_table(bits: u32, db: u64) -> Vec<u8> {
    let log2 = bits.trailing_zeros();
    let mask = u64::MAX >> (64 - bits);
    let mut table = vec![0u8; bits as usize];
    for i in 0..bits {
        let at = ((db << i) & mask) >> (bits - log2);
        table[at as usize] = i as u8;
    }
    table
}

impl FnLower<'_, '_> {
    pub(super) fn bit_op(&mut self, op: BitOp, bits: u32, x: Value) -> Value {
        let t = if bits == 64 { Type::I64 } else { Type::I32 };
        let count = match op {
            BitOp::Popcount => self.popcount(t, x),
            BitOp::Clz => {
                let mut v = x;
                let mut s = 1;
                while s < bits {
                    let sh = self.shift(Opcode::Ushr, t, v, s);
                    v = self.b.binary(Opcode::Bor, v, sh);
                    s *= 2;
                }
                let n = self.b.unary(Opcode::Bnot, v);
                self.popcount(t, n)
            }
            BitOp::Ctz | BitOp::Ffs => {
                let c = self.ctz_lookup(bits, x);
                if op == BitOp::Ctz {
                    return c;
                }
                let one = self.b.iconst(Type::I32, 1);
                let c1 = self.b.iadd(c, one);
                let z = self.b.iconst(t, 0);
                let nz = self.b.icmp(IntCC::Ne, x, z);
                let z32 = self.b.iconst(Type::I32, 0);
                return self.b.select(nz, c1, z32);
            }
            BitOp::Abs => {
                let m = self.shift(Opcode::Sshr, t, x, bits - 1);
                let f = self.b.binary(Opcode::Bxor, x, m);
                return self.b.isub(f, m);
            }
        };
        self.resize(count, Type::I32, false)
    }

    /// `ctz(x)` (undefined for 0) for a `bits`-wide `x`, as an `i32`: the de Bruijn
    /// table lookup (see the module header).
    fn ctz_lookup(&mut self, bits: u32, x: Value) -> Value {
        let t = if bits == 64 { Type::I64 } else { Type::I32 };
        let log2 = bits.trailing_zeros();
        let db = if bits == 64 {
            DE_BRUIJN_64
        } else {
            DE_BRUIJN_32
        };
        let (name, section) = if bits == 64 {
            (".Lcttz.table64", ".rodata")
        } else {
            (".Lcttz.table32", ".rodata.cst32")
        };
        let table = de_bruijn_table(bits, db);
        let name = self.consts.pool_table(name, &table, section);
        let neg = self.b.ineg(x);
        let low = self.b.binary(Opcode::Band, x, neg);
        let k = self.b.iconst(t, db as i64);
        let p = self.b.imul(low, k);
        let idx = self.shift(Opcode::Ushr, t, p, bits - log2);
        let idx = self.resize(idx, Type::I64, false);
        let r = self.b.func.import_global(&name);
        let base = self.b.global_addr(r, 0);
        let addr = self.b.iadd(base, idx);
        self.b
            .load(Type::I32, Type::I8, Ext::Zero, MemFlags::default(), addr, 0)
    }

    fn shift(&mut self, op: Opcode, t: Type, x: Value, by: u32) -> Value {
        let k = self.b.iconst(t, i64::from(by));
        self.b.binary(op, x, k)
    }

    fn and_const(&mut self, t: Type, x: Value, mask: u64) -> Value {
        let k = self.b.iconst(t, mask as i64);
        self.b.binary(Opcode::Band, x, k)
    }

    /// The number of set bits of `x` (of type `t`), as a `t`.
    fn popcount(&mut self, t: Type, x: Value) -> Value {
        let bits = t.bits();
        let rep = |byte: u64| (u64::MAX / 255 * byte) & (u64::MAX >> (64 - bits));
        let h = self.shift(Opcode::Ushr, t, x, 1);
        let h = self.and_const(t, h, rep(0x55));
        let v = self.b.isub(x, h);
        let lo = self.and_const(t, v, rep(0x33));
        let h = self.shift(Opcode::Ushr, t, v, 2);
        let h = self.and_const(t, h, rep(0x33));
        let v = self.b.iadd(lo, h);
        let h = self.shift(Opcode::Ushr, t, v, 4);
        let v = self.b.iadd(v, h);
        let v = self.and_const(t, v, rep(0x0f));
        let ones = self.b.iconst(t, rep(0x01) as i64);
        let v = self.b.imul(v, ones);
        self.shift(Opcode::Ushr, t, v, bits - 8)
    }
}
