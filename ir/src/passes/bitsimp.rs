//! Bit-level simplification with known-zero bits (a small part of what LLVM's
//! instcombine does): the masks, shifts and width changes that bit-field and
//! piecewise-slot code produce (`slotwiden`, the frontend's bit-field lowering) fold
//! away when the bits they clear are already known to be zero.
//!
//! Known-zero bits come from constants, zero-extensions and zero-extending loads,
//! `band`/`bor`/`bxor`, constant shifts, `icmp` (0 or 1), `select` and `iadd` (a sum
//! of values below 2^n is below 2^(n+1): the 64-bit folds of a checksum over 16-bit
//! words, `(s & 0xffffffff) + (s >> 32)`, are `s`). Rewrites:
//! - a value whose bits are all known zero becomes `iconst 0`;
//! - `band x, c` is `x` when every bit `x` may have set is in `c`;
//!   `band (band x, c1), c2` is `band x, c1 & c2`;
//! - `bor x, y` is `y` when `x` is known zero (and the other way round);
//! - `ireduce.T (uextend|sextend x)` is `x`, or a single extension/reduction of it;
//! - `uextend.T (ireduce.N x)` is `x` (or one width change of it) when `x`'s bits at
//!   and above `N` are known zero;
//! - a compare that is one bit of a value and is not a branch or select condition
//!   becomes a shift (no compare to materialize with branches): `(x & 2^k) != 0` is
//!   `(x & 2^k) >> k`, `x < 0` is `x >> (bits - 1)`, `x > 2^k - 1` is `x >> k` when
//!   `x < 2^(k+1)` is known;
//! - `uextend.T (ireduce.N x)` with `x: T` is `x & mask(N)`; `((w >> k) & m) << k` is
//!   `w & (m << k)`; masks of one value in a `bor` tree merge: `(w & a) | (w & b)` is
//!   `w & (a | b)`;
//! - `urem x, c` with `x < 2c` known is `x >= c ? x - c : x` (a bound the verifier
//!   keeps, where it loses one at a remainder).
//!
//! Invariants: only pure instructions are rewritten, results keep their types, CO-RE
//! constants are never folded. Verifier note: nothing moves, so checks stay in place.

use cranelift_entity::SecondaryMap;

