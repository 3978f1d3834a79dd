//! Constant folding and algebraic identities.
//!
//! Also folds address arithmetic into stack/global addresses and memory offsets (see
//! `fold_address`).
//!
//! The difference of two addresses in one stack slot or global is a constant.
//!
//! Folds operations whose operands are constants with BPF's semantics (`eval.rs`:
//! x/0 = 0, x%0 = x, masked shifts), simplifies identities (`x+0`, `x*1`, `x&0`,
//! `x-x`, `select c, x, x`...), and turns a `brif` on a constant into a `jump`.
//!
//! Invariants: never changes side effects or memory accesses; results keep their
//! types. Verifier note: the pass never moves code, so a bounds check stays in front
//! of the access it guards.

use crate::dfg::ValueDef;
use crate::entities::{Inst, Value};
use crate::eval;
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{
    all_insts, const_value, def, emit_before, replace_with_const, replace_with_value,
};
use crate::types::{IntCC, Type};

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for inst in all_insts(f) {
        changed |= canonicalize(f, inst);
        changed |= fold_inst(f, inst) || fold_through_param(f, inst);
        changed |= fold_address(f, inst);
    }
    f.dfg.resolve_all_aliases();
    changed
}

fn fold_inst(f: &mut Function, inst: Inst) -> bool {
    let rty = f.dfg.inst_result(inst).map(|r| f.dfg.value_type(r));
    // Matched in place: the operands are copied out, and only a folded branch's
    // destination is cloned.
    match f.dfg.insts[inst] {
        InstData::Binary { op, args: [x, y] } => {
            let Some(ty) = rty else { return false };
            let (cx, cy) = (const_value(f, x), const_value(f, y));
            if let (Some(a), Some(b)) = (cx, cy)
                && let Some(r) = eval::binary(op, ty, a, b)
            {
                replace_with_const(f, inst, r);
                return true;
            }
            if op == Opcode::Isub
                && let Some(d) = address_difference(f, x, y)
            {
                replace_with_const(f, inst, d);
                return true;
            }
            // `(a + t) - a` is `t` (pointer differences: `&arr[i] - arr`).
            if op == Opcode::Isub
                && let Some(t) = added_to(f, x, y)
                && f.dfg.value_type(t) == ty
            {
                replace_with_value(f, inst, t);
                return true;
            }
            let same = f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y);
            let is = |c: Option<i64>, v: i64| c.is_some_and(|c| ty.sext(c) == ty.sext(v));
            let keep_x = match op {
                Opcode::Iadd | Opcode::Bor | Opcode::Bxor => is(cy, 0),
                Opcode::Isub | Opcode::Ishl | Opcode::Ushr | Opcode::Sshr => is(cy, 0),
                Opcode::Imul | Opcode::Udiv | Opcode::Sdiv => is(cy, 1),
                Opcode::Band => is(cy, -1) || same,
                _ => false,
            } || (op == Opcode::Bor && same);
            if keep_x && f.dfg.value_type(x) == ty {
                replace_with_value(f, inst, x);
                return true;
            }
            let keep_y = match op {
                Opcode::Iadd | Opcode::Bor | Opcode::Bxor => is(cx, 0),
                Opcode::Imul => is(cx, 1),
                Opcode::Band => is(cx, -1),
                _ => false,
            };
            if keep_y && f.dfg.value_type(y) == ty {
                replace_with_value(f, inst, y);
                return true;
            }
            let zero = match op {
                Opcode::Imul | Opcode::Band => is(cx, 0) || is(cy, 0),
                Opcode::Isub | Opcode::Bxor => same,
                // BPF: x % 1 = 0 for every x; 0 / y = 0 and 0 % y = 0 also for y = 0.
                Opcode::Urem | Opcode::Srem => is(cy, 1) || is(cx, 0),
                Opcode::Udiv | Opcode::Sdiv => is(cx, 0),
                Opcode::Ishl | Opcode::Ushr => is(cx, 0),
                _ => false,
            };
            if zero {
                replace_with_const(f, inst, 0);
                return true;
            }
            combine_shifts(f, inst, op, x, cy, ty)
        }
        InstData::Unary {
            op: Opcode::IsConstant,
            arg,
        } => {
            if const_value(f, arg).is_none() {
                return false;
            }
            replace_with_const(f, inst, 1);
            true
        }
        InstData::Unary { op, arg } => {
            let (Some(ty), Some(a)) = (rty, const_value(f, arg)) else {
                return false;
            };
            match eval::unary(op, ty, a) {
                Some(r) => {
                    replace_with_const(f, inst, r);
                    true
                }
                None => false,
            }
        }
        InstData::Convert { op, arg } => {
            let (Some(to), Some(a)) = (rty, const_value(f, arg)) else {
                return false;
            };
            let from = f.dfg.value_type(arg);
            match eval::convert(op, from, to, a) {
                Some(r) => {
                    replace_with_const(f, inst, r);
                    true
                }
                None => false,
            }
        }
        InstData::Icmp { cond, args: [x, y] } => {
            let ty = f.dfg.value_type(x);
            if let (Some(a), Some(b)) = (const_value(f, x), const_value(f, y)) {
                replace_with_const(f, inst, i64::from(eval::icmp(cond, ty, a, b)));
                return true;
            }
            if let Some(r) = address_compare(f, cond, x, y) {
                replace_with_const(f, inst, i64::from(r));
                return true;
            }
            if f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y) {
                let r = matches!(
                    cond,
                    IntCC::Eq | IntCC::Ule | IntCC::Uge | IntCC::Sle | IntCC::Sge
                );
                replace_with_const(f, inst, i64::from(r));
                return true;
            }
            false
        }
        InstData::Select { args: [c, x, y] } => {
            if let Some(cv) = const_value(f, c) {
                let ct = f.dfg.value_type(c);
                replace_with_value(f, inst, if ct.zext(cv) != 0 { x } else { y });
                return true;
            }
            if f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y) {
                replace_with_value(f, inst, x);
                return true;
            }
            false
        }
        InstData::Brif {
            cond,
            ref then_dest,
            ref else_dest,
        } => {
            let Some(cv) = const_value(f, cond) else {
                return false;
            };
            let ct = f.dfg.value_type(cond);
            let dest = if ct.zext(cv) != 0 {
                then_dest.clone()
            } else {
                else_dest.clone()
            };
            f.dfg.insts[inst] = InstData::Jump { dest };
            true
        }
        _ => false,
    }
}

