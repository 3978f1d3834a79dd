//! Demanded bits (the part of LLVM's SimplifyDemandedBits that bit-field code needs):
//! which bits of each value its users can observe, and operands replaced by simpler
//! values that agree on those bits.
//!
//! A bit-field read through a unit built by `bor`s of masked, shifted fields
//! (`((a & 7) | (b & 31) << 3 | ...) >> 3 & 31`) only looks at one field's bits; the
//! other fields' terms drop out, then `(b << 3) >> 3` on the low bits is `b`.
//!
//! Demand flows backwards: uses by anything but arithmetic (memory, calls, compares,
//! branches, block arguments) demand every bit; `band` with a constant, shifts by a
//! constant, width changes, `iadd`/`isub`/`imul` (low bits only depend on low bits)
//! narrow it. Walking the reachable blocks in reverse post-order backwards visits every
//! user before the definition, so a value's demand is complete when it is visited.
//!
//! Per use, an operand is looked through while it agrees with one of its own operands
//! on the demanded bits: `band x, c` (`c` keeps every demanded bit `x` may have set),
//! `bor`/`bxor` with a side known zero there, `ushr (ishl y, k), k` and
//! `sshr (ishl y, k), k` on the low bits, `ishl (ushr y, k), k` on the high bits (all
//! bits where the logical shift's zero fill meets bits of `y` known zero), and
//! an extension of a truncation back to the original width on the narrow bits. The new
//! operand then owns that demand (it was proven on those bits). Also, a `sextend` or
//! `sshr` whose sign-filled bits are not demanded becomes the unsigned form, which
//! later folds further.
//!
//! Invariants: values only change on bits nobody demands; types are kept; nothing
//! moves. Verifier note: loads and compares demand every bit, so bounds checks see
//! unchanged values.

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, reverse_post_order};
use crate::entities::{Inst, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::bitsimp::KnownZero;
use crate::passes::util::const_value;
use crate::passes::util::def;
use crate::types::Type;

/// How far one operand is looked through.
const MAX_LOOK: u32 = 16;

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    // A look-through can expose another one above it (the user was visited first).
    for _ in 0..4 {
        f.dfg.resolve_all_aliases();
        if !round(f) {
            break;
        }
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    changed
}

fn round(f: &mut Function) -> bool {
    let cfg = ControlFlowGraph::compute(f);
    let rpo = reverse_post_order(f, &cfg);
    let mut dem: SecondaryMap<Value, u64> = map_of_len(f.dfg.values.len());
    // Uses in unreachable blocks are not visited: they demand everything.
    let mut reachable: SecondaryMap<crate::entities::Block, bool> = map_of_len(f.dfg.blocks.len());
    for &b in &rpo {
        reachable[b] = true;
    }
    for &b in f.layout.blocks() {
        if !reachable[b] {
            for &i in f.layout.block_insts(b) {
                demand_all(f, &mut dem, i);
            }
        }
    }
    let mut kz = KnownZero::new(f);
    let mut changed = false;
    for &b in rpo.iter().rev() {
        let insts: Vec<Inst> = f.layout.block_insts(b).to_vec();
        for &inst in insts.iter().rev() {
            changed |= visit(f, &mut kz, &mut dem, inst);
        }
    }
    changed
}

fn demand_all(f: &Function, dem: &mut SecondaryMap<Value, u64>, inst: Inst) {
    for v in f.dfg.insts[inst].operands() {
        let v = f.dfg.resolve_alias(v);
        dem[v] |= f.dfg.value_type(v).mask();
    }
}

/// Narrows `inst`'s operands to what its result's demand needs of them.
fn visit(
    f: &mut Function,
    kz: &mut KnownZero,
    dem: &mut SecondaryMap<Value, u64>,
    inst: Inst,
) -> bool {
    let pure = matches!(
        f.dfg.insts[inst],
        InstData::Unary { .. }
            | InstData::Convert { .. }
            | InstData::Binary { .. }
            | InstData::Select { .. }
    );
    let Some(r) = f.dfg.inst_result(inst).filter(|_| pure) else {
        demand_all(f, dem, inst);
        return false;
    };
    let ty = f.dfg.value_type(r);
    let d = dem[r] & ty.mask();
    if d == 0 {
        // Unused (dce removes it) or used only for bits nobody reads.
        return false;
    }
    let mut changed = unsign(f, inst, d, ty);
    let data = f.dfg.insts[inst].clone();
    let demands = operand_demands(f, kz, &data, ty, d);
    for (i, (o, od)) in data.fixed_operands().zip(demands).enumerate() {
        let o = f.dfg.resolve_alias(o);
        let od = od & f.dfg.value_type(o).mask();
        let s = look_through(f, kz, o, od);
        if s != o {
            set_operand(&mut f.dfg.insts[inst], i, s);
            changed = true;
        }
        dem[s] |= od;
    }
    changed
}

/// A `sextend` whose new high bits, or an `sshr` whose sign-filled bits, nobody
/// demands is the unsigned form. Returns true if `inst` changed.
fn unsign(f: &mut Function, inst: Inst, d: u64, ty: Type) -> bool {
    match f.dfg.insts[inst] {
        InstData::Convert {
            op: Opcode::Sextend,
            arg,
        } if d & !f.dfg.value_type(arg).mask() == 0 => {
            f.dfg.insts[inst] = InstData::Convert {
                op: Opcode::Uextend,
                arg,
            };
            true
        }
        InstData::Binary {
            op: Opcode::Sshr,
            args: [x, kv],
        } => match shift_amount(f, kv, ty) {
            Some(k) if d & !(ty.mask() >> k) == 0 => {
                f.dfg.insts[inst] = InstData::Binary {
                    op: Opcode::Ushr,
                    args: [x, kv],
                };
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// A constant shift amount, reduced modulo the width as codegen does.
fn shift_amount(f: &Function, k: Value, ty: Type) -> Option<u32> {
    const_value(f, k).map(|k| (k as u64 & u64::from(ty.bits() - 1)) as u32)
}

/// Every bit at or below the highest bit of `d` (carries only move up).
fn low_bits_upto(d: u64) -> u64 {
    if d == 0 {
        0
    } else {
        u64::MAX >> d.leading_zeros()
    }
}

/// The bits of each of `data`'s fixed operands that a result demand of `d` needs, in
/// operand order; entries past its operands are `all` and never read. (An array: a
/// `Vec` per visited instruction was an allocation each.)
fn operand_demands(
    f: &Function,
    kz: &mut KnownZero,
    data: &InstData,
    ty: Type,
    d: u64,
) -> [u64; 3] {
    let all = u64::MAX;
    match *data {
        InstData::Binary { op, args: [x, y] } => match op {
            // A bit known zero on one side makes the other side's bit irrelevant.
            Opcode::Band => [d & !kz.get(f, y), d & !kz.get(f, x), all],
            Opcode::Bor | Opcode::Bxor => [d, d, all],
            Opcode::Iadd | Opcode::Isub | Opcode::Imul => [low_bits_upto(d), low_bits_upto(d), all],
            Opcode::Ishl => match shift_amount(f, y, ty) {
                Some(k) => [d >> k, all, all],
                None => [low_bits_upto(d), all, all],
            },
            Opcode::Ushr => match shift_amount(f, y, ty) {
                Some(k) => [d << k, all, all],
                None => [all, all, all],
            },
            Opcode::Sshr => match shift_amount(f, y, ty) {
                Some(k) => {
                    let sign = 1u64 << (ty.bits() - 1);
                    let fill = if d & !(ty.mask() >> k) != 0 { sign } else { 0 };
                    [(d << k) | fill, all, all]
                }
                None => [all, all, all],
            },
            _ => [all, all, all],
        },
        InstData::Unary {
            op: Opcode::Bnot, ..
        } => [d, all, all],
        InstData::Unary {
            op: Opcode::Ineg, ..
        } => [low_bits_upto(d), all, all],
        InstData::Convert { op, arg } => {
            let from = f.dfg.value_type(arg);
            match op {
                Opcode::Sextend if d & !from.mask() != 0 => {
                    [(d & from.mask()) | 1u64 << (from.bits() - 1), all, all]
                }
                _ => [d, all, all],
            }
        }
        InstData::Select { .. } => [all, d, d],
        _ => [all; 3],
    }
}

/// A value that agrees with `v` on the bits `d` (and has its type): `v` itself or one
/// of the values it is computed from.
fn look_through(f: &Function, kz: &mut KnownZero, mut v: Value, d: u64) -> Value {
    for _ in 0..MAX_LOOK {
        let Some(next) = agreeing_operand(f, kz, v, d) else {
            break;
        };
        v = f.dfg.resolve_alias(next);
    }
    v
}

/// An operand of `v`'s definition equal to `v` on the bits `d`.
fn agreeing_operand(f: &Function, kz: &mut KnownZero, v: Value, d: u64) -> Option<Value> {
    let ty = f.dfg.value_type(v);
    let (_, data) = def(f, v)?;
    match *data {
        InstData::Binary {
            op: Opcode::Band,
            args: [x, c],
        } => {
            let c = const_value(f, c)? as u64;
            (d & !c & !kz.get(f, x) == 0).then_some(x)
        }
        InstData::Binary {
            op: Opcode::Bor | Opcode::Bxor,
            args: [x, y],
        } => {
            if d & !kz.get(f, y) == 0 {
                Some(x)
            } else if d & !kz.get(f, x) == 0 {
                Some(y)
            } else {
                None
            }
        }
        InstData::Binary {
            op: op @ (Opcode::Ushr | Opcode::Sshr | Opcode::Ishl),
            args: [x, k],
        } => {
            let k = shift_amount(f, k, ty)?;
            let (
                _,
                &InstData::Binary {
                    op: inner,
                    args: [y, k2],
                },
            ) = def(f, x)?
            else {
                return None;
            };
            if shift_amount(f, k2, ty) != Some(k) {
                return None;
            }
            // The bits a shift pair returns unchanged: the low ones for a right shift
            // undoing a left shift, the high ones for the other way round. The others
            // are zero-filled by a logical shift: still `y`'s where those are known zero.
            let kept = match (op, inner) {
                (Opcode::Ushr | Opcode::Sshr, Opcode::Ishl) => ty.mask() >> k,
                (Opcode::Ishl, Opcode::Ushr | Opcode::Sshr) => (ty.mask() << k) & ty.mask(),
                _ => return None,
            };
            let zero_filled = if op == Opcode::Sshr { 0 } else { kz.get(f, y) };
            (d & !kept & !zero_filled == 0).then_some(y)
        }
        InstData::Convert {
            op: Opcode::Uextend | Opcode::Sextend,
            arg,
        } => {
            let (
                _,
                &InstData::Convert {
                    op: Opcode::Ireduce,
                    arg: y,
                },
            ) = def(f, arg)?
            else {
                return None;
            };
            let narrow = f.dfg.value_type(arg);
            (f.dfg.value_type(y) == ty && d & !narrow.mask() == 0).then_some(y)
        }
        _ => None,
    }
}

/// Replaces the `i`-th fixed operand of a pure instruction.
fn set_operand(data: &mut InstData, i: usize, v: Value) {
    match data {
        InstData::Unary { arg, .. } | InstData::Convert { arg, .. } => *arg = v,
        InstData::Binary { args, .. } => args[i] = v,
        InstData::Select { args } => args[i] = v,
        _ => {}
    }
}
