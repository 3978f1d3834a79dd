//! After register allocation: rewrite operands to physical registers, materialize the
//! allocator's moves (register copies, spills and reloads through 8-byte `r10` slots),
//! lay blocks out, drop jumps to the next block, invert branches that would jump over a
//! single `goto`, and thread jumps through blocks that only jump. Before layout, three
//! clean-ups on physical code: the common register-only prefix of both arms of a
//! branch moves above it, the common suffix of all predecessors of a join moves into
//! it, two one-move arms become select form (one move before the branch), and an arm
//! that only sets constants sets them before the branch (`edge_consts`).
//!
//! Invariants of the output: a list of [`Item`]s where every jump target has a `Label`;
//! only physical registers; the entry block comes first. Spills and reloads are always
//! 64-bit (`*(u64 *)(r10 - N)`) so a spilled pointer keeps its type in the verifier
//! (verifier.rst: spilled pointers are tracked only in aligned 8-byte slots).

use crate::frame::Frame;
use crate::regalloc::{Allocated, Loc, Move};
use crate::vcode::{Base, BlockIdx, Cond, MInst, MemSize, OpKind, Reg, Src, VCode, Width};
use asm::isa::CpuVersion;
use ir::types::SourceLoc;

/// One line of a finished function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The start of a block that some jump targets.
    Label(BlockIdx),
    /// An instruction with physical registers, and its source location.
    Inst(MInst, SourceLoc),
}

/// Turns one allocator move into an instruction.
fn move_inst(m: Move, frame: &Frame) -> Result<MInst, String> {
    let slot_off = |s: u32| -> Result<i16, String> {
        i16::try_from(frame.spill_off(s)).map_err(|_| "spill slot out of range".to_string())
    };
    Ok(match (m.from, m.to) {
        (Loc::Reg(a), Loc::Reg(b)) => MInst::Mov {
            w: Width::W64,
            dst: Reg::Phys(b),
            src: Reg::Phys(a),
        },
        (Loc::Reg(a), Loc::Slot(s)) => MInst::Store {
            size: MemSize::DW,
            base: Base::Fp,
            off: slot_off(s)?,
            src: Src::Reg(Reg::Phys(a)),
            core: None,
        },
        (Loc::Slot(s), Loc::Reg(b)) => MInst::Load {
            size: MemSize::DW,
            signed: false,
            dst: Reg::Phys(b),
            base: Base::Fp,
            off: slot_off(s)?,
            core: None,
        },
        (Loc::Slot(_), Loc::Slot(_)) => return Err("stack-to-stack move".into()),
    })
}