/// Two constant shifts the same way become one: `(z << a) << b` is `z << (a + b)`, and
/// likewise for `>>` (logical or arithmetic); a total of the width or more leaves 0
/// (for `s>>`, the sign: a shift by width - 1). Bit-field reads extract with such
/// pairs (`(w << 8) << 49 s>> 57`).
fn combine_shifts(
    f: &mut Function,
    inst: Inst,
    op: Opcode,
    x: Value,
    b: Option<i64>,
    ty: Type,
) -> bool {
    if !matches!(op, Opcode::Ishl | Opcode::Ushr | Opcode::Sshr) {
        return false;
    }
    let Some(b) = b else { return false };
    let Some((
        _,
        &InstData::Binary {
            op: inner,
            args: [z, k],
        },
    )) = def(f, x)
    else {
        return false;
    };
    let Some(a) = const_value(f, k) else {
        return false;
    };
    if inner != op || f.dfg.value_type(z) != ty || f.dfg.value_type(x) != ty {
        return false;
    }
    let bits = u64::from(ty.bits());
    let total = (a as u64 & (bits - 1)) + (b as u64 & (bits - 1));
    let amount = match (total < bits, op) {
        (true, _) => total,
        (false, Opcode::Sshr) => bits - 1,
        (false, _) => {
            replace_with_const(f, inst, 0);
            return true;
        }
    };
    let k = emit_before(
        f,
        inst,
        InstData::Iconst { imm: amount as i64 },
        f.dfg.value_type(k),
    );
    f.dfg.insts[inst] = InstData::Binary { op, args: [z, k] };
    true
}

