//! Machine code over virtual registers ("VCode"): BPF operations whose register operands
//! are either virtual registers (before allocation) or physical `r0`–`r10` (after).
//!
//! Invariants:
//! - Every block ends with exactly one terminator (`Jump`, `Br`, `Ret`), and only there.
//! - No critical edges: a block with two successors only branches to blocks with one
//!   predecessor (isel splits edges), as regalloc2 requires.
//! - The operand order of an instruction is defined once, by [`MInst::visit_regs`]; the
//!   regalloc2 adapter collects operands with it and emission rewrites registers with it,
//!   so the two can never disagree.
//! - `r10` never appears as an operand: frame accesses use [`Base::Fp`] with the final
//!   (negative) offset, computed by the frame layout before instruction selection.
//!
//! Follows `instruction-set.rst` (operations, widths, sizes) and `abi.rst` (r0 result,
//! r1–r5 arguments, r6–r9 callee-saved, r10 frame pointer).

use regalloc2::{Operand, PReg, RegClass, VReg};

/// A register operand: virtual before allocation, physical after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reg {
    Virt(VReg),
    Phys(u8),
}

impl Reg {
    pub fn v(index: usize) -> Reg {
        Reg::Virt(VReg::new(index, RegClass::Int))
    }
    /// The physical register number (0 for a virtual register; emission only sees physical).
    pub fn num(self) -> u8 {
        match self {
            Reg::Phys(n) => n,
            Reg::Virt(_) => 0,
        }
    }
}

/// `w` (32-bit ALU / JMP32) or `r` (64-bit) form of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    W32,
    W64,
}

/// BPF ALU operations (instruction-set.rst, "Arithmetic instructions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    Add,
    Sub,
    Mul,
    Div,
    SDiv,
    Mod,
    SMod,
    Or,
    And,
    Lsh,
    Rsh,
    Arsh,
    Xor,
}

/// Jump conditions (instruction-set.rst, "Jump instructions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    SGt,
    SGe,
    SLt,
    SLe,
    Set,
}

impl Cond {
    /// The condition that holds exactly when `self` does not (for branch inversion).
    pub fn invert(self) -> Option<Cond> {
        Some(match self {
            Cond::Eq => Cond::Ne,
            Cond::Ne => Cond::Eq,
            Cond::Gt => Cond::Le,
            Cond::Ge => Cond::Lt,
            Cond::Lt => Cond::Ge,
            Cond::Le => Cond::Gt,
            Cond::SGt => Cond::SLe,
            Cond::SGe => Cond::SLt,
            Cond::SLt => Cond::SGe,
            Cond::SLe => Cond::SGt,
            Cond::Set => return None,
        })
    }
    /// The condition with operands swapped (`a < b` ⇔ `b > a`).
    pub fn swap(self) -> Cond {
        match self {
            Cond::Gt => Cond::Lt,
            Cond::Ge => Cond::Le,
            Cond::Lt => Cond::Gt,
            Cond::Le => Cond::Ge,
            Cond::SGt => Cond::SLt,
            Cond::SGe => Cond::SLe,
            Cond::SLt => Cond::SGt,
            Cond::SLe => Cond::SGe,
            c => c,
        }
    }
    /// cpu v1 lacks these four (they came with v2).
    pub fn needs_v2(self) -> bool {
        matches!(self, Cond::Lt | Cond::Le | Cond::SLt | Cond::SLe)
    }
}

/// Memory access sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemSize {
    B,
    H,
    W,
    DW,
}

impl MemSize {
    pub fn bytes(self) -> u32 {
        match self {
            MemSize::B => 1,
            MemSize::H => 2,
            MemSize::W => 4,
            MemSize::DW => 8,
        }
    }
    pub fn from_bytes(n: u32) -> Option<MemSize> {
        Some(match n {
            1 => MemSize::B,
            2 => MemSize::H,
            4 => MemSize::W,
            8 => MemSize::DW,
            _ => return None,
        })
    }
}