/// Produces the final instruction list of a function.
pub fn finalize(
    code: &VCode,
    alloc: &Allocated,
    frame: &Frame,
    cpu: CpuVersion,
) -> Result<Vec<Item>, String> {
    let nblocks = code.blocks.len();
    // 1. Per block: body (moves + non-terminators, physical) and terminator.
    let mut bodies: Vec<Vec<(BodyItem, SourceLoc)>> = Vec::with_capacity(nblocks);
    // Labels local to a block (selects) are numbered after the blocks.
    let mut next_local = nblocks as BlockIdx;
    let mut terms: Vec<MInst> = Vec::with_capacity(nblocks);
    let mut flat = 0usize;
    for b in &code.blocks {
        let mut body = Vec::new();
        let mut term = None;
        for (k, inst) in b.insts.iter().enumerate() {
            let loc = b.locs.get(k).copied().unwrap_or_default();
            let regs = alloc.regs(flat).ok_or("allocation missing")?;
            for m in alloc.before.get(flat).into_iter().flatten() {
                body.push((BodyItem::Inst(move_inst(*m, frame)?), loc));
            }
            let mut phys = inst.clone();
            let mut i = 0usize;
            let mut missing = false;
            phys.visit_regs(&mut |r, _| {
                if let Reg::Virt(_) = r {
                    match regs.get(i) {
                        Some(&p) => *r = Reg::Phys(p),
                        None => missing = true,
                    }
                    i += 1;
                }
            });
            if missing {
                return Err("operand without allocation".into());
            }
            let after: Vec<MInst> = alloc
                .after
                .get(flat)
                .into_iter()
                .flatten()
                .map(|m| move_inst(*m, frame))
                .collect::<Result<_, _>>()?;
            if phys.is_term() {
                term = Some(phys);
            } else if let MInst::Select {
                w,
                cond,
                lhs,
                rhs,
                f,
                fw,
                dst,
                ..
            } = phys
            {
                // `if lhs cond rhs goto L; dst = f; L:` (dst already holds `t`).
                let skip = matches!(f, Src::Reg(r) if r == dst);
                if !skip {
                    let l = next_local;
                    next_local += 1;
                    let (cond, lhs, rhs) = legal_cond(cond, lhs, rhs, cpu);
                    body.push((
                        BodyItem::Inst(MInst::Br {
                            w,
                            cond,
                            lhs,
                            rhs,
                            taken: l,
                            not_taken: l,
                        }),
                        loc,
                    ));
                    let mov = match f {
                        Src::Reg(src) => MInst::Mov { w: fw, dst, src },
                        Src::Imm(imm) => MInst::MovImm { w: fw, dst, imm },
                    };
                    body.push((BodyItem::Inst(mov), loc));
                    body.push((BodyItem::Label(l), loc));
                }
            } else if !matches!(phys, MInst::Args { .. }) {
                // A register-to-itself copy is what an allocator leaves behind when it
                // coalesced perfectly; drop it.
                if !is_self_move(&phys) {
                    body.push((BodyItem::Inst(phys), loc));
                }
            }
            body.extend(after.into_iter().map(|m| (BodyItem::Inst(m), loc)));
            flat += 1;
        }
        bodies.push(body);
        terms.push(term.ok_or("block without terminator")?);
    }
    // 1a. Spill stores that a later one to the same slot overwrites, unread.
    drop_overwritten_spills(&mut bodies, frame);
    // 1b. Both successors of a conditional branch start the same way (typically the
    // allocator's copy for a join, as in `x < 0 ? -x : x`): do it once, before the
    // branch, and an arm that is left empty disappears in jump threading.
    hoist_common_prefix(&mut bodies, &terms);
    // 1c. Every predecessor of a join ends with the same instructions (a switch whose
    // arms store their value the same way): do them once, at the join.
    sink_common_suffix(&mut bodies, &terms);
    // 1d. `c ? A : B` as two one-move arms (`r = A; goto J` / `r = B; goto J`): do the
    // taken arm's move before the branch; the other arm overwrites it (select form).
    speculate_diamonds(&mut bodies, &terms);
    // 1e. A branch arm that only sets constants before jumping on sets them before the
    // branch instead, where that is dead on the other arm (`edge_consts`).
    crate::edge_consts::hoist_edge_constants(&mut bodies, &terms);
    // 2. Thread jumps: a block with an empty body ending in `goto T` is an alias of T.
    let mut alias: Vec<BlockIdx> = (0..nblocks as BlockIdx).collect();
    for (b, slot) in alias.iter_mut().enumerate() {
        let mut cur = b;
        let mut steps = 0;
        while steps <= nblocks {
            match (&bodies[cur].is_empty(), &terms[cur]) {
                (true, MInst::Jump { target }) if cur != 0 || b == 0 => {
                    if *target as usize == cur {
                        break;
                    }
                    cur = *target as usize;
                }
                _ => break,
            }
            steps += 1;
        }
        *slot = cur as BlockIdx;
    }
    // The entry block stays first even if it only jumps.
    alias[0] = 0;
    // Tail merging: blocks that are the same short return (`w0 = 2; exit`) collapse
    // into the first of them, so early exits share one copy as clang's do.
    let mut merged: Vec<BlockIdx> = (0..nblocks as BlockIdx).collect();
    let mut seen_rets: Vec<(Vec<MInst>, usize)> = Vec::new();
    for b in 1..nblocks {
        if !matches!(terms[b], MInst::Ret { .. }) || bodies[b].len() > 2 {
            continue;
        }
        let mut key: Vec<MInst> = Vec::new();
        for (it, _) in &bodies[b] {
            match it {
                BodyItem::Inst(i) => key.push(i.clone()),
                BodyItem::Label(_) => key.push(MInst::Args { args: Vec::new() }),
            }
        }
        if key.iter().any(|i| matches!(i, MInst::Args { .. })) {
            continue;
        }
        key.push(terms[b].clone());
        match seen_rets.iter().find(|(k, _)| *k == key) {
            Some((_, first)) => merged[b] = *first as BlockIdx,
            None => seen_rets.push((key, b)),
        }
    }
    let resolve = |t: BlockIdx| {
        let a = alias.get(t as usize).copied().unwrap_or(t);
        merged.get(a as usize).copied().unwrap_or(a)
    };
    // A jump to a block that only returns (no moves) becomes that return.
    let ret_only: Vec<bool> = (0..nblocks)
        .map(|b| bodies[b].is_empty() && matches!(terms[b], MInst::Ret { .. }))
        .collect();
    let ret_terms: Vec<MInst> = terms.clone();
    for t in terms.iter_mut() {
        match t {
            MInst::Jump { target } => {
                *target = resolve(*target);
                let tgt = *target as usize;
                if ret_only.get(tgt).copied().unwrap_or(false)
                    && let Some(r) = ret_terms.get(tgt)
                {
                    *t = r.clone();
                }
            }
            MInst::Br {
                taken, not_taken, ..
            } => {
                *taken = resolve(*taken);
                *not_taken = resolve(*not_taken);
            }
            _ => {}
        }
    }
    // 3. Reachable, non-alias blocks in original order.
    let mut reach = vec![false; nblocks];
    let mut stack = vec![0usize];
    while let Some(b) = stack.pop() {
        if reach[b] {
            continue;
        }
        reach[b] = true;
        for s in terms[b].succs() {
            if let Some(false) = reach.get(s as usize) {
                stack.push(s as usize);
            }
        }
    }
    let mut order: Vec<usize> = (0..nblocks).filter(|&b| reach[b]).collect();
    place_false_arms(&mut order, &terms, cpu);
    // 4. Emit with fallthrough.
    let mut items: Vec<(usize, Vec<Item>)> = Vec::new();
    let mut targeted = vec![false; nblocks];
    for (pos, &b) in order.iter().enumerate() {
        let next = order.get(pos + 1).map(|&n| n as BlockIdx);
        let mut out: Vec<Item> = bodies[b]
            .drain(..)
            .map(|(i, l)| match i {
                BodyItem::Inst(i) => Item::Inst(i, l),
                BodyItem::Label(x) => Item::Label(x),
            })
            .collect();
        let term_loc = code.blocks[b].locs.last().copied().unwrap_or_default();
        for term in block_end(&terms[b], next, cpu) {
            match &term {
                MInst::Jump { target } => targeted[*target as usize] = true,
                MInst::Br { taken, .. } => targeted[*taken as usize] = true,
                _ => {}
            }
            out.push(Item::Inst(term, term_loc));
        }
        items.push((b, out));
    }
    let mut res = Vec::new();
    for (b, out) in items {
        if targeted[b] {
            res.push(Item::Label(b as BlockIdx));
        }
        res.extend(out);
    }
    Ok(res)
}