/// `x - y` when both are addresses in the same stack slot or global (`&a[3] - &a[0]`
/// in bytes): the symbol's address cancels out.
fn address_difference(f: &Function, x: Value, y: Value) -> Option<i64> {
    let def = |v: Value| match f.dfg.value_def(f.dfg.resolve_alias(v)) {
        ValueDef::Result(i) => Some(f.dfg.insts[i].clone()),
        _ => None,
    };
    match (def(x)?, def(y)?) {
        (
            InstData::StackAddr {
                slot: a,
                offset: o1,
            },
            InstData::StackAddr {
                slot: b,
                offset: o2,
            },
        ) if a == b => Some(i64::from(o1) - i64::from(o2)),
        (
            InstData::GlobalAddr {
                global: a,
                offset: o1,
            },
            InstData::GlobalAddr {
                global: b,
                offset: o2,
            },
        ) if a == b => Some(i64::from(o1) - i64::from(o2)),
        _ => None,
    }
}

/// `cond` between two addresses in one object, which compare as their offsets do
/// (C17 6.5.8p5: an object does not wrap around the address space).
fn address_compare(f: &Function, cond: IntCC, x: Value, y: Value) -> Option<bool> {
    let d = address_difference(f, x, y)?;
    Some(eval::icmp(cond.signed(), Type::I64, d, 0))
}

/// The constant `isub x, y` or `icmp cc x, y` (`inst`'s operation) gives for this `x`,
/// if it is one.
fn folded_with(f: &Function, inst: Inst, x: Value, y: Value) -> Option<i64> {
    let (cx, cy) = (const_value(f, x), const_value(f, y));
    match f.dfg.insts[inst] {
        InstData::Binary {
            op: Opcode::Isub, ..
        } => {
            let ty = f.dfg.value_type(f.dfg.inst_result(inst)?);
            match (cx, cy) {
                (Some(a), Some(b)) => eval::binary(Opcode::Isub, ty, a, b),
                _ => address_difference(f, x, y).map(|d| ty.sext(d)),
            }
        }
        InstData::Icmp { cond, .. } => match (cx, cy) {
            (Some(a), Some(b)) => Some(eval::icmp(cond, f.dfg.value_type(x), a, b)),
            _ => address_compare(f, cond, x, y),
        }
        .map(i64::from),
        _ => None,
    }
}

/// `isub p, y` or `icmp cc p, y`, where `p` is a parameter of the instruction's own
/// block and the operation gives a constant for every value `p` arrives with, becomes
/// a new parameter that arrives with those constants (LLVM's FoldOpIntoPhi). What it
/// is for: a pointer walk unrolled over an array leaves `p - array` behind the exits,
/// with `p` one of `array + k`; the difference is then the constant `k` on each edge.
fn fold_through_param(f: &mut Function, inst: Inst) -> bool {
    let (x, y) = match f.dfg.insts[inst] {
        InstData::Binary {
            op: Opcode::Isub,
            args: [x, y],
        }
        | InstData::Icmp { args: [x, y], .. } => (f.dfg.resolve_alias(x), y),
        _ => return false,
    };
    let (Some(block), Some(r)) = (f.layout.inst_block(inst), f.dfg.inst_result(inst)) else {
        return false;
    };
    let ValueDef::Param(pb, idx) = f.dfg.value_def(x) else {
        return false;
    };
    // Only where `y` is a constant or an address: nothing else can fold.
    let y_known = const_value(f, y).is_some()
        || matches!(
            def(f, y),
            Some((_, InstData::StackAddr { .. } | InstData::GlobalAddr { .. }))
        );
    if pb != block || !y_known || f.layout.entry_block() == Some(block) {
        return false;
    }
    // Every edge into the block: (terminator, destination index, constant).
    let mut edges: Vec<(Inst, usize, i64)> = Vec::new();
    for &b in f.layout.blocks() {
        let Some(term) = f.layout.last_inst(b) else {
            continue;
        };
        for (k, d) in f.dfg.insts[term].branch_targets().enumerate() {
            if d.block != block {
                continue;
            }
            let Some(c) = d.args.get(idx).and_then(|&a| folded_with(f, inst, a, y)) else {
                return false;
            };
            edges.push((term, k, c));
        }
    }
    if edges.is_empty() {
        return false;
    }
    let ty = f.dfg.value_type(r);
    let param = f.dfg.append_block_param(block, ty);
    for (term, k, c) in edges {
        let cv = emit_before(f, term, InstData::Iconst { imm: ty.sext(c) }, ty);
        if let Some(d) = f.dfg.insts[term].branch_dests_mut().into_iter().nth(k) {
            d.args.push(cv);
        }
    }
    replace_with_value(f, inst, param);
    true
}