/// The second operand of ALU, store and jump operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src {
    Reg(Reg),
    Imm(i32),
}

/// The base of a memory access: a register or the frame pointer `r10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    Reg(Reg),
    /// `r10`; the access offset is already final (negative).
    Fp,
}

/// Byte-order operations (instruction-set.rst, "Byte swap instructions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndianOp {
    /// `rX = le16 rX` (to little endian: truncation on a little-endian target).
    Le,
    /// `rX = be16 rX`.
    Be,
    /// `rX = bswap16 rX` (cpu v4, unconditional swap).
    Bswap,
}

/// Atomic read-modify-write operations (instruction-set.rst, "Atomic operations").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicOp {
    Add,
    Or,
    And,
    Xor,
    /// Always fetches.
    Xchg,
}

/// What a `call` calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallTarget {
    /// `call N`: a kernel helper by id.
    Helper(i32),
    /// `call fn`: a BPF-to-BPF call (pseudo call, src=1, R_BPF_64_32).
    Local(String),
    /// `call sym`: a kfunc / extern function (src=2, resolved by libbpf).
    Extern(String),
}

/// What an `ld_imm64` of a symbol means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymKind {
    /// Data address (src=0 + R_BPF_64_64; libbpf turns map symbols into map fds).
    Data,
    /// Function address for callbacks (src=4, BPF_PSEUDO_FUNC).
    Func,
}

/// Index of a VCode block.
pub type BlockIdx = u32;

/// One machine instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MInst {
    /// Entry pseudo-instruction: defines the incoming arguments in r1–r5. Emits nothing.
    Args { args: Vec<Reg> },
    /// `dst = imm` (64-bit mov sign-extends the imm; 32-bit zero-extends).
    MovImm { w: Width, dst: Reg, imm: i32 },
    /// `dst = imm ll` for 64-bit constants that do not fit in i32.
    LdImm64 { dst: Reg, imm: i64 },
    /// A CO-RE relocated constant (`dst = imm`, or `dst = imm ll` when it does not fit
    /// in 32 bits); `reloc` indexes the function's relocation list. libbpf patches the
    /// immediate at load time, so it is never folded into another instruction.
    CoreConst { dst: Reg, imm: i64, reloc: u32 },
    /// `dst = sym ll` (+ addend): address of a global or a function.
    LdSym {
        dst: Reg,
        sym: String,
        addend: i64,
        kind: SymKind,
    },
    /// `dst = src`.
    Mov { w: Width, dst: Reg, src: Reg },
    /// `dst = (s8/s16/s32) src` (cpu v4 movsx).
    MovSx {
        w: Width,
        dst: Reg,
        src: Reg,
        bits: u8,
    },
    /// `dst op= rhs`, two-address: `dst` must be allocated where `lhs` is.
    Alu {
        w: Width,
        op: AluOp,
        dst: Reg,
        lhs: Reg,
        rhs: Src,
    },
    /// `dst = -src` (two-address).
    Neg { w: Width, dst: Reg, src: Reg },
    /// Byte order: `dst = be16 src` etc. (two-address).
    Endian {
        op: EndianOp,
        bits: u8,
        dst: Reg,
        src: Reg,
    },
    /// `dst = *(uN *)(base + off)`; `signed` uses MEMSX (cpu v4). With `core`, `off`
    /// is a CO-RE relocated field offset (index into the function's relocation list):
    /// libbpf patches this instruction's `off` field at load time.
    Load {
        size: MemSize,
        signed: bool,
        dst: Reg,
        base: Base,
        off: i16,
        core: Option<u32>,
    },
    /// `*(uN *)(base + off) = src` (STX for a register, ST for an immediate); `core` as
    /// for [`MInst::Load`].
    Store {
        size: MemSize,
        base: Base,
        off: i16,
        src: Src,
        core: Option<u32>,
    },
    /// `dst = &frame[off]`: `dst = r10; dst += off`.
    FrameAddr { dst: Reg, off: i32 },
    /// Atomic RMW; with `fetch` (or Xchg) `dst` receives the old value (two-address on `val`).
    Atomic {
        w: Width,
        op: AtomicOp,
        fetch: bool,
        base: Reg,
        off: i16,
        val: Reg,
        dst: Option<Reg>,
    },
    /// `r0 = cmpxchg_64(base + off, r0, new)`: `expected` and `dst` are pinned to r0.
    Cmpxchg {
        w: Width,
        base: Reg,
        off: i16,
        expected: Reg,
        new: Reg,
        dst: Reg,
    },
    /// A call; args pinned to r1–r5, result to r0, r0–r5 clobbered.
    Call {
        target: CallTarget,
        args: Vec<Reg>,
        ret: Option<Reg>,
    },
    /// `goto target`.
    Jump { target: BlockIdx },
    /// `gotol target` (cpu v4): a jump whose distance needs the 32-bit `imm`; made by
    /// branch relaxation after layout, never by isel.
    LongJump { target: BlockIdx },
    /// `if lhs cond rhs goto taken` else `not_taken`.
    Br {
        w: Width,
        cond: Cond,
        lhs: Reg,
        rhs: Src,
        taken: BlockIdx,
        not_taken: BlockIdx,
    },
    /// `dst = (lhs cond rhs) ? t : f` without new blocks: `dst` shares `t`'s register,
    /// and emission writes `if lhs cond rhs goto L; dst = f; L:`. `fw` is the width of
    /// the `dst = f` move.
    Select {
        w: Width,
        cond: Cond,
        lhs: Reg,
        rhs: Src,
        t: Reg,
        f: Src,
        fw: Width,
        dst: Reg,
    },
    /// `exit`, with the return value pinned to r0 when there is one.
    Ret { val: Option<Reg> },
}

