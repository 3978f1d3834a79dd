//! The regalloc2 adapter: a flattened view of [`VCode`] implementing `regalloc2::Function`,
//! the BPF machine environment, and the run that returns physical allocations plus the
//! moves regalloc2 inserts (already sequentialized by regalloc2, cycles included).
//!
//! Invariants: allocatable registers are r0–r9 (r10, the frame pointer, never is);
//! caller-saved r0–r5 are preferred for short-lived values, r6–r9 are what survives calls
//! (abi.rst). One spill slot per value, each 8 bytes: the verifier tracks spilled
//! pointers only in aligned 8-byte stack slots (verifier.rst, "Register spilling").

use crate::vcode::{MInst, VCode};
use regalloc2::{
    Allocation, Block, Edit, Function, Inst, InstRange, MachineEnv, Operand, PReg, PRegSet,
    ProgPoint, RegClass, RegallocOptions, VReg,
};

/// A location after allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    Reg(u8),
    /// Spill slot index (8 bytes each).
    Slot(u32),
}

/// A move inserted by the allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: Loc,
    pub to: Loc,
}

/// The allocator's answer for one function.
#[derive(Clone, Debug, Default)]
pub struct Allocated {
    /// Physical register per operand, of every instruction in flattened order, in one
    /// array (see [`Allocated::regs`]).
    pub allocs: Vec<u8>,
    /// Where each instruction's registers start in `allocs`, plus the end.
    pub alloc_starts: Vec<usize>,
    /// Moves to insert before flattened instruction `i` (`before[i]`) or after it.
    pub before: Vec<Vec<Move>>,
    pub after: Vec<Vec<Move>>,
    pub num_spill_slots: u32,
}

impl Allocated {
    /// The physical register of each operand of flattened instruction `i`.
    pub fn regs(&self, i: usize) -> Option<&[u8]> {
        let (&start, &end) = (self.alloc_starts.get(i)?, self.alloc_starts.get(i + 1)?);
        self.allocs.get(start..end)
    }
}

/// Flattened function for regalloc2.
struct Flat<'a> {
    code: &'a VCode,
    /// First flattened instruction of each block (plus the total at the end).
    starts: Vec<usize>,
    succs: Vec<Vec<Block>>,
    preds: Vec<Vec<Block>>,
    /// The operands of every instruction, in order, in one array (a list per
    /// instruction was an allocation per instruction); instruction `i`'s are
    /// `operands[operand_starts[i]..operand_starts[i + 1]]`.
    operands: Vec<Operand>,
    operand_starts: Vec<usize>,
    clobbers: Vec<PRegSet>,
    is_ret: Vec<bool>,
    is_branch: Vec<bool>,
}

impl<'a> Flat<'a> {
    fn new(code: &'a VCode) -> Flat<'a> {
        let mut starts = Vec::with_capacity(code.blocks.len() + 1);
        let mut operands = Vec::new();
        let mut operand_starts = vec![0];
        let mut clobbers = Vec::new();
        let mut is_ret = Vec::new();
        let mut is_branch = Vec::new();
        let mut succs = Vec::with_capacity(code.blocks.len());
        let mut preds = vec![Vec::new(); code.blocks.len()];
        for (bi, b) in code.blocks.iter().enumerate() {
            starts.push(clobbers.len());
            for i in &b.insts {
                i.push_operands(&mut operands);
                operand_starts.push(operands.len());
                clobbers.push(i.clobbers());
                is_ret.push(matches!(i, MInst::Ret { .. }));
                is_branch.push(matches!(i, MInst::Jump { .. } | MInst::Br { .. }));
            }
            let s: Vec<Block> = b
                .insts
                .last()
                .map(|t| t.succs())
                .unwrap_or_default()
                .into_iter()
                .map(|s| Block::new(s as usize))
                .collect();
            for sb in &s {
                if let Some(p) = preds.get_mut(sb.index()) {
                    p.push(Block::new(bi));
                }
            }
            succs.push(s);
        }
        starts.push(clobbers.len());
        Flat {
            code,
            starts,
            succs,
            preds,
            operands,
            operand_starts,
            clobbers,
            is_ret,
            is_branch,
        }
    }
}

impl Function for Flat<'_> {
    fn num_insts(&self) -> usize {
        self.clobbers.len()
    }
    fn num_blocks(&self) -> usize {
        self.code.blocks.len()
    }
    fn entry_block(&self) -> Block {
        Block::new(0)
    }
    fn block_insns(&self, block: Block) -> InstRange {
        InstRange::new(
            Inst::new(self.starts[block.index()]),
            Inst::new(self.starts[block.index() + 1]),
        )
    }
    fn block_succs(&self, block: Block) -> &[Block] {
        &self.succs[block.index()]
    }
    fn block_preds(&self, block: Block) -> &[Block] {
        &self.preds[block.index()]
    }
    fn block_params(&self, block: Block) -> &[VReg] {
        &self.code.blocks[block.index()].params
    }
    fn is_ret(&self, insn: Inst) -> bool {
        self.is_ret[insn.index()]
    }
    fn is_branch(&self, insn: Inst) -> bool {
        self.is_branch[insn.index()]
    }
    fn branch_blockparams(&self, block: Block, _insn: Inst, succ_idx: usize) -> &[VReg] {
        &self.code.blocks[block.index()].succ_args[succ_idx]
    }
    fn inst_operands(&self, insn: Inst) -> &[Operand] {
        let i = insn.index();
        &self.operands[self.operand_starts[i]..self.operand_starts[i + 1]]
    }
    fn inst_clobbers(&self, insn: Inst) -> PRegSet {
        self.clobbers[insn.index()]
    }
    fn num_vregs(&self) -> usize {
        self.code.num_vregs
    }
    fn spillslot_size(&self, _regclass: RegClass) -> usize {
        1
    }
}

