//! After register allocation (a step of `finalize`): constants the allocator set on one
//! edge of a conditional branch move above the branch. A branch arm that only loads
//! constants into registers and jumps on (the block an edge split leaves for the
//! constant arguments of a join, as in an unrolled search loop's `goto found` with
//! `i` and `j` known, or `return` of a constant from inside a loop) then becomes empty,
//! and the branch goes straight to the join: the arm's `goto` disappears.
//!
//! Legal when no register the constants go to is read by the branch or live on entry
//! to the other arm (on that path the writes are dead), which needs the liveness of
//! physical registers over the finished blocks (computed here, registers r0–r9).
//!
//! Verifier note: only constants move (`MovImm`, `ld_imm64` of a number or of a
//! symbol). Their value is the same on both paths, so nothing a branch would have
//! taught the verifier about a register (the bounds it learns from the condition) is
//! lost, as it could be for a copied register.

use crate::finalize::BodyItem;
use crate::vcode::{MInst, OpKind, Src};
use ir::types::SourceLoc;

/// A set of physical registers r0–r10, one bit each.
type RegSet = u16;

/// The registers `i` reads and the registers it writes for sure. A call also writes
/// the caller-saved r0–r5 (abi.rst), whatever its result.
fn uses_defs(i: &MInst) -> (RegSet, RegSet) {
    let (mut uses, mut defs) = (0, 0);
    let mut c = i.clone();
    c.visit_regs(&mut |r, kind| match kind {
        OpKind::Use | OpKind::FixedUse(_) => uses |= 1 << r.num(),
        OpKind::Def | OpKind::DefReuse(_) | OpKind::FixedDef(_) => defs |= 1 << r.num(),
    });
    if matches!(i, MInst::Call { .. }) {
        defs |= 0b11_1111;
    }
    (uses, defs)
}

/// The registers live on entry to each block. A write between a block's own select
/// branch and its label (the `dst = f` of `if c goto L; dst = f; L:`) may not happen,
/// so it kills nothing.
fn live_in(bodies: &[Vec<(BodyItem, SourceLoc)>], terms: &[MInst]) -> Vec<RegSet> {
    // Per block: registers read before any sure write, and registers surely written.
    let summary: Vec<(RegSet, RegSet)> = bodies
        .iter()
        .zip(terms)
        .map(|(body, term)| {
            let (mut gen_, mut kill) = (0, 0);
            let mut conditional = false;
            for (item, _) in body {
                match item {
                    BodyItem::Label(_) => conditional = false,
                    BodyItem::Inst(i) => {
                        let (u, d) = uses_defs(i);
                        gen_ |= u & !kill;
                        if !conditional {
                            kill |= d;
                        }
                        if matches!(i, MInst::Br { .. }) {
                            conditional = true;
                        }
                    }
                }
            }
            let (u, _) = uses_defs(term);
            (gen_ | (u & !kill), kill)
        })
        .collect();
    let mut live = vec![0 as RegSet; bodies.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..bodies.len()).rev() {
            let out = terms[b]
                .succs()
                .iter()
                .filter_map(|&s| live.get(s as usize))
                .fold(0, |acc, &l| acc | l);
            let (gen_, kill) = summary[b];
            let new = gen_ | (out & !kill);
            if new != live[b] {
                live[b] = new;
                changed = true;
            }
        }
    }
    live
}

/// The register a constant load writes, or `None` for any other instruction.
fn constant_dst(i: &MInst) -> Option<u8> {
    match i {
        MInst::MovImm { dst, .. } | MInst::LdImm64 { dst, .. } | MInst::LdSym { dst, .. } => {
            Some(dst.num())
        }
        _ => None,
    }
}