use crate::dfg::ValueDef;
use crate::entities::{Inst, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{
    all_insts, const_value, def, emit_before, replace_with_const, replace_with_value,
};
use crate::types::{Ext, IntCC, Type};

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for _ in 0..4 {
        f.dfg.resolve_all_aliases();
        let mut kz = KnownZero::new(f);
        let mut round = false;
        let conds = condition_values(f);
        for inst in all_insts(f) {
            round |= simplify(f, &mut kz, inst);
            if let Some(r) = f.dfg.inst_result(inst)
                && !conds.contains(&r)
            {
                round |= bit_test_as_shift(f, &mut kz, inst);
            }
        }
        if !round {
            break;
        }
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    changed
}

/// Memoized known-zero masks (bit set = known zero), within the value's width.
pub(crate) struct KnownZero {
    memo: SecondaryMap<Value, Option<u64>>,
}

impl KnownZero {
    /// An empty memo for `f`, sized for its values (it is filled in about value order,
    /// so a map grown on demand grew at nearly every entry).
    pub(crate) fn new(f: &Function) -> Self {
        KnownZero {
            memo: map_of_len(f.dfg.values.len()),
        }
    }

    pub(crate) fn get(&mut self, f: &Function, v: Value) -> u64 {
        self.depth_get(f, v, 0)
    }

    fn depth_get(&mut self, f: &Function, v: Value, depth: u32) -> u64 {
        let v = f.dfg.resolve_alias(v);
        if let Some(m) = self.memo[v] {
            return m;
        }
        let m = if depth > 32 {
            0
        } else {
            self.compute(f, v, depth + 1)
        };
        let m = m & f.dfg.value_type(v).mask();
        self.memo[v] = Some(m);
        m
    }

    fn compute(&mut self, f: &Function, v: Value, depth: u32) -> u64 {
        let ty = f.dfg.value_type(v);
        let mask = ty.mask();
        let ValueDef::Result(i) = f.dfg.value_def(v) else {
            return 0;
        };
        if f.core_relocs.contains_key(&i) {
            return 0;
        }
        match f.dfg.insts[i] {
            InstData::Iconst { imm } => !(imm as u64) & mask,
            InstData::Convert {
                op: Opcode::Uextend,
                arg,
            } => {
                let from = f.dfg.value_type(arg);
                self.depth_get(f, arg, depth) | (mask & !from.mask())
            }
            InstData::Convert {
                op: Opcode::Ireduce,
                arg,
            } => self.depth_get(f, arg, depth),
            InstData::Convert {
                op: Opcode::Sextend,
                arg,
            } => {
                let from = f.dfg.value_type(arg);
                let z = self.depth_get(f, arg, depth);
                let sign = 1u64 << (from.bits() - 1);
                if z & sign != 0 {
                    z | (mask & !from.mask())
                } else {
                    z & from.mask()
                }
            }
            InstData::Load {
                mem,
                ext: Ext::Zero,
                ..
            } if mem.bits() < ty.bits() => mask & !mem.mask(),
            InstData::Binary {
                op: Opcode::Band,
                args: [x, y],
            } => self.depth_get(f, x, depth) | self.depth_get(f, y, depth),
            InstData::Binary {
                op: Opcode::Bor | Opcode::Bxor,
                args: [x, y],
            }
            | InstData::Select { args: [_, x, y] } => {
                self.depth_get(f, x, depth) & self.depth_get(f, y, depth)
            }
            InstData::Binary {
                op: op @ (Opcode::Ishl | Opcode::Ushr),
                args: [x, k],
            } => {
                let Some(k) = const_value(f, k) else { return 0 };
                let k = (k as u64 & u64::from(ty.bits() - 1)) as u32;
                let z = self.depth_get(f, x, depth);
                if op == Opcode::Ishl {
                    (z << k) | ((1u64 << k) - 1)
                } else {
                    (z >> k) | !(mask >> k)
                }
            }
            InstData::Icmp { .. }
            | InstData::Unary {
                op: Opcode::IsConstant,
                ..
            } => mask & !1,
            InstData::Binary {
                op: Opcode::Iadd,
                args: [x, y],
            } => {
                let (zx, zy) = (self.depth_get(f, x, depth), self.depth_get(f, y, depth));
                sum_known_zero(zx, zy, ty.bits())
            }
            _ => 0,
        }
    }
}

/// Known-zero bits of `x + y` (`bits` wide) from those of `x` and `y`: if both are below
/// 2^n the sum is below 2^(n+1), one known-zero top bit fewer; the low bits both leave
/// zero stay zero (no carry comes into them).
/// `urem x, c` where `x` is known to be below `2c` (from its known-zero bits): `x` when
/// `x < c`, else `x >= c ? x - c : x`. Why: the verifier loses a register's bounds at
/// a remainder by a constant that is not a power of two (`(p[0] & 3) % 3` indexing a
/// 3-entry table is rejected), but follows a compare and a subtraction; clang's
/// CorrelatedValuePropagation makes the same rewrite. A power of two is `strength`'s.
fn urem_below_twice(
    f: &mut Function,
    kz: &mut KnownZero,
    inst: Inst,
    x: Value,
    y: Value,
    ty: Type,
) -> bool {
    let Some(c) = const_value(f, y) else {
        return false;
    };
    let c = c as u64 & ty.mask();
    // The largest value `x` can have: every bit not known zero set.
    let max = !kz.get(f, x) & ty.mask();
    if c == 0 || c.is_power_of_two() {
        return false;
    }
    if max < c {
        replace_with_value(f, inst, x);
        return true;
    }
    if max >= c.saturating_mul(2) {
        return false;
    }
    let ge = emit_before(
        f,
        inst,
        InstData::Icmp {
            cond: IntCC::Uge,
            args: [x, y],
        },
        Type::I32,
    );
    let less = emit_before(
        f,
        inst,
        InstData::Binary {
            op: Opcode::Isub,
            args: [x, y],
        },
        ty,
    );
    f.dfg.insts[inst] = InstData::Select {
        args: [ge, less, x],
    };
    true
}

fn sum_known_zero(zx: u64, zy: u64, bits: u32) -> u64 {
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let top_zeros = |z: u64| match !z & mask {
        0 => bits,
        maybe => bits - (64 - maybe.leading_zeros()),
    };
    let low_zeros = |z: u64| (!z & mask).trailing_zeros().min(bits);
    let top = top_zeros(zx).min(top_zeros(zy)).saturating_sub(1);
    let low = low_zeros(zx).min(low_zeros(zy));
    let high = if top == 0 { 0 } else { mask & !(mask >> top) };
    high | (1u64.checked_shl(low).unwrap_or(0).wrapping_sub(1) & mask)
}

fn simplify(f: &mut Function, kz: &mut KnownZero, inst: Inst) -> bool {
    if f.layout.inst_block(inst).is_none() {
        return false;
    }
    let Some(r) = f.dfg.inst_result(inst) else {
        return false;
    };
    let pure = matches!(
        f.dfg.insts[inst],
        InstData::Unary { .. }
            | InstData::Convert { .. }
            | InstData::Binary { .. }
            | InstData::Select { .. }
    );
    if !pure {
        return false;
    }
    // (Copied only now: a call's copy would allocate its argument list.)
    let data = f.dfg.insts[inst].clone();
    let ty = f.dfg.value_type(r);
    let mask = ty.mask();
    if kz.get(f, r) == mask {
        replace_with_const(f, inst, 0);
        return true;
    }
    match data {
        InstData::Binary {
            op: Opcode::Band,
            args: [x, y],
        } => {
            let Some(c) = const_value(f, y) else {
                return false;
            };
            let c = c as u64 & mask;
            let maybe_set = !kz.get(f, x) & mask;
            if maybe_set & !c == 0 {
                replace_with_value(f, inst, x);
                return true;
            }
            if let Some((
                _,
                &InstData::Binary {
                    op: Opcode::Band,
                    args: [inner, c1],
                },
            )) = def(f, x)
                && let Some(c1) = const_value(f, c1)
            {
                let kv = emit_before(
                    f,
                    inst,
                    InstData::Iconst {
                        imm: ty.sext((c1 as u64 & c) as i64),
                    },
                    ty,
                );
                f.dfg.insts[inst] = InstData::Binary {
                    op: Opcode::Band,
                    args: [inner, kv],
                };
                return true;
            }
            false
        }
        InstData::Binary {
            op: Opcode::Urem,
            args: [x, y],
        } => urem_below_twice(f, kz, inst, x, y, ty),
        InstData::Binary {
            op: Opcode::Bor,
            args: [x, y],
        } => {
            if kz.get(f, x) == mask {
                replace_with_value(f, inst, y);
                return true;
            }
            if kz.get(f, y) == mask {
                replace_with_value(f, inst, x);
                return true;
            }
            merge_masks(f, inst, ty)
        }
        InstData::Binary {
            op: Opcode::Ishl,
            args: [x, k],
        } => {
            // (w >> k) << k is w with its low k bits cleared; with a mask in between,
            // the mask moves up: ((w >> k) & m) << k = w & (m << k).
            let Some(kc) = const_value(f, k) else {
                return false;
            };
            let kc = (kc as u64 & u64::from(ty.bits() - 1)) as u32;
            let (inner, m) = match def(f, x) {
                Some((
                    _,
                    &InstData::Binary {
                        op: Opcode::Band,
                        args: [i, m],
                    },
                )) => match const_value(f, m) {
                    Some(m) => (i, m as u64 & mask),
                    None => return false,
                },
                _ => (x, mask),
            };
            // Also through a truncation: ireduce.T (w >> k) << k = (ireduce.T w) & ...
            let (inner, narrowed) = match def(f, inner) {
                Some((
                    _,
                    &InstData::Convert {
                        op: Opcode::Ireduce,
                        arg,
                    },
                )) => (arg, true),
                _ => (inner, false),
            };
            let Some((
                _,
                &InstData::Binary {
                    op: Opcode::Ushr,
                    args: [w, k2],
                },
            )) = def(f, inner)
            else {
                return false;
            };
            let wt = f.dfg.value_type(w);
            let same_k = const_value(f, k2).map(|k2| (k2 as u64 & u64::from(wt.bits() - 1)) as u32);
            if same_k != Some(kc) {
                return false;
            }
            let w = if narrowed {
                emit_before(
                    f,
                    inst,
                    InstData::Convert {
                        op: Opcode::Ireduce,
                        arg: w,
                    },
                    ty,
                )
            } else {
                w
            };
            let m = ((m & (mask >> kc)) << kc) & mask;
            let mk = emit_before(
                f,
                inst,
                InstData::Iconst {
                    imm: ty.sext(m as i64),
                },
                ty,
            );
            f.dfg.insts[inst] = InstData::Binary {
                op: Opcode::Band,
                args: [w, mk],
            };
            true
        }
        InstData::Convert {
            op: Opcode::Ireduce,
            arg,
        } => {
            let Some((
                _,
                &InstData::Convert {
                    op: inner_op,
                    arg: x,
                },
            )) = def(f, arg)
            else {
                return false;
            };
            if !matches!(inner_op, Opcode::Uextend | Opcode::Sextend) {
                return false;
            }
            resize(f, inst, x, ty, inner_op)
        }
        InstData::Convert {
            op: Opcode::Uextend,
            arg,
        } => {
            let Some((
                _,
                &InstData::Convert {
                    op: Opcode::Ireduce,
                    arg: x,
                },
            )) = def(f, arg)
            else {
                return false;
            };
            let narrow = f.dfg.value_type(arg);
            let wide = f.dfg.value_type(x);
            let high = wide.mask() & !narrow.mask();
            if kz.get(f, x) & high != high {
                if wide.bits() < ty.bits() {
                    return false;
                }
                // Zero-extending a truncation back to the same width is a mask (from a
                // wider value: of its truncation to the result width).
                let x = if wide == ty {
                    x
                } else {
                    emit_before(
                        f,
                        inst,
                        InstData::Convert {
                            op: Opcode::Ireduce,
                            arg: x,
                        },
                        ty,
                    )
                };
                let k = emit_before(
                    f,
                    inst,
                    InstData::Iconst {
                        imm: ty.sext(narrow.mask() as i64),
                    },
                    ty,
                );
                f.dfg.insts[inst] = InstData::Binary {
                    op: Opcode::Band,
                    args: [x, k],
                };
                return true;
            }
            resize(f, inst, x, ty, Opcode::Uextend)
        }
        InstData::Convert {
            op: Opcode::Sextend,
            arg,
        } => sext_field(f, inst, arg, ty),
        _ => false,
    }
}

/// `sextend.T(ireduce.N(ushr x, k))`, a signed field of `x` (N bits at bit k, `x` at
/// least as wide as T): shift the field's top bit to bit T-1 (right by k + N - T, or
/// left by T - k - N, in x's width), cut to T, then an arithmetic right shift by T - N
/// brings the field down, sign-extended. Two shifts, or one when the field already
/// ends at bit T-1 (`(s16)(w >> 16)` of a 32-bit word is `(s32)w s>> 16`), where the
/// lowering of `sextend` adds two (or one `movsx`) to the `ushr`.
fn sext_field(f: &mut Function, inst: Inst, arg: Value, ty: Type) -> bool {
    let Some((
        _,
        &InstData::Convert {
            op: Opcode::Ireduce,
            arg: y,
        },
    )) = def(f, arg)
    else {
        return false;
    };
    let Some((
        _,
        &InstData::Binary {
            op: Opcode::Ushr,
            args: [x, k],
        },
    )) = def(f, y)
    else {
        return false;
    };
    let xty = f.dfg.value_type(x);
    let (n, t, s) = (f.dfg.value_type(arg).bits(), ty.bits(), xty.bits());
    let Some(shift) = const_value(f, k) else {
        return false;
    };
    let shift = (shift as u64 & u64::from(s - 1)) as u32;
    if f.dfg.value_type(y) != xty || s < t || shift + n > s {
        return false;
    }
    let kty = f.dfg.value_type(k);
    let shifted = |f: &mut Function, op: Opcode, by: u32| {
        if by == 0 {
            return x;
        }
        let amount = emit_before(f, inst, InstData::Iconst { imm: i64::from(by) }, kty);
        emit_before(
            f,
            inst,
            InstData::Binary {
                op,
                args: [x, amount],
            },
            xty,
        )
    };
    // The field's top bit at bit t - 1 of the low t bits.
    let top = if shift + n >= t {
        shifted(f, Opcode::Ushr, shift + n - t)
    } else {
        shifted(f, Opcode::Ishl, t - shift - n)
    };
    let top = if s == t {
        top
    } else {
        emit_before(
            f,
            inst,
            InstData::Convert {
                op: Opcode::Ireduce,
                arg: top,
            },
            ty,
        )
    };
    let right = emit_before(
        f,
        inst,
        InstData::Iconst {
            imm: i64::from(t - n),
        },
        ty,
    );
    f.dfg.insts[inst] = InstData::Binary {
        op: Opcode::Sshr,
        args: [top, right],
    };
    true
}

/// Values used as a `brif` or `select` condition (codegen fuses those compares into
/// the jump, so they stay compares).
fn condition_values(f: &Function) -> std::collections::BTreeSet<Value> {
    let mut out = std::collections::BTreeSet::new();
    for i in all_insts(f) {
        match f.dfg.insts[i] {
            InstData::Brif { cond, .. } => {
                out.insert(f.dfg.resolve_alias(cond));
            }
            InstData::Select { args: [c, _, _] } => {
                out.insert(f.dfg.resolve_alias(c));
            }
            _ => {}
        }
    }
    out
}

/// `icmp ne (band x, 2^k), 0` used as a 0/1 value becomes `(band x, 2^k) >> k`: two
/// ALU instructions where a materialized compare needs a branch (BPF has no setcc).
fn bit_test_as_shift(f: &mut Function, kz: &mut KnownZero, inst: Inst) -> bool {
    let Some((b, k)) = compare_as_bit(f, kz, inst) else {
        return false;
    };
    let bt = f.dfg.value_type(b);
    let loc = f.srclocs[inst];
    let mut shifted = b;
    if k != 0 && bt != Type::I32 {
        let (ki, kv) = f
            .dfg
            .make_inst(InstData::Iconst { imm: i64::from(k) }, Some(bt));
        let (si, sv) = match kv {
            Some(kv) => f.dfg.make_inst(
                InstData::Binary {
                    op: Opcode::Ushr,
                    args: [b, kv],
                },
                Some(bt),
            ),
            None => return false,
        };
        let Some(sv) = sv else { return false };
        for i in [ki, si] {
            f.layout.insert_inst_before(i, inst);
            f.srclocs[i] = loc;
        }
        shifted = sv;
    }
    f.dfg.insts[inst] = match bt {
        Type::I32 if k == 0 => {
            replace_with_value(f, inst, b);
            return true;
        }
        Type::I32 => {
            let (ki, kv) = f
                .dfg
                .make_inst(InstData::Iconst { imm: i64::from(k) }, Some(bt));
            let Some(kv) = kv else { return false };
            f.layout.insert_inst_before(ki, inst);
            f.srclocs[ki] = loc;
            InstData::Binary {
                op: Opcode::Ushr,
                args: [b, kv],
            }
        }
        Type::I64 => InstData::Convert {
            op: Opcode::Ireduce,
            arg: shifted,
        },
        Type::I8 | Type::I16 => InstData::Convert {
            op: Opcode::Uextend,
            arg: shifted,
        },
    };
    true
}

/// `(b, k)` when comparison `inst` equals bit `k` of `b` (all other bits of `b >> k`
/// being zero): `(b & 2^k) != 0`; `x < 0` (the sign bit); `x > 2^k - 1` or
/// `x >= 2^k` when `x` is known to be below `2^(k+1)` (then also signed).
fn compare_as_bit(f: &Function, kz: &mut KnownZero, inst: Inst) -> Option<(Value, u32)> {
    use crate::types::IntCC;
    let InstData::Icmp { cond, args: [x, y] } = f.dfg.insts[inst] else {
        return None;
    };
    let xt = f.dfg.value_type(x);
    let c = xt.zext(const_value(f, y)?);
    match cond {
        IntCC::Ne if c == 0 => {
            let Some((
                _,
                &InstData::Binary {
                    op: Opcode::Band,
                    args: [_, m],
                },
            )) = def(f, x)
            else {
                return None;
            };
            let m = xt.zext(const_value(f, m)?);
            m.is_power_of_two().then(|| (x, m.trailing_zeros()))
        }
        IntCC::Slt if c == 0 => Some((x, xt.bits() - 1)),
        IntCC::Ugt | IntCC::Sgt | IntCC::Uge | IntCC::Sge => {
            let bound = if matches!(cond, IntCC::Ugt | IntCC::Sgt) {
                c.checked_add(1)?
            } else {
                c
            };
            if !bound.is_power_of_two() {
                return None;
            }
            let k = bound.trailing_zeros();
            // x < 2^(k+1): bits k+1 and up are zero (so x is also non-negative).
            if k + 1 >= xt.bits() {
                return None;
            }
            let high = xt.mask() & !((1u64 << (k + 1)) - 1);
            (kz.get(f, x) & high == high).then_some((x, k))
        }
        _ => None,
    }
}

/// The leaves of the `bor` tree rooted at `v` (at most `depth` levels).
fn bor_leaves(f: &Function, v: Value, depth: u32, out: &mut Vec<Value>) {
    match def(f, v) {
        Some((
            _,
            &InstData::Binary {
                op: Opcode::Bor,
                args: [x, y],
            },
        )) if depth > 0 => {
            bor_leaves(f, x, depth - 1, out);
            bor_leaves(f, y, depth - 1, out);
        }
        _ => out.push(f.dfg.resolve_alias(v)),
    }
}

/// `(w & a) | ... | (w & b)` anywhere in a `bor` tree becomes one `w & (a | b)` (the
/// byte-wise read-modify-writes of bit-field code put a value back together this
/// way). Returns true if `inst` was rebuilt.
fn merge_masks(f: &mut Function, inst: Inst, ty: Type) -> bool {
    let Some(r) = f.dfg.inst_result(inst) else {
        return false;
    };
    let mut leaves = Vec::new();
    bor_leaves(f, r, 6, &mut leaves);
    // (base, mask) for each leaf: `band w, c` is (w, c); any other leaf w is (w, all).
    let masked: Vec<(Value, u64)> = leaves
        .iter()
        .map(|&l| match def(f, l) {
            Some((
                _,
                &InstData::Binary {
                    op: Opcode::Band,
                    args: [w, c],
                },
            )) => match const_value(f, c) {
                Some(c) => (f.dfg.resolve_alias(w), c as u64 & ty.mask()),
                None => (l, ty.mask()),
            },
            _ => (l, ty.mask()),
        })
        .collect();
    let mut groups: Vec<(Value, u64, usize)> = Vec::new();
    for &(w, m) in &masked {
        match groups.iter_mut().find(|g| g.0 == w) {
            Some(g) => {
                g.1 |= m;
                g.2 += 1;
            }
            None => groups.push((w, m, 1)),
        }
    }
    if groups.iter().all(|g| g.2 == 1) {
        return false;
    }
    let mut parts: Vec<Value> = Vec::with_capacity(groups.len());
    for (w, m, _) in groups {
        if m == ty.mask() {
            parts.push(w);
        } else {
            let k = emit_before(
                f,
                inst,
                InstData::Iconst {
                    imm: ty.sext(m as i64),
                },
                ty,
            );
            parts.push(emit_before(
                f,
                inst,
                InstData::Binary {
                    op: Opcode::Band,
                    args: [w, k],
                },
                ty,
            ));
        }
    }
    let Some((&last, rest)) = parts.split_last() else {
        return false;
    };
    let mut acc = match rest.first() {
        Some(&first) => first,
        None => {
            replace_with_value(f, inst, last);
            return true;
        }
    };
    for &p in rest.iter().skip(1) {
        acc = emit_before(
            f,
            inst,
            InstData::Binary {
                op: Opcode::Bor,
                args: [acc, p],
            },
            ty,
        );
    }
    f.dfg.insts[inst] = InstData::Binary {
        op: Opcode::Bor,
        args: [acc, last],
    };
    true
}

/// Makes `inst` compute `x` at width `ty`: `x` itself, `grow.ty x` or `ireduce.ty x`.
fn resize(f: &mut Function, inst: Inst, x: Value, ty: Type, grow: Opcode) -> bool {
    let xt = f.dfg.value_type(x);
    if xt == ty {
        replace_with_value(f, inst, x);
    } else {
        let op = if xt.bits() < ty.bits() {
            grow
        } else {
            Opcode::Ireduce
        };
        f.dfg.insts[inst] = InstData::Convert { op, arg: x };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::sum_known_zero;

    /// Every 8-bit pair of known-zero masks (a sample of them) against every pair of
    /// values they allow: the sum never has a bit the rule calls known zero.
    #[test]
    fn sum_known_zero_is_sound_on_8_bits() {
        let masks: Vec<u64> = (0..256u64)
            .step_by(7)
            .chain([0xf0, 0xfe, 0xff, 0x80, 0x0f])
            .collect();
        for &zx in &masks {
            for &zy in &masks {
                let kz = sum_known_zero(zx, zy, 8);
                for x in (0..256u64).filter(|x| x & zx == 0) {
                    for y in (0..256u64).filter(|y| y & zy == 0) {
                        assert_eq!((x + y) & 0xff & kz, 0, "zx {zx:#x} zy {zy:#x} x {x} y {y}");
                    }
                }
            }
        }
        // Two values below 2^16 in 64 bits: the top 47 bits are known zero.
        let below16 = !0xffffu64;
        assert_eq!(sum_known_zero(below16, below16, 64), !0x1ffffu64);
        // Multiples of 4: the low two bits stay zero.
        assert_eq!(sum_known_zero(3, 3, 32) & 3, 3);
    }
}
