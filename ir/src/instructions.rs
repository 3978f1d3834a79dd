//! Instruction data: one enum variant per `opcodes::Format`, holding the operands.
//!
//! Invariants: `InstData::opcode()` agrees with the table in `opcodes.rs`; value
//! operands are visited in a fixed order by `values()`/`values_mut()` (the order the
//! text form prints them), which is what the verifier, the passes and codegen rely on.
//! Memory offsets are `i16` because codegen puts them in BPF's 16-bit `off` field
//! (instruction-set.rst, "Instruction encoding").

use crate::entities::{Block, FuncRef, GlobalRef, StackSlot, Value};
use crate::opcodes::Opcode;
use crate::types::{AtomicOp, Ext, IntCC, MemFlags, Type};

/// A branch target with the arguments passed to its block parameters.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct BlockCall {
    pub block: Block,
    pub args: Vec<Value>,
}

impl BlockCall {
    pub fn new(block: Block, args: Vec<Value>) -> Self {
        BlockCall { block, args }
    }
}

/// The operands of one instruction. The result (if any) lives in the DFG.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum InstData {
    /// `iconst.T imm`; `imm` is kept sign-extended from T's width.
    Iconst {
        imm: i64,
    },
    /// `ineg`, `bnot`, `bswap16/32/64`.
    Unary {
        op: Opcode,
        arg: Value,
    },
    /// `uextend.T`, `sextend.T`, `ireduce.T` (T is the result type).
    Convert {
        op: Opcode,
        arg: Value,
    },
    /// The two-operand arithmetic and bitwise operations.
    Binary {
        op: Opcode,
        args: [Value; 2],
    },
    /// `icmp cc x, y`: i32 0 or 1.
    Icmp {
        cond: IntCC,
        args: [Value; 2],
    },
    /// `select c, x, y`: x if c != 0 else y.
    Select {
        args: [Value; 3],
    },
    /// `opaque x`: x, unknown to the optimizer (see `Opcode::Opaque`).
    Opaque {
        arg: Value,
    },
    /// `load.T`: reads `mem` bytes at `addr + offset`; when `mem` is narrower than the
    /// result type T, `ext` says how it widens.
    Load {
        mem: Type,
        ext: Ext,
        flags: MemFlags,
        addr: Value,
        offset: i16,
    },
    /// `store val, addr, off`: writes `val` (its full type width) at `addr + offset`.
    Store {
        flags: MemFlags,
        args: [Value; 2],
        offset: i16,
    },
    /// Address of a stack slot plus a byte offset.
    StackAddr {
        slot: StackSlot,
        offset: i32,
    },
    /// Address of a data symbol plus a byte offset (ld_imm64 + R_BPF_64_64).
    GlobalAddr {
        global: GlobalRef,
        offset: i32,
    },
    /// Address of a function (callback; ld_imm64 with src_reg = 4, BPF_PSEUDO_FUNC).
    FuncAddr {
        func: FuncRef,
    },
    /// `call` (BPF-to-BPF call) or `call_extern` (kfunc/extern function).
    Call {
        op: Opcode,
        func: FuncRef,
        args: Vec<Value>,
    },
    /// `call_helper N(args)`: call of helper function number N.
    CallHelper {
        helper: u32,
        args: Vec<Value>,
    },
    /// Atomic read-modify-write of `arg`'s type at `addr + offset`; with `fetch` (always
    /// for xchg) the result is the old value, otherwise the result is unspecified and
    /// codegen may skip it.
    AtomicRmw {
        op: AtomicOp,
        fetch: bool,
        addr: Value,
        offset: i16,
        arg: Value,
    },
    /// Compare-and-exchange: args = [addr, expected, new]; result = old value.
    AtomicCas {
        args: [Value; 3],
        offset: i16,
    },
    /// Copies `size` bytes from `src` to `dst`, both aligned to `align`; expanded by
    /// the `expand_mem` pass.
    Memcpy {
        args: [Value; 2],
        size: u32,
        align: u32,
    },
    /// Fills `size` bytes at `dst` (aligned to `align`) with `byte`.
    Memset {
        dst: Value,
        byte: u8,
        size: u32,
        align: u32,
    },
    Jump {
        dest: BlockCall,
    },
    Brif {
        cond: Value,
        then_dest: BlockCall,
        else_dest: BlockCall,
    },
    Return {
        arg: Option<Value>,
    },
    Unreachable,
}

