//! Expansion of the bit builtins (`sema/bitops.rs`) into shifts and masks, as LLVM
//! expands them for BPF, which has no bit-counting instructions:
//!
//! - popcount: the parallel bit count (pairs, nibbles, bytes, then a multiply that sums
//!   the bytes into the top one);
//! - clz: smear the highest set bit right, then count the zeros left (`popcount(~x)`);
//! - ctz: count the ones below the lowest set bit (`popcount(~x & (x - 1))`);
//! - ffs: `x ? ctz(x) + 1 : 0`;
//! - abs: `(x ^ m) - m` with `m` the sign smeared over the word.
//!
//! Invariants: the argument is the builtin's parameter (`i32` or `i64` as `bits` says);
//! the counts return `i32`, abs the parameter's type.

use super::func::FnLower;
use crate::sema::tast::BitOp;
use ir::{IntCC, Opcode, Type, Value};

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
                let one = self.b.iconst(t, 1);
                let below = self.b.isub(x, one);
                let n = self.b.unary(Opcode::Bnot, x);
                let m = self.b.binary(Opcode::Band, n, below);
                let c = self.popcount(t, m);
                if op == BitOp::Ctz {
                    c
                } else {
                    let one = self.b.iconst(t, 1);
                    let c1 = self.b.iadd(c, one);
                    let z = self.b.iconst(t, 0);
                    let nz = self.b.icmp(IntCC::Ne, x, z);
                    self.b.select(nz, c1, z)
                }
            }
            BitOp::Abs => {
                let m = self.shift(Opcode::Sshr, t, x, bits - 1);
                let f = self.b.binary(Opcode::Bxor, x, m);
                return self.b.isub(f, m);
            }
        };
        self.resize(count, Type::I32, false)
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
