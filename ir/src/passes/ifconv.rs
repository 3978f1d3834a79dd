//! If-conversion of conditional increments into arithmetic, as clang -O2 does:
//! `if (c) x++;` (a `brif` around a block that only computes `x + 1`) becomes
//! `x + (c ? 1 : 0)`, and `(c ? 1 : 0)` is the comparison's own 0/1 value (for a bit
//! test `(y & 2^k) != 0` it is `(y & 2^k) >> k`). Also `c ? 1 : 0` and `c ? x - 1 : x`
//! merges, and one merge of two other constants (`c ? 30 : 31`), which becomes a
//! `select` when the arms compute nothing else.
//!
//! Why only these shapes: BPF has no conditional move, so codegen expands any
//! `select` back into branches; converting is only a win when the merge becomes plain
//! arithmetic, or a select of two constants (a move, a jump over the other move: one
//! instruction fewer than two arms). Plain arithmetic is straight-line code, and the
//! verifier walks one path instead of two per condition (verifier.rst: every branch
//! on an unknown value doubles the states to explore until pruning catches up); a
//! select of constants still branches, as the arms did.
//!
//! Shape: block `A` ends in `brif c, T, E` (`c` an `icmp`, or any value meaning
//! `c != 0`); each of `T`/`E` is
//! either the join block `J` itself or a block whose only predecessor is `A`, that
//! holds at most `MAX_SPECULATED` pure instructions (plus constants) and jumps to `J`.
//! Every parameter of `J` must get the same value from both edges or a pair handled
//! above.
//!
//! Verifier note: speculated instructions are pure arithmetic on values narrower than
//! 64 bits, so no pointer arithmetic (which the verifier forbids on a possibly-null
//! pointer) is moved above the check that guards it.

use crate::cfg::ControlFlowGraph;
use crate::dfg::ValueDef;
use crate::entities::{Block, Inst, Value};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::opcodes::Opcode;
use crate::passes::util::const_value;
use crate::types::{IntCC, SourceLoc, Type};

/// Most non-constant instructions moved out of a conditional block.
const MAX_SPECULATED: usize = 2;

/// Returns true if any branch was converted.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    let blocks = f.layout.blocks().to_vec();
    // `convert` changes nothing when it returns false, so the CFG is recomputed only
    // after a conversion (once per block made 2000 `if`s take minutes).
    let mut cfg = ControlFlowGraph::compute(f);
    for a in blocks {
        if !f.layout.is_block_inserted(a) {
            continue;
        }
        if convert(f, &cfg, a) {
            changed = true;
            cfg = ControlFlowGraph::compute(f);
        }
    }
    f.dfg.resolve_all_aliases();
    changed
}

/// One way from `A` to the join: through a side block or directly.
struct Arm {
    side: Option<Block>,
    /// The arguments the join receives on this arm.
    args: Vec<Value>,
}

fn convert(f: &mut Function, cfg: &ControlFlowGraph, a: Block) -> bool {
    let Some(term) = f.layout.last_inst(a) else {
        return false;
    };
    let InstData::Brif {
        cond,
        then_dest,
        else_dest,
    } = f.dfg.insts[term].clone()
    else {
        return false;
    };
    let cond = f.dfg.resolve_alias(cond);
    let (Some((tj, t)), Some((ej, e))) = (
        arm(f, cfg, a, &then_dest, &else_dest),
        arm(f, cfg, a, &else_dest, &then_dest),
    ) else {
        return false;
    };
    if tj != ej || tj == a {
        return false;
    }
    let join = tj;
    if t.args.len() != e.args.len() || t.args.len() != f.dfg.block_params(join).len() {
        return false;
    }
    // Plan every merge before changing anything.
    let only_constants = [t.side, e.side]
        .into_iter()
        .flatten()
        .all(|side| side_is_constants(f, side));
    let mut merges = Vec::with_capacity(t.args.len());
    let mut selects = 0;
    for (&x, &y) in t.args.iter().zip(&e.args) {
        let (x, y) = (f.dfg.resolve_alias(x), f.dfg.resolve_alias(y));
        if x == y {
            merges.push(Merge::Same(x));
            continue;
        }
        match merge_of(f, x, y) {
            Some(m) => merges.push(m),
            None if only_constants && constant_pair(f, x, y) => {
                if const_value(f, x) == const_value(f, y) {
                    merges.push(Merge::Same(x));
                } else {
                    selects += 1;
                    merges.push(Merge::Select(x, y));
                }
            }
            None => return false,
        }
    }
    if selects > 1 {
        return false;
    }
    // Speculate the side blocks' instructions in front of the branch.
    let loc = f.srclocs[term];
    for side in [t.side, e.side].into_iter().flatten() {
        let insts = f.layout.block_insts(side).to_vec();
        for &i in insts.iter().take(insts.len().saturating_sub(1)) {
            f.layout.remove_inst(i);
            f.layout.insert_inst_before(i, term);
        }
    }
    let param_tys: Vec<Type> = f
        .dfg
        .block_params(join)
        .iter()
        .map(|&p| f.dfg.value_type(p))
        .collect();
    let mut new_args = Vec::with_capacity(merges.len());
    for (m, ty) in merges.into_iter().zip(param_tys) {
        let v = match m {
            Merge::Same(x) => x,
            Merge::Select(x, y) => emit(f, term, loc, InstData::Select { args: [cond, x, y] }, ty),
            Merge::Flag { base, op, negate } => {
                let flag = flag_value(f, term, loc, cond, negate, ty);
                match (base, op) {
                    (None, _) => flag,
                    (Some(b), op) => emit(
                        f,
                        term,
                        loc,
                        InstData::Binary {
                            op,
                            args: [b, flag],
                        },
                        ty,
                    ),
                }
            }
        };
        new_args.push(v);
    }
    f.dfg.insts[term] = InstData::Jump {
        dest: BlockCall::new(join, new_args),
    };
    true
}