impl InstData {
    pub fn opcode(&self) -> Opcode {
        match self {
            InstData::Iconst { .. } => Opcode::Iconst,
            InstData::Unary { op, .. }
            | InstData::Convert { op, .. }
            | InstData::Binary { op, .. }
            | InstData::Call { op, .. } => *op,
            InstData::Icmp { .. } => Opcode::Icmp,
            InstData::Select { .. } => Opcode::Select,
            InstData::Opaque { .. } => Opcode::Opaque,
            InstData::Load { .. } => Opcode::Load,
            InstData::Store { .. } => Opcode::Store,
            InstData::StackAddr { .. } => Opcode::StackAddr,
            InstData::GlobalAddr { .. } => Opcode::GlobalAddr,
            InstData::FuncAddr { .. } => Opcode::FuncAddr,
            InstData::CallHelper { .. } => Opcode::CallHelper,
            InstData::AtomicRmw { .. } => Opcode::AtomicRmw,
            InstData::AtomicCas { .. } => Opcode::AtomicCas,
            InstData::Memcpy { .. } => Opcode::Memcpy,
            InstData::Memset { .. } => Opcode::Memset,
            InstData::Jump { .. } => Opcode::Jump,
            InstData::Brif { .. } => Opcode::Brif,
            InstData::Return { .. } => Opcode::Return,
            InstData::Unreachable => Opcode::Unreachable,
        }
    }

    /// True if the instruction must stay even if its result is unused.
    pub fn has_side_effects(&self) -> bool {
        match self {
            InstData::Load { flags, .. } => flags.volatile,
            other => other.opcode().has_side_effects(),
        }
    }

    /// True if the instruction reads memory (used by passes that move or merge code).
    pub fn reads_memory(&self) -> bool {
        matches!(
            self.opcode(),
            Opcode::Load
                | Opcode::Call
                | Opcode::CallExtern
                | Opcode::CallHelper
                | Opcode::AtomicRmw
                | Opcode::AtomicCas
                | Opcode::Memcpy
        )
    }

    pub fn is_terminator(&self) -> bool {
        self.opcode().is_terminator()
    }

    /// The non-branch value operands, in printing order, as two slices: an atomic's
    /// address and argument are separate fields; every other instruction has its
    /// operands in the first slice.
    fn fixed_parts(&self) -> [&[Value]; 2] {
        use std::slice::from_ref;
        match self {
            InstData::Iconst { .. }
            | InstData::StackAddr { .. }
            | InstData::GlobalAddr { .. }
            | InstData::FuncAddr { .. }
            | InstData::Unreachable
            | InstData::Jump { .. } => [&[], &[]],
            InstData::Unary { arg, .. }
            | InstData::Convert { arg, .. }
            | InstData::Opaque { arg } => [from_ref(arg), &[]],
            InstData::Binary { args, .. } | InstData::Icmp { args, .. } => [args, &[]],
            InstData::Select { args } | InstData::AtomicCas { args, .. } => [args, &[]],
            InstData::Load { addr, .. } => [from_ref(addr), &[]],
            InstData::Store { args, .. } | InstData::Memcpy { args, .. } => [args, &[]],
            InstData::Call { args, .. } | InstData::CallHelper { args, .. } => [args, &[]],
            InstData::AtomicRmw { addr, arg, .. } => [from_ref(addr), from_ref(arg)],
            InstData::Memset { dst, .. } => [from_ref(dst), &[]],
            InstData::Brif { cond, .. } => [from_ref(cond), &[]],
            InstData::Return { arg } => [arg.as_slice(), &[]],
        }
    }