/// `t` when `x` is `a + t` (or `t + a`) and `a` is `base` or the same address as it.
fn added_to(f: &Function, x: Value, base: Value) -> Option<Value> {
    let Some((
        _,
        &InstData::Binary {
            op: Opcode::Iadd,
            args: [a, b],
        },
    )) = def(f, x)
    else {
        return None;
    };
    let same = |v: Value| {
        f.dfg.resolve_alias(v) == f.dfg.resolve_alias(base)
            || address_difference(f, v, base) == Some(0)
    };
    if same(a) {
        Some(b)
    } else if same(b) {
        Some(a)
    } else {
        None
    }
}

/// `(x + c)` as `(x, c)` when `v` is an `iadd` with a constant operand.
fn add_const(f: &Function, v: Value) -> Option<(Value, i64)> {
    let v = f.dfg.resolve_alias(v);
    let ValueDef::Result(i) = f.dfg.value_def(v) else {
        return None;
    };
    match f.dfg.insts[i] {
        InstData::Binary {
            op: Opcode::Iadd,
            args: [a, b],
        } => match (const_value(f, a), const_value(f, b)) {
            (_, Some(c)) => Some((a, c)),
            (Some(c), _) => Some((b, c)),
            _ => None,
        },
        _ => None,
    }
}