/// Drops each spill store that a later spill store to the same slot overwrites in the
/// same block with no reload of that slot in between (only a reload, `*(u64 *)(r10 -
/// N)` in the spill area, reads a spill slot: its address is never taken). The
/// allocator spills at every definition of a spilled value, and two-address updates
/// (`w0 <<= 24; w0 s>>= 24; w0 &= 0xffff`) are one value to it: each step was stored.
/// A label inside the block (a select's) or a branch ends what is known.
fn drop_overwritten_spills(bodies: &mut [Vec<(BodyItem, SourceLoc)>], frame: &Frame) {
    let first = i64::from(frame.spill_off(0));
    let in_spills = |off: i16| {
        frame.spill_slots > 0
            && i64::from(off) <= first
            && i64::from(off) >= i64::from(frame.spill_off(frame.spill_slots - 1))
    };
    for body in bodies.iter_mut() {
        let mut dead = vec![false; body.len()];
        // Spill offset -> the last store to it not read since.
        let mut unread: Vec<(i16, usize)> = Vec::new();
        for (k, (item, _)) in body.iter().enumerate() {
            match item {
                BodyItem::Inst(MInst::Store {
                    base: Base::Fp,
                    off,
                    size: MemSize::DW,
                    ..
                }) if in_spills(*off) => {
                    if let Some(e) = unread.iter_mut().find(|(o, _)| o == off) {
                        dead[e.1] = true;
                        e.1 = k;
                    } else {
                        unread.push((*off, k));
                    }
                }
                BodyItem::Inst(MInst::Load {
                    base: Base::Fp,
                    off,
                    ..
                }) => unread.retain(|(o, _)| o != off),
                BodyItem::Inst(MInst::Br { .. }) | BodyItem::Label(_) => unread.clear(),
                BodyItem::Inst(_) => {}
            }
        }
        if dead.contains(&true) {
            let mut k = 0;
            body.retain(|_| {
                k += 1;
                !dead[k - 1]
            });
        }
    }
}