    /// The arguments of the branch targets, in printing order.
    fn branch_arg_parts(&self) -> [&[Value]; 2] {
        match self {
            InstData::Jump { dest } => [&dest.args, &[]],
            InstData::Brif {
                then_dest,
                else_dest,
                ..
            } => [&then_dest.args, &else_dest.args],
            _ => [&[], &[]],
        }
    }

    /// The non-branch value operands, in printing order (branch arguments excluded),
    /// without allocating.
    pub fn fixed_operands(&self) -> impl Iterator<Item = Value> + '_ {
        let [a, b] = self.fixed_parts();
        a.iter().chain(b).copied()
    }

    /// Non-branch operand `i`, if there is one.
    pub fn fixed_operand(&self, i: usize) -> Option<Value> {
        let [a, b] = self.fixed_parts();
        a.get(i).or_else(|| b.get(i.checked_sub(a.len())?)).copied()
    }

    /// Every value operand including branch arguments, in printing order, without
    /// allocating (the passes walk every operand of every instruction many times).
    pub fn operands(&self) -> impl Iterator<Item = Value> + '_ {
        let [a, b] = self.fixed_parts();
        let [c, d] = self.branch_arg_parts();
        a.iter().chain(b).chain(c).chain(d).copied()
    }

    /// [`Self::fixed_operands`], collected.
    pub fn fixed_values(&self) -> Vec<Value> {
        self.fixed_operands().collect()
    }

    /// [`Self::operands`], collected.
    pub fn values(&self) -> Vec<Value> {
        self.operands().collect()
    }

    /// Applies `f` to every value operand (including branch arguments).
    pub fn map_values(&mut self, mut f: impl FnMut(Value) -> Value) {
        match self {
            InstData::Iconst { .. }
            | InstData::StackAddr { .. }
            | InstData::GlobalAddr { .. }
            | InstData::FuncAddr { .. }
            | InstData::Unreachable => {}
            InstData::Unary { arg, .. }
            | InstData::Convert { arg, .. }
            | InstData::Opaque { arg } => *arg = f(*arg),
            InstData::Binary { args, .. } | InstData::Icmp { args, .. } => {
                args.iter_mut().for_each(|a| *a = f(*a))
            }
            InstData::Select { args } | InstData::AtomicCas { args, .. } => {
                args.iter_mut().for_each(|a| *a = f(*a))
            }
            InstData::Load { addr, .. } => *addr = f(*addr),
            InstData::Store { args, .. } | InstData::Memcpy { args, .. } => {
                args.iter_mut().for_each(|a| *a = f(*a))
            }
            InstData::Call { args, .. } | InstData::CallHelper { args, .. } => {
                args.iter_mut().for_each(|a| *a = f(*a))
            }
            InstData::AtomicRmw { addr, arg, .. } => {
                *addr = f(*addr);
                *arg = f(*arg);
            }
            InstData::Memset { dst, .. } => *dst = f(*dst),
            InstData::Jump { dest } => dest.args.iter_mut().for_each(|a| *a = f(*a)),
            InstData::Brif {
                cond,
                then_dest,
                else_dest,
            } => {
                *cond = f(*cond);
                then_dest.args.iter_mut().for_each(|a| *a = f(*a));
                else_dest.args.iter_mut().for_each(|a| *a = f(*a));
            }
            InstData::Return { arg } => {
                if let Some(a) = arg {
                    *a = f(*a)
                }
            }
        }
    }

    /// The branch targets of a terminator, in order (none for anything else).
    pub fn branch_targets(&self) -> impl Iterator<Item = &BlockCall> {
        let (first, second) = match self {
            InstData::Jump { dest } => (Some(dest), None),
            InstData::Brif {
                then_dest,
                else_dest,
                ..
            } => (Some(then_dest), Some(else_dest)),
            _ => (None, None),
        };
        first.into_iter().chain(second)
    }

    /// Mutable branch targets, in the same order as `branch_targets`.
    pub fn branch_dests_mut(&mut self) -> Vec<&mut BlockCall> {
        match self {
            InstData::Jump { dest } => vec![dest],
            InstData::Brif {
                then_dest,
                else_dest,
                ..
            } => vec![then_dest, else_dest],
            _ => Vec::new(),
        }
    }
}