/// Moves the constant loads of branch arms above their branch (see the module comment).
/// Per branch, at most one arm: the taken one when both qualify, as its `goto` is the
/// one that cannot fall through. An arm that comes right before its join in block order
/// stays (its `goto` is dropped by the layout anyway, and the constants would then run
/// on both paths for nothing).
pub(crate) fn hoist_edge_constants(bodies: &mut [Vec<(BodyItem, SourceLoc)>], terms: &[MInst]) {
    let preds = crate::finalize::pred_counts(terms);
    let live = live_in(bodies, terms);
    for (b, term) in terms.iter().enumerate() {
        let Some((lhs, rhs, t, f)) = crate::finalize::two_way_branch(term) else {
            continue;
        };
        let read_by_br: RegSet = (1 << lhs.num())
            | match rhs {
                Src::Reg(r) => 1 << r.num(),
                Src::Imm(_) => 0,
            };
        if t == f {
            continue;
        }
        let qualifies = |arm: usize, other: usize| -> bool {
            if arm == 0 || arm == b || preds.get(arm) != Some(&1) || bodies[arm].is_empty() {
                return false;
            }
            let Some(MInst::Jump { target }) = terms.get(arm) else {
                return false;
            };
            if *target as usize == arm || *target as usize == arm + 1 {
                return false;
            }
            let mut written: RegSet = 0;
            for (item, _) in &bodies[arm] {
                match item {
                    BodyItem::Inst(i) => match constant_dst(i) {
                        Some(r) => written |= 1 << r,
                        None => return false,
                    },
                    BodyItem::Label(_) => return false,
                }
            }
            written & (read_by_br | live[other]) == 0
        };
        let arm = if qualifies(t, f) {
            t
        } else if qualifies(f, t) {
            f
        } else {
            continue;
        };
        let moved: Vec<(BodyItem, SourceLoc)> = bodies[arm].drain(..).collect();
        bodies[b].extend(moved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vcode::{Cond, Reg, Width};

    fn inst(i: MInst) -> (BodyItem, SourceLoc) {
        (BodyItem::Inst(i), SourceLoc::default())
    }

    fn mov_imm(dst: u8, imm: i32) -> MInst {
        MInst::MovImm {
            w: Width::W32,
            dst: Reg::Phys(dst),
            imm,
        }
    }

    fn br(lhs: u8, taken: u32, not_taken: u32) -> MInst {
        MInst::Br {
            w: Width::W32,
            cond: Cond::Eq,
            lhs: Reg::Phys(lhs),
            rhs: Src::Imm(7),
            taken,
            not_taken,
        }
    }

    /// Block 0 branches on r1 to arm 1 (`w2 = 5; goto 3`) or to block 2, which falls
    /// through to the join 3; the join returns r2.
    fn diamond(
        arm_writes: u8,
        block2: Vec<MInst>,
    ) -> (Vec<Vec<(BodyItem, SourceLoc)>>, Vec<MInst>) {
        let bodies = vec![
            vec![],
            vec![inst(mov_imm(arm_writes, 5))],
            block2.into_iter().map(inst).collect(),
            vec![inst(MInst::Mov {
                w: Width::W64,
                dst: Reg::Phys(0),
                src: Reg::Phys(2),
            })],
        ];
        let terms = vec![
            br(1, 1, 2),
            MInst::Jump { target: 3 },
            MInst::Jump { target: 3 },
            MInst::Ret {
                val: Some(Reg::Phys(0)),
            },
        ];
        (bodies, terms)
    }

    #[test]
    fn a_constant_arm_moves_above_the_branch() {
        let (mut bodies, terms) = diamond(2, vec![mov_imm(2, 9)]);
        hoist_edge_constants(&mut bodies, &terms);
        assert!(bodies[1].is_empty());
        assert!(matches!(bodies[0].as_slice(), [(BodyItem::Inst(i), _)] if *i == mov_imm(2, 5)));
    }

    #[test]
    fn a_register_live_on_the_other_arm_stays() {
        // Block 2 leaves r2 alone, so the join reads the r2 the entry had: the write
        // must not happen on that path.
        let (mut bodies, terms) = diamond(
            2,
            vec![MInst::Mov {
                w: Width::W64,
                dst: Reg::Phys(3),
                src: Reg::Phys(4),
            }],
        );
        hoist_edge_constants(&mut bodies, &terms);
        assert_eq!(bodies[1].len(), 1);
        assert!(bodies[0].is_empty());
    }

    #[test]
    fn a_register_the_branch_reads_stays() {
        let (mut bodies, terms) = diamond(1, vec![mov_imm(2, 9)]);
        hoist_edge_constants(&mut bodies, &terms);
        assert_eq!(bodies[1].len(), 1);
        assert!(bodies[0].is_empty());
    }

    #[test]
    fn a_call_clobbers_the_caller_saved_registers() {
        let call = MInst::Call {
            target: crate::vcode::CallTarget::Helper(1),
            args: vec![],
            ret: None,
        };
        let (_, defs) = uses_defs(&call);
        assert_eq!(defs, 0b11_1111);
    }
}