/// Moves the instructions both successors of a two-way branch begin with into the
/// branching block, before the branch. Only when each successor has that block as its
/// only predecessor, only register-only instructions (no memory access, no call: the
/// verifier judges memory accesses by the path they are on), and only those that write
/// no register the branch reads.
fn hoist_common_prefix(bodies: &mut [Vec<(BodyItem, SourceLoc)>], terms: &[MInst]) {
    let preds = pred_counts(terms);
    for (b, term) in terms.iter().enumerate() {
        let Some((lhs, rhs, t, f)) = two_way_branch(term) else {
            continue;
        };
        let single = |x: usize| x != 0 && x != b && preds.get(x) == Some(&1);
        if t == f || !single(t) || !single(f) {
            continue;
        }
        let read: Vec<u8> = std::iter::once(lhs.num())
            .chain(match rhs {
                Src::Reg(r) => Some(r.num()),
                Src::Imm(_) => None,
            })
            .collect();
        let mut k = 0;
        while let (Some((BodyItem::Inst(x), _)), Some((BodyItem::Inst(y), _))) =
            (bodies[t].get(k), bodies[f].get(k))
        {
            if x != y || !register_only(x) || writes(x).iter().any(|r| read.contains(r)) {
                break;
            }
            k += 1;
        }
        if k > 0 {
            let moved: Vec<(BodyItem, SourceLoc)> = bodies[t].drain(..k).collect();
            bodies[f].drain(..k);
            bodies[b].extend(moved);
        }
    }
}

/// Moves the instructions every predecessor of a block ends with (before its `goto`)
/// to the start of that block. Only when all predecessors end in an unconditional jump
/// to it, there are at least two, and the block is not one of them nor the entry.
fn sink_common_suffix(bodies: &mut [Vec<(BodyItem, SourceLoc)>], terms: &[MInst]) {
    let n = bodies.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut all_jumps = vec![true; n];
    for (b, t) in terms.iter().enumerate() {
        for s in t.succs() {
            let s = s as usize;
            if s >= n {
                continue;
            }
            if matches!(t, MInst::Jump { .. }) {
                preds[s].push(b);
            } else {
                all_jumps[s] = false;
            }
        }
    }
    for j in 1..n {
        let ps = std::mem::take(&mut preds[j]);
        if !all_jumps[j] || ps.len() < 2 || ps.contains(&j) {
            continue;
        }
        while let Some((BodyItem::Inst(last), loc)) = bodies[ps[0]].last() {
            let (last, loc) = (last.clone(), *loc);
            let same = ps
                .iter()
                .all(|&p| matches!(bodies[p].last(), Some((BodyItem::Inst(i), _)) if *i == last));
            if !same || matches!(last, MInst::Args { .. }) {
                break;
            }
            for &p in &ps {
                bodies[p].pop();
            }
            bodies[j].insert(0, (BodyItem::Inst(last), loc));
        }
    }
}