/// How the join parameter's value is computed from the condition.
enum Merge {
    Same(Value),
    /// `c ? x : y` of two constants: codegen's `select` is one move, the conditional
    /// jump and the other move (`w1 = 30; if w2 == 1 goto J; w1 = 31`), one instruction
    /// fewer than the branches to two moves (one of which must jump over the other), as
    /// clang lays out such merges.
    Select(Value, Value),
    /// `base op flag` (or `flag` alone) where flag = c (or !c) as 0/1.
    Flag {
        base: Option<Value>,
        op: Opcode,
        negate: bool,
    },
}

/// `x` (when the condition holds) and `y` (when it does not) as a `Merge`.
fn merge_of(f: &Function, x: Value, y: Value) -> Option<Merge> {
    let ty = f.dfg.value_type(x);
    if ty == Type::I64 || f.dfg.value_type(y) != ty {
        return None;
    }
    let c = |v: Value| const_value(f, v).map(|c| ty.sext(c));
    let flag_alone = |negate| Merge::Flag {
        base: None,
        op: Opcode::Iadd,
        negate,
    };
    match (c(x), c(y)) {
        (Some(1), Some(0)) => return Some(flag_alone(false)),
        (Some(0), Some(1)) => return Some(flag_alone(true)),
        _ => {}
    }
    // x = y ± 1 (condition adds or subtracts), or y = x ± 1 (negated condition).
    if let Some((base, op)) = plus_minus_one(f, x)
        && base == y
    {
        return Some(Merge::Flag {
            base: Some(y),
            op,
            negate: false,
        });
    }
    if let Some((base, op)) = plus_minus_one(f, y)
        && base == x
    {
        return Some(Merge::Flag {
            base: Some(x),
            op,
            negate: true,
        });
    }
    None
}

/// Two constants of the same type narrower than 64 bits.
fn constant_pair(f: &Function, x: Value, y: Value) -> bool {
    let ty = f.dfg.value_type(x);
    ty != Type::I64
        && f.dfg.value_type(y) == ty
        && const_value(f, x).is_some()
        && const_value(f, y).is_some()
}

/// The side block computes nothing but constants (nothing is speculated but moves).
fn side_is_constants(f: &Function, side: Block) -> bool {
    let insts = f.layout.block_insts(side);
    insts
        .iter()
        .take(insts.len().saturating_sub(1))
        .all(|&i| matches!(f.dfg.insts[i], InstData::Iconst { .. }))
}