/// The BPF register file as regalloc2 sees it.
fn machine_env() -> MachineEnv {
    let p = |n: usize| PReg::new(n, RegClass::Int);
    // Caller-saved first (free when no call is crossed), in the order clang tends to use.
    let preferred: PRegSet = [1, 2, 3, 4, 5, 0].into_iter().map(p).collect();
    // Callee-saved: survive calls. No prologue saves them in BPF: every frame has its own.
    let non_preferred: PRegSet = [6, 7, 8, 9].into_iter().map(p).collect();
    MachineEnv {
        preferred_regs_by_class: [preferred, PRegSet::empty(), PRegSet::empty()],
        non_preferred_regs_by_class: [non_preferred, PRegSet::empty(), PRegSet::empty()],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: Vec::new(),
    }
}

fn loc(a: Allocation) -> Option<Loc> {
    if let Some(r) = a.as_reg() {
        return u8::try_from(r.hw_enc()).ok().map(Loc::Reg);
    }
    a.as_stack().map(|s| Loc::Slot(s.index() as u32))
}

/// Runs regalloc2 on `code`. Errors are internal (malformed VCode or too many live
/// fixed registers) and reported as text for a diagnostic.
pub fn allocate(code: &VCode) -> Result<Allocated, String> {
    let flat = Flat::new(code);
    let opts = RegallocOptions {
        verbose_log: false,
        validate_ssa: cfg!(debug_assertions),
        algorithm: regalloc2::Algorithm::Ion,
    };
    let out = regalloc2::run(&flat, &machine_env(), &opts).map_err(|e| format!("{e}"))?;
    let n = flat.num_insts();
    let mut res = Allocated {
        allocs: Vec::with_capacity(flat.operands.len()),
        alloc_starts: Vec::with_capacity(n + 1),
        before: vec![Vec::new(); n],
        after: vec![Vec::new(); n],
        num_spill_slots: out.num_spillslots as u32,
    };
    res.alloc_starts.push(0);
    for i in 0..n {
        for a in out.inst_allocs(Inst::new(i)) {
            match loc(*a) {
                Some(Loc::Reg(r)) => res.allocs.push(r),
                _ => return Err(format!("operand of instruction {i} not in a register")),
            }
        }
        res.alloc_starts.push(res.allocs.len());
    }
    for (point, edit) in &out.edits {
        let Edit::Move { from, to } = edit;
        let (Some(from), Some(to)) = (loc(*from), loc(*to)) else {
            return Err("move between unknown locations".into());
        };
        let list = edit_list(&mut res, *point);
        if let Some(list) = list {
            list.push(Move { from, to });
        }
    }
    Ok(res)
}

fn edit_list(res: &mut Allocated, point: ProgPoint) -> Option<&mut Vec<Move>> {
    let i = point.inst().index();
    match point.pos() {
        regalloc2::InstPosition::Before => res.before.get_mut(i),
        regalloc2::InstPosition::After => res.after.get_mut(i),
    }
}