/// See step 1d of [`finalize`]. Both arms are single-predecessor blocks holding one
/// instruction that defines the same register without reading it (a constant or a copy),
/// then jump to the same block; the register is not one the branch reads.
fn speculate_diamonds(bodies: &mut [Vec<(BodyItem, SourceLoc)>], terms: &[MInst]) {
    let preds = pred_counts(terms);
    let pure_def = |i: &MInst| -> Option<u8> {
        match i {
            MInst::MovImm { dst, .. } | MInst::LdImm64 { dst, .. } => Some(dst.num()),
            MInst::Mov { dst, src, .. } if dst != src => Some(dst.num()),
            _ => None,
        }
    };
    for (b, term) in terms.iter().enumerate() {
        let Some((lhs, rhs, t, f)) = two_way_branch(term) else {
            continue;
        };
        let single = |x: usize| x != 0 && x != b && preds.get(x) == Some(&1);
        if t == f || !single(t) || !single(f) {
            continue;
        }
        let (Some(MInst::Jump { target: jt }), Some(MInst::Jump { target: jf })) =
            (terms.get(t), terms.get(f))
        else {
            continue;
        };
        if jt != jf || *jt as usize == t || *jt as usize == f {
            continue;
        }
        let (Some((BodyItem::Inst(x), _)), Some((BodyItem::Inst(y), _))) =
            (bodies[t].first(), bodies[f].first())
        else {
            continue;
        };
        if bodies[t].len() != 1 || bodies[f].len() != 1 {
            continue;
        }
        // Speculate the arm that is not laid out right after the other one, so that the
        // one left falls through from the branch (else a `goto` eats the gain).
        let (spec, xs, ys) = if f == b + 1 || (t == b + 1 && f == b + 2) {
            (t, x, y)
        } else if t == b + 1 {
            (f, y, x)
        } else {
            continue;
        };
        let (Some(rx), Some(ry)) = (pure_def(xs), pure_def(ys)) else {
            continue;
        };
        let read_by_br = lhs.num() == rx || matches!(rhs, Src::Reg(r) if r.num() == rx);
        // The other arm's instruction must not read the speculated register.
        let y_reads = matches!(ys, MInst::Mov { src, .. } if src.num() == rx);
        if rx != ry || read_by_br || y_reads {
            continue;
        }
        let moved: Vec<(BodyItem, SourceLoc)> = bodies[spec].drain(..).collect();
        bodies[b].extend(moved);
    }
}

/// A conditional branch's operands and its taken and not-taken blocks.
pub(crate) fn two_way_branch(term: &MInst) -> Option<(Reg, Src, usize, usize)> {
    match term {
        MInst::Br {
            lhs,
            rhs,
            taken,
            not_taken,
            ..
        } => Some((*lhs, *rhs, *taken as usize, *not_taken as usize)),
        _ => None,
    }
}

/// How many jumps and branch arms go to each block (terminators only).
pub(crate) fn pred_counts(terms: &[MInst]) -> Vec<u32> {
    let mut preds = vec![0u32; terms.len()];
    for t in terms {
        for s in t.succs() {
            if let Some(p) = preds.get_mut(s as usize) {
                *p += 1;
            }
        }
    }
    preds
}

/// Instructions that only read and write registers.
fn register_only(i: &MInst) -> bool {
    matches!(
        i,
        MInst::MovImm { .. }
            | MInst::LdImm64 { .. }
            | MInst::LdSym { .. }
            | MInst::Mov { .. }
            | MInst::MovSx { .. }
            | MInst::Alu { .. }
            | MInst::Neg { .. }
            | MInst::Endian { .. }
            | MInst::FrameAddr { .. }
    )
}