/// How an operand is used, for regalloc2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    Use,
    Def,
    /// A def that must share the register of the use operand with this index.
    DefReuse(usize),
    FixedUse(u8),
    FixedDef(u8),
}

impl MInst {
    /// Visits every register operand in THE operand order (see the module invariants).
    pub fn visit_regs(&mut self, f: &mut dyn FnMut(&mut Reg, OpKind)) {
        use OpKind::*;
        let base = |b: &mut Base, f: &mut dyn FnMut(&mut Reg, OpKind)| {
            if let Base::Reg(r) = b {
                f(r, Use)
            }
        };
        match self {
            MInst::Args { args } => {
                for (i, a) in args.iter_mut().enumerate() {
                    f(a, FixedDef(i as u8 + 1));
                }
            }
            MInst::MovImm { dst, .. }
            | MInst::LdImm64 { dst, .. }
            | MInst::LdSym { dst, .. }
            | MInst::CoreConst { dst, .. } => f(dst, Def),
            MInst::FrameAddr { dst, .. } => f(dst, Def),
            MInst::Mov { dst, src, .. } | MInst::MovSx { dst, src, .. } => {
                f(src, Use);
                f(dst, Def);
            }
            MInst::Alu { dst, lhs, rhs, .. } => {
                f(lhs, Use);
                if let Src::Reg(r) = rhs {
                    f(r, Use);
                }
                f(dst, DefReuse(0));
            }
            MInst::Neg { dst, src, .. } | MInst::Endian { dst, src, .. } => {
                f(src, Use);
                f(dst, DefReuse(0));
            }
            MInst::Load { dst, base: b, .. } => {
                base(b, f);
                f(dst, Def);
            }
            MInst::Store { base: b, src, .. } => {
                base(b, f);
                if let Src::Reg(r) = src {
                    f(r, Use);
                }
            }
            MInst::Atomic { base, val, dst, .. } => {
                f(base, Use);
                f(val, Use);
                if let Some(d) = dst {
                    f(d, DefReuse(1));
                }
            }
            MInst::Cmpxchg {
                base,
                expected,
                new,
                dst,
                ..
            } => {
                f(base, Use);
                f(expected, FixedUse(0));
                f(new, Use);
                f(dst, FixedDef(0));
            }
            MInst::Call { args, ret, .. } => {
                for (i, a) in args.iter_mut().enumerate() {
                    f(a, FixedUse(i as u8 + 1));
                }
                if let Some(r) = ret {
                    f(r, FixedDef(0));
                }
            }
            MInst::Jump { .. } | MInst::LongJump { .. } => {}
            MInst::Br { lhs, rhs, .. } => {
                f(lhs, Use);
                if let Src::Reg(r) = rhs {
                    f(r, Use);
                }
            }
            MInst::Select {
                lhs,
                rhs,
                t,
                f: fv,
                dst,
                ..
            } => {
                f(lhs, Use);
                let mut t_idx = 1;
                if let Src::Reg(r) = rhs {
                    f(r, Use);
                    t_idx += 1;
                }
                f(t, Use);
                if let Src::Reg(r) = fv {
                    f(r, Use);
                }
                f(dst, DefReuse(t_idx));
            }
            MInst::Ret { val } => {
                if let Some(v) = val {
                    f(v, FixedUse(0));
                }
            }
        }
    }