/// Address arithmetic folding, the shapes clang gives the BPF verifier:
/// - `iadd (stack_addr ss, o), c` becomes `stack_addr ss, o + c` (an `r10 + off`
///   access) while inside the slot; likewise `global_addr @g, o + c`;
/// - `iadd (iadd x, c1), c2` becomes `iadd x, c1 + c2` (so a packet bounds check stays
///   `ptr + const` compared with `data_end`, as the verifier wants);
/// - a load, store or atomic at `(x + c) + off` becomes `x + (c + off)` when the sum
///   fits BPF's 16-bit `off`.
fn fold_address(f: &mut Function, inst: Inst) -> bool {
    if f.layout.inst_block(inst).is_none() {
        return false;
    }
    match f.dfg.insts[inst] {
        InstData::Binary {
            op: Opcode::Iadd,
            args: [x, y],
        } => {
            let (base, c) = match (const_value(f, x), const_value(f, y)) {
                (None, Some(c)) => (x, c),
                (Some(c), None) => (y, c),
                _ => return false,
            };
            let ValueDef::Result(bi) = f.dfg.value_def(f.dfg.resolve_alias(base)) else {
                return false;
            };
            match f.dfg.insts[bi].clone() {
                InstData::StackAddr { slot, offset } => {
                    let size = f
                        .stack_slots
                        .get(slot)
                        .map(|d| i64::from(d.size))
                        .unwrap_or(0);
                    let new = i64::from(offset).wrapping_add(c);
                    if (0..=size).contains(&new) && f.dfg.value_type(base) == Type::I64 {
                        f.dfg.insts[inst] = InstData::StackAddr {
                            slot,
                            offset: new as i32,
                        };
                        return true;
                    }
                    false
                }
                InstData::GlobalAddr { global, offset } => {
                    match i32::try_from(i64::from(offset).wrapping_add(c)) {
                        Ok(new) => {
                            f.dfg.insts[inst] = InstData::GlobalAddr {
                                global,
                                offset: new,
                            };
                            true
                        }
                        Err(_) => false,
                    }
                }
                InstData::Binary {
                    op: Opcode::Iadd, ..
                } => {
                    let Some((inner, c1)) = add_const(f, base) else {
                        return false;
                    };
                    let ty = f.dfg.value_type(base);
                    let (k, kv) = f.dfg.make_inst(
                        InstData::Iconst {
                            imm: ty.sext(c1.wrapping_add(c)),
                        },
                        Some(ty),
                    );
                    let Some(kv) = kv else { return false };
                    f.layout.insert_inst_before(k, inst);
                    f.srclocs[k] = f.srclocs[inst];
                    f.dfg.insts[inst] = InstData::Binary {
                        op: Opcode::Iadd,
                        args: [inner, kv],
                    };
                    true
                }
                _ => false,
            }
        }
        InstData::Load {
            mem,
            ext,
            flags,
            addr,
            offset,
        } => match fold_offset(f, addr, offset) {
            Some((addr, offset)) => {
                f.dfg.insts[inst] = InstData::Load {
                    mem,
                    ext,
                    flags,
                    addr,
                    offset,
                };
                true
            }
            None => false,
        },
        InstData::Store {
            flags,
            args: [v, addr],
            offset,
        } => match fold_offset(f, addr, offset) {
            Some((addr, offset)) => {
                f.dfg.insts[inst] = InstData::Store {
                    flags,
                    args: [v, addr],
                    offset,
                };
                true
            }
            None => false,
        },
        InstData::AtomicRmw {
            op,
            fetch,
            addr,
            offset,
            arg,
        } => match fold_offset(f, addr, offset) {
            Some((addr, offset)) => {
                f.dfg.insts[inst] = InstData::AtomicRmw {
                    op,
                    fetch,
                    addr,
                    offset,
                    arg,
                };
                true
            }
            None => false,
        },
        InstData::AtomicCas {
            args: [addr, e, n],
            offset,
        } => match fold_offset(f, addr, offset) {
            Some((addr, offset)) => {
                f.dfg.insts[inst] = InstData::AtomicCas {
                    args: [addr, e, n],
                    offset,
                };
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// `(x + c), off` as `x, c + off` if that fits in 16 bits.
fn fold_offset(f: &Function, addr: Value, offset: i16) -> Option<(Value, i16)> {
    let (base, c) = add_const(f, addr)?;
    if f.dfg.value_type(base) != Type::I64 {
        return None;
    }
    let new = i16::try_from(c.checked_add(i64::from(offset))?).ok()?;
    Some((base, new))
}

/// Puts a constant operand second in commutative operations and comparisons
/// (`5 < x` becomes `x > 5`): BPF's ALU and jump instructions take an immediate only
/// as the second operand, so codegen can use the `K` forms.
fn canonicalize(f: &mut Function, inst: Inst) -> bool {
    match f.dfg.insts[inst] {
        InstData::Binary { op, args: [x, y] } if op.is_commutative() => {
            if const_value(f, x).is_some() && const_value(f, y).is_none() {
                f.dfg.insts[inst] = InstData::Binary { op, args: [y, x] };
                return true;
            }
            false
        }
        InstData::Icmp { cond, args: [x, y] } => {
            if const_value(f, x).is_some() && const_value(f, y).is_none() {
                f.dfg.insts[inst] = InstData::Icmp {
                    cond: cond.swapped(),
                    args: [y, x],
                };
                return true;
            }
            false
        }
        _ => false,
    }
}