/// The registers an instruction (with physical registers) writes.
fn writes(i: &MInst) -> Vec<u8> {
    let mut out = Vec::new();
    let mut c = i.clone();
    c.visit_regs(&mut |r, kind| {
        if matches!(
            kind,
            OpKind::Def | OpKind::DefReuse(_) | OpKind::FixedDef(_)
        ) {
            out.push(r.num());
        }
    });
    out
}

/// A body element: an instruction or a label local to the block.
pub(crate) enum BodyItem {
    Inst(MInst),
    Label(BlockIdx),
}

/// A jump condition legal for `cpu` with the same meaning (v1 lacks `<`, `<=`): swap
/// register operands. (Isel never gives v1 such a test against an immediate.)
fn legal_cond(cond: Cond, lhs: Reg, rhs: Src, cpu: CpuVersion) -> (Cond, Reg, Src) {
    match rhs {
        Src::Reg(r) if cpu < CpuVersion::V2 && cond.needs_v2() => (cond.swap(), r, Src::Reg(lhs)),
        _ => (cond, lhs, rhs),
    }
}

fn is_self_move(i: &MInst) -> bool {
    matches!(i, MInst::Mov { w: Width::W64, dst, src } if dst == src)
}

/// The instructions that end a block with terminator `term` when `next` follows it in
/// the layout: no jump to the next block, a branch to it inverted when that is legal, a
/// `goto` after a branch when neither arm falls through.
fn block_end(term: &MInst, next: Option<BlockIdx>, cpu: CpuVersion) -> Vec<MInst> {
    let jump = |target: BlockIdx| (Some(target) != next).then_some(MInst::Jump { target });
    match term.clone() {
        MInst::Jump { target } => jump(target).into_iter().collect(),
        MInst::Br {
            taken, not_taken, ..
        } if taken == not_taken => jump(taken).into_iter().collect(),
        MInst::Br {
            w,
            cond,
            lhs,
            rhs,
            taken,
            not_taken,
        } => match invert_legal(cond, lhs, rhs, cpu).filter(|_| Some(taken) == next) {
            Some((inv, l, r)) => vec![MInst::Br {
                w,
                cond: inv,
                lhs: l,
                rhs: r,
                taken: not_taken,
                not_taken: taken,
            }],
            None => std::iter::once(term.clone())
                .chain(jump(not_taken))
                .collect(),
        },
        other => vec![other],
    }
}

/// Moves the false arm of a branch that cannot be inverted (cpu v1: `if r > 60`, whose
/// inverse `<=` has no jump against an immediate) right after it when its true arm came
/// next, which otherwise costs `if r > 60 goto +1; goto F`. A move is made only when it
/// saves instructions ([`block_end`]), counted over the blocks whose successor in the
/// layout changes; the entry block stays first.
fn place_false_arms(order: &mut Vec<usize>, terms: &[MInst], cpu: CpuVersion) {
    let cost = |order: &[usize], pos: usize| -> usize {
        order.get(pos).map_or(0, |&b| {
            let next = order.get(pos + 1).map(|&n| n as BlockIdx);
            terms.get(b).map_or(0, |t| block_end(t, next, cpu).len())
        })
    };
    let mut p = 0;
    while p + 1 < order.len() {
        let b = order[p];
        let Some(MInst::Br {
            cond,
            lhs,
            rhs,
            taken,
            not_taken,
            ..
        }) = terms.get(b)
        else {
            p += 1;
            continue;
        };
        let stuck = *taken as usize == order[p + 1]
            && taken != not_taken
            && invert_legal(*cond, *lhs, *rhs, cpu).is_none();
        // (The false arm is looked for only behind a stuck branch: a search per branch
        // made the layout quadratic in the number of blocks on every cpu.)
        if stuck
            && let Some(q) = order.iter().position(|&x| x == *not_taken as usize)
            && q > p + 1
        {
            // The blocks whose successor changes: b, the one before the false arm, and
            // the false arm itself.
            let touched = |o: &[usize], ps: [usize; 3]| ps.iter().map(|&i| cost(o, i)).sum();
            let before: usize = touched(order, [p, q - 1, q]);
            let mut moved = order.clone();
            let f = moved.remove(q);
            moved.insert(p + 1, f);
            let after: usize = touched(&moved, [p, p + 1, q]);
            if after < before {
                *order = moved;
            }
        }
        p += 1;
    }
}