    /// Appends the regalloc2 operands of this instruction, in visit order, to `out`.
    pub fn push_operands(&self, out: &mut Vec<Operand>) {
        let mut me = self.clone();
        me.visit_regs(&mut |r, kind| {
            let Reg::Virt(v) = *r else { return };
            let preg = |n: u8| PReg::new(n as usize, RegClass::Int);
            out.push(match kind {
                OpKind::Use => Operand::reg_use(v),
                OpKind::Def => Operand::reg_def(v),
                OpKind::DefReuse(i) => Operand::reg_reuse_def(v, i),
                OpKind::FixedUse(n) => Operand::reg_fixed_use(v, preg(n)),
                OpKind::FixedDef(n) => Operand::reg_fixed_def(v, preg(n)),
            });
        });
    }

    /// Physical registers trashed besides the defs: calls clobber r0–r5 (abi.rst).
    pub fn clobbers(&self) -> regalloc2::PRegSet {
        let mut set = regalloc2::PRegSet::empty();
        if let MInst::Call { ret, .. } = self {
            for n in 0..=5usize {
                if n == 0 && ret.is_some() {
                    continue; // r0 is the fixed def; clobbers must not repeat it
                }
                set.add(PReg::new(n, RegClass::Int));
            }
        }
        set
    }

    /// The CO-RE relocation (index into the function's list) whose value this
    /// instruction carries: a relocated constant, or a load/store whose `off` is one.
    pub fn core_reloc(&self) -> Option<u32> {
        match self {
            MInst::CoreConst { reloc, .. } => Some(*reloc),
            MInst::Load { core, .. } | MInst::Store { core, .. } => *core,
            _ => None,
        }
    }

    pub fn is_term(&self) -> bool {
        matches!(
            self,
            MInst::Jump { .. } | MInst::Br { .. } | MInst::Ret { .. }
        )
    }

    pub fn succs(&self) -> Vec<BlockIdx> {
        match self {
            MInst::Jump { target } => vec![*target],
            MInst::Br {
                taken, not_taken, ..
            } => vec![*taken, *not_taken],
            _ => Vec::new(),
        }
    }
}

/// A block: parameters (vregs) and instructions; `args[i]` are the arguments the
/// terminator passes to `succs[i]`.
#[derive(Clone, Debug, Default)]
pub struct VBlock {
    pub params: Vec<VReg>,
    pub insts: Vec<MInst>,
    /// Source location per instruction (line 0: unknown), parallel to `insts`.
    pub locs: Vec<ir::types::SourceLoc>,
    pub succ_args: Vec<Vec<VReg>>,
}

/// A function in VCode form, ready for regalloc2.
#[derive(Clone, Debug, Default)]
pub struct VCode {
    pub blocks: Vec<VBlock>,
    pub num_vregs: usize,
}

impl VCode {
    pub fn new_vreg(&mut self) -> Reg {
        let r = Reg::v(self.num_vregs);
        self.num_vregs += 1;
        r
    }
}