/// `(b, iadd|isub)` when `v` is `b + 1` or `b - 1`.
fn plus_minus_one(f: &Function, v: Value) -> Option<(Value, Opcode)> {
    let ValueDef::Result(i) = f.dfg.value_def(v) else {
        return None;
    };
    let ty = f.dfg.value_type(v);
    match f.dfg.insts[i] {
        InstData::Binary {
            op: op @ (Opcode::Iadd | Opcode::Isub),
            args: [b, k],
        } => {
            let k = ty.sext(const_value(f, k)?);
            match (op, k) {
                (Opcode::Iadd, 1) | (Opcode::Isub, -1) => {
                    Some((f.dfg.resolve_alias(b), Opcode::Iadd))
                }
                (Opcode::Iadd, -1) | (Opcode::Isub, 1) => {
                    Some((f.dfg.resolve_alias(b), Opcode::Isub))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The join block and arguments of the way through `dest`, if it is the join itself
/// (`other` then being the side) or a convertible side block.
fn arm(
    f: &Function,
    cfg: &ControlFlowGraph,
    a: Block,
    dest: &BlockCall,
    other: &BlockCall,
) -> Option<(Block, Arm)> {
    let s = dest.block;
    let side_ok = s != a
        && s != other.block
        && cfg.preds[s].len() == 1
        && f.dfg.block_params(s).is_empty()
        && dest.args.is_empty();
    if side_ok {
        let insts = f.layout.block_insts(s);
        let (&last, body) = insts.split_last()?;
        if let InstData::Jump { dest: j } = &f.dfg.insts[last] {
            let pure = body.iter().all(|&i| speculatable(f, i));
            let cost = body
                .iter()
                .filter(|&&i| !matches!(f.dfg.insts[i], InstData::Iconst { .. }))
                .count();
            if pure && cost <= MAX_SPECULATED && j.block != s {
                return Some((
                    j.block,
                    Arm {
                        side: Some(s),
                        args: j.args.clone(),
                    },
                ));
            }
        }
    }
    Some((
        s,
        Arm {
            side: None,
            args: dest.args.clone(),
        },
    ))
}

/// Pure, narrower than 64 bits, not a CO-RE constant.
fn speculatable(f: &Function, i: Inst) -> bool {
    let data = &f.dfg.insts[i];
    let pure = matches!(
        data,
        InstData::Iconst { .. }
            | InstData::Unary { .. }
            | InstData::Convert { .. }
            | InstData::Binary { .. }
            | InstData::Icmp { .. }
    );
    // Division by a non-constant may be by zero: fine for BPF (x/0 = 0), but keep the
    // code the user wrote conditional.
    let divides = matches!(
        data,
        InstData::Binary {
            op: Opcode::Udiv | Opcode::Sdiv | Opcode::Urem | Opcode::Srem,
            ..
        }
    );
    let narrow = f
        .dfg
        .inst_result(i)
        .is_some_and(|r| f.dfg.value_type(r) != Type::I64);
    pure && !divides && narrow && !f.core_relocs.contains_key(&i)
}

/// The comparison `c` is, or `c != 0` for any other condition (the zero is `None`).
fn icmp_of(f: &Function, c: Value) -> (IntCC, Value, Option<Value>) {
    if let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(c))
        && let InstData::Icmp { cond, args: [x, y] } = f.dfg.insts[i]
    {
        return (cond, x, Some(y));
    }
    (IntCC::Ne, c, None)
}

/// Adds `data` (result type `ty`) before `before`.
fn emit(f: &mut Function, before: Inst, loc: SourceLoc, data: InstData, ty: Type) -> Value {
    let (i, r) = f.dfg.make_inst(data, Some(ty));
    f.layout.insert_inst_before(i, before);
    f.srclocs[i] = loc;
    // Every opcode used here has a result; make one should the table ever disagree.
    match r {
        Some(r) => r,
        None => f.dfg.make_inst_result(i, ty),
    }
}

/// The condition (or its negation) as 0/1 of type `ty`. A bit test `(y & 2^k) != 0`
/// becomes `(y & 2^k) >> k`, two ALU instructions instead of a materialized compare.
fn flag_value(
    f: &mut Function,
    before: Inst,
    loc: SourceLoc,
    cond: Value,
    negate: bool,
    ty: Type,
) -> Value {
    let (cc, x, y) = icmp_of(f, cond);
    let cc = if negate { cc.inverse() } else { cc };
    let y_is_zero = y.is_none_or(|y| const_value(f, y) == Some(0));
    let bit = if cc == IntCC::Ne && y_is_zero {
        single_bit_test(f, x)
    } else {
        None
    };
    let (flag, fty) = match bit {
        Some(k) => {
            let xty = f.dfg.value_type(x);
            let v = if k == 0 {
                x
            } else {
                let kv = emit(f, before, loc, InstData::Iconst { imm: i64::from(k) }, xty);
                emit(
                    f,
                    before,
                    loc,
                    InstData::Binary {
                        op: Opcode::Ushr,
                        args: [x, kv],
                    },
                    xty,
                )
            };
            (v, xty)
        }
        None => {
            let y = match y {
                Some(y) => y,
                None => {
                    let xty = f.dfg.value_type(x);
                    emit(f, before, loc, InstData::Iconst { imm: 0 }, xty)
                }
            };
            let c = InstData::Icmp {
                cond: cc,
                args: [x, y],
            };
            (emit(f, before, loc, c, Type::I32), Type::I32)
        }
    };
    if fty == ty {
        return flag;
    }
    let op = if fty.bits() < ty.bits() {
        Opcode::Uextend
    } else {
        Opcode::Ireduce
    };
    emit(f, before, loc, InstData::Convert { op, arg: flag }, ty)
}

/// `k` when `v` is `band _, 2^k`.
fn single_bit_test(f: &Function, v: Value) -> Option<u32> {
    let ValueDef::Result(i) = f.dfg.value_def(f.dfg.resolve_alias(v)) else {
        return None;
    };
    let InstData::Binary {
        op: Opcode::Band,
        args: [_, m],
    } = f.dfg.insts[i]
    else {
        return None;
    };
    let ty = f.dfg.value_type(v);
    let m = ty.zext(const_value(f, m)?);
    m.is_power_of_two().then(|| m.trailing_zeros())
}