/// The inverted test, legal for `cpu`: v1 has no `<`/`<=` jumps, so an inverted test
/// that needs them swaps register operands, and is refused against an immediate.
fn invert_legal(cond: Cond, lhs: Reg, rhs: Src, cpu: CpuVersion) -> Option<(Cond, Reg, Src)> {
    let inv = cond.invert()?;
    if cpu >= CpuVersion::V2 || !inv.needs_v2() {
        return Some((inv, lhs, rhs));
    }
    match rhs {
        Src::Reg(r) => Some((inv.swap(), r, Src::Reg(lhs))),
        Src::Imm(_) => None,
    }
}

/// Instruction slots (8-byte units) an instruction takes once encoded.
fn slots(i: &MInst) -> i64 {
    match i {
        MInst::Args { .. } | MInst::Select { .. } => 0,
        MInst::LdImm64 { .. } | MInst::LdSym { .. } | MInst::FrameAddr { .. } => 2,
        MInst::CoreConst { imm, .. } if i32::try_from(*imm).is_err() => 2,
        _ => 1,
    }
}

/// Branch relaxation: jumps farther than BPF's 16-bit `off` reaches become `gotol`
/// (cpu v4; a conditional one jumps over it with the inverted test). Before v4 such a
/// jump is an error. Repeats until no distance grows past the limit.
pub fn relax(items: Vec<Item>, cpu: CpuVersion) -> Result<Vec<Item>, String> {
    let mut items = items;
    let mut next_label = items
        .iter()
        .filter_map(|it| match it {
            Item::Label(l) => Some(*l + 1),
            Item::Inst(MInst::Jump { target } | MInst::Br { taken: target, .. }, _) => {
                Some(*target + 1)
            }
            _ => None,
        })
        .max()
        .unwrap_or(0);
    loop {
        // Slot position of every label and instruction.
        let mut pos = std::collections::HashMap::new();
        let mut at = 0i64;
        let mut starts = Vec::with_capacity(items.len());
        for it in &items {
            starts.push(at);
            match it {
                Item::Label(l) => {
                    pos.insert(*l, at);
                }
                Item::Inst(i, _) => at += slots(i),
            }
        }
        let far = |from: i64, to: BlockIdx| {
            pos.get(&to)
                .is_some_and(|&t| i16::try_from(t - (from + 1)).is_err())
        };
        let mut changed = false;
        let mut out = Vec::with_capacity(items.len());
        for (k, it) in items.iter().enumerate() {
            let here = starts[k];
            match it {
                Item::Inst(MInst::Jump { target }, loc) if far(here, *target) => {
                    if cpu < CpuVersion::V4 {
                        return Err(
                            "a jump is farther than 32767 instructions (gotol needs -mcpu=v4)"
                                .into(),
                        );
                    }
                    out.push(Item::Inst(MInst::LongJump { target: *target }, *loc));
                    changed = true;
                }
                Item::Inst(
                    MInst::Br {
                        w,
                        cond,
                        lhs,
                        rhs,
                        taken,
                        not_taken,
                    },
                    loc,
                ) if far(here, *taken) => {
                    if cpu < CpuVersion::V4 {
                        return Err(
                            "a branch is farther than 32767 instructions (gotol needs -mcpu=v4)"
                                .into(),
                        );
                    }
                    // `if !cond goto skip; gotol taken; skip:` (or swapped operands on v1).
                    let skip = next_label;
                    next_label += 1;
                    let (c, l, r) = match cond.invert() {
                        Some(inv) => (inv, *lhs, *rhs),
                        None => return Err("a far `jset` branch cannot be relaxed".into()),
                    };
                    out.push(Item::Inst(
                        MInst::Br {
                            w: *w,
                            cond: c,
                            lhs: l,
                            rhs: r,
                            taken: skip,
                            not_taken: *not_taken,
                        },
                        *loc,
                    ));
                    out.push(Item::Inst(MInst::LongJump { target: *taken }, *loc));
                    out.push(Item::Label(skip));
                    changed = true;
                }
                other => out.push(other.clone()),
            }
        }
        items = out;
        if !changed {
            return Ok(items);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vcode::Width;

    fn body(n: usize) -> Vec<Item> {
        (0..n)
            .map(|_| {
                Item::Inst(
                    MInst::MovImm {
                        w: Width::W64,
                        dst: Reg::Phys(1),
                        imm: 1,
                    },
                    SourceLoc::default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_spill_store_overwritten_before_any_reload_goes() {
        let mut frame = Frame::layout(&[(8, 8)]);
        frame.spill_slots = 2;
        let (a, b) = (frame.spill_off(0) as i16, frame.spill_off(1) as i16);
        let st = |off: i16, r: u8| MInst::Store {
            size: MemSize::DW,
            base: Base::Fp,
            off,
            src: Src::Reg(Reg::Phys(r)),
            core: None,
        };
        let ld = |off: i16| MInst::Load {
            size: MemSize::DW,
            signed: false,
            dst: Reg::Phys(2),
            base: Base::Fp,
            off,
            core: None,
        };
        let local = -8; // the local slot, not a spill: both stores stay
        let insts = [
            st(a, 0),     // overwritten below: dropped
            st(local, 0), // a local's store
            st(b, 0),     // read by the reload of b: kept
            ld(b),
            st(a, 1), // the last store to a in the block: kept
            st(b, 1), // overwritten below: dropped
            st(local, 1),
            st(b, 3),
        ];
        let mut bodies = vec![
            insts
                .iter()
                .map(|i| (BodyItem::Inst(i.clone()), SourceLoc::default()))
                .collect::<Vec<_>>(),
        ];
        drop_overwritten_spills(&mut bodies, &frame);
        let left: Vec<MInst> = bodies[0]
            .iter()
            .filter_map(|(i, _)| match i {
                BodyItem::Inst(i) => Some(i.clone()),
                BodyItem::Label(_) => None,
            })
            .collect();
        let want = [1, 2, 3, 4, 6, 7].map(|k| insts[k].clone());
        assert_eq!(left, want);
    }

    #[test]
    fn far_branches_become_gotol_on_v4_and_errors_before() {
        let mut items = vec![Item::Inst(
            MInst::Br {
                w: Width::W64,
                cond: Cond::Eq,
                lhs: Reg::Phys(1),
                rhs: Src::Imm(0),
                taken: 7,
                not_taken: 8,
            },
            SourceLoc::default(),
        )];
        items.extend(body(40_000));
        items.push(Item::Label(7));
        items.push(Item::Inst(MInst::Ret { val: None }, SourceLoc::default()));
        assert!(relax(items.clone(), CpuVersion::V3).is_err());
        let out = relax(items, CpuVersion::V4).unwrap();
        assert!(matches!(
            out[0],
            Item::Inst(
                MInst::Br {
                    cond: Cond::Ne,
                    taken: 8,
                    ..
                },
                _
            )
        ));
        assert!(matches!(
            out[1],
            Item::Inst(MInst::LongJump { target: 7 }, _)
        ));
        assert!(matches!(out[2], Item::Label(8)));
        // Near jumps are left alone.
        let mut near = vec![Item::Inst(MInst::Jump { target: 3 }, SourceLoc::default())];
        near.extend(body(100));
        near.push(Item::Label(3));
        assert_eq!(relax(near.clone(), CpuVersion::V4).unwrap(), near);
    }
}
