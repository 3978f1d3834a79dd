//! Machine instructions with physical registers → `asm::isa::Insn` (+ symbolic operand).
//!
//! The field values are the ISA's (instruction-set.rst, "Instruction encoding": class in
//! the low 3 bits, then source bit and operation/mode/size); the asm crate's opcode
//! table checks every one of them (see the tests: each produced `Insn` must decode and
//! print). Symbolic operands carry what LLVM writes before relocation: `off` 0 for
//! jumps, `imm` -1 for calls, the addend for ld_imm64.

use asm::isa::table::{
    CLASS_ALU, CLASS_ALU64, CLASS_JMP, CLASS_JMP32, CLASS_LDX, CLASS_ST, CLASS_STX, OP_LD_IMM64,
};
use asm::isa::{Insn, SymOperand, SymRole};

use crate::vcode::{AluOp, AtomicOp, Base, CallTarget, Cond, EndianOp, MInst, MemSize, Src, Width};

const SRC_X: u8 = 0x08;
const MODE_MEM: u8 = 0x60;
const MODE_MEMSX: u8 = 0x80;
const MODE_ATOMIC: u8 = 0xc0;
const FP: u8 = 10;
const ATOMIC_FETCH: i32 = 0x01;

fn alu_code(op: AluOp) -> (u8, i16) {
    match op {
        AluOp::Add => (0x00, 0),
        AluOp::Sub => (0x10, 0),
        AluOp::Mul => (0x20, 0),
        AluOp::Div => (0x30, 0),
        AluOp::SDiv => (0x30, 1),
        AluOp::Or => (0x40, 0),
        AluOp::And => (0x50, 0),
        AluOp::Lsh => (0x60, 0),
        AluOp::Rsh => (0x70, 0),
        AluOp::Mod => (0x90, 0),
        AluOp::SMod => (0x90, 1),
        AluOp::Xor => (0xa0, 0),
        AluOp::Arsh => (0xc0, 0),
    }
}

fn jmp_code(c: Cond) -> u8 {
    match c {
        Cond::Eq => 0x10,
        Cond::Gt => 0x20,
        Cond::Ge => 0x30,
        Cond::Set => 0x40,
        Cond::Ne => 0x50,
        Cond::SGt => 0x60,
        Cond::SGe => 0x70,
        Cond::Lt => 0xa0,
        Cond::Le => 0xb0,
        Cond::SLt => 0xc0,
        Cond::SLe => 0xd0,
    }
}

fn size_code(s: MemSize) -> u8 {
    match s {
        MemSize::W => 0x00,
        MemSize::H => 0x08,
        MemSize::B => 0x10,
        MemSize::DW => 0x18,
    }
}

fn class(w: Width) -> u8 {
    match w {
        Width::W32 => CLASS_ALU,
        Width::W64 => CLASS_ALU64,
    }
}

fn base_reg(b: Base) -> u8 {
    match b {
        Base::Reg(r) => r.num(),
        Base::Fp => FP,
    }
}

fn sym(role: SymRole, name: &str, addend: i64) -> Option<SymOperand> {
    Some(SymOperand {
        role,
        name: name.to_string(),
        addend,
        span: 0..0,
    })
}

/// Encodes `i`; `label` names jump targets (the caller's block label for a block index).
/// Returns `None` for pseudo-instructions that emit nothing (`Args`) and two
/// instructions for `FrameAddr` (`r = r10; r += off`).
pub fn encode(i: &MInst, label: &dyn Fn(u32) -> String) -> Vec<(Insn, Option<SymOperand>)> {
    let ins = |code: u8, dst: u8, src: u8, off: i16, imm: i32| Insn {
        code,
        dst,
        src,
        off,
        imm,
        imm_hi: 0,
    };
    let one = |x: Insn| vec![(x, None)];
    match i {
        // `Args` emits nothing; `Select` never gets here (finalize expands it).
        MInst::Args { .. } | MInst::Select { .. } => Vec::new(),
        MInst::MovImm { w, dst, imm } => one(ins(class(*w) | 0xb0, dst.num(), 0, 0, *imm)),
        MInst::CoreConst { dst, imm, .. } => match i32::try_from(*imm) {
            Ok(i) => one(ins(CLASS_ALU64 | 0xb0, dst.num(), 0, 0, i)),
            Err(_) => {
                let mut x = ins(OP_LD_IMM64, dst.num(), 0, 0, 0);
                x.set_imm64(*imm);
                one(x)
            }
        },
        MInst::LdImm64 { dst, imm } => {
            let mut x = ins(OP_LD_IMM64, dst.num(), 0, 0, 0);
            x.set_imm64(*imm);
            one(x)
        }
        MInst::LdSym {
            dst,
            sym: name,
            addend,
            ..
        } => {
            // Functions (callbacks) are loaded like data, as clang does; libbpf turns
            // an ld_imm64 of a code symbol into BPF_PSEUDO_FUNC (src 4) itself.
            let mut x = ins(OP_LD_IMM64, dst.num(), 0, 0, 0);
            x.set_imm64(*addend);
            vec![(x, sym(SymRole::Imm64, name, *addend))]
        }
        MInst::Mov { w, dst, src } => {
            one(ins(class(*w) | 0xb0 | SRC_X, dst.num(), src.num(), 0, 0))
        }
        MInst::MovSx { w, dst, src, bits } => one(ins(
            class(*w) | 0xb0 | SRC_X,
            dst.num(),
            src.num(),
            i16::from(*bits),
            0,
        )),
        MInst::Alu {
            w, op, dst, rhs, ..
        } => {
            let (code, off) = alu_code(*op);
            match rhs {
                Src::Reg(r) => one(ins(class(*w) | code | SRC_X, dst.num(), r.num(), off, 0)),
                Src::Imm(imm) => one(ins(class(*w) | code, dst.num(), 0, off, *imm)),
            }
        }
        MInst::Neg { w, dst, .. } => one(ins(class(*w) | 0x80, dst.num(), 0, 0, 0)),
        MInst::Endian { op, bits, dst, .. } => {
            let code = match op {
                EndianOp::Le => CLASS_ALU | 0xd0,
                EndianOp::Be => CLASS_ALU | 0xd0 | SRC_X,
                EndianOp::Bswap => CLASS_ALU64 | 0xd0,
            };
            one(ins(code, dst.num(), 0, 0, i32::from(*bits)))
        }
        MInst::Load {
            size,
            signed,
            dst,
            base,
            off,
            ..
        } => {
            let mode = if *signed { MODE_MEMSX } else { MODE_MEM };
            one(ins(
                CLASS_LDX | mode | size_code(*size),
                dst.num(),
                base_reg(*base),
                *off,
                0,
            ))
        }
        MInst::Store {
            size,
            base,
            off,
            src,
            ..
        } => match src {
            Src::Reg(r) => one(ins(
                CLASS_STX | MODE_MEM | size_code(*size),
                base_reg(*base),
                r.num(),
                *off,
                0,
            )),
            Src::Imm(imm) => one(ins(
                CLASS_ST | MODE_MEM | size_code(*size),
                base_reg(*base),
                0,
                *off,
                *imm,
            )),
        },
        MInst::FrameAddr { dst, off } => vec![
            (ins(CLASS_ALU64 | 0xb0 | SRC_X, dst.num(), FP, 0, 0), None),
            (ins(CLASS_ALU64, dst.num(), 0, 0, *off), None),
        ],
        MInst::Atomic {
            w,
            op,
            fetch,
            base,
            off,
            val,
            ..
        } => {
            let size = if *w == Width::W64 {
                MemSize::DW
            } else {
                MemSize::W
            };
            let mut imm = match op {
                AtomicOp::Add => 0x00,
                AtomicOp::Or => 0x40,
                AtomicOp::And => 0x50,
                AtomicOp::Xor => 0xa0,
                AtomicOp::Xchg => 0xe0 | ATOMIC_FETCH,
            };
            if *fetch {
                imm |= ATOMIC_FETCH;
            }
            one(ins(
                CLASS_STX | MODE_ATOMIC | size_code(size),
                base.num(),
                val.num(),
                *off,
                imm,
            ))
        }
        MInst::Cmpxchg {
            w, base, off, new, ..
        } => {
            let size = if *w == Width::W64 {
                MemSize::DW
            } else {
                MemSize::W
            };
            one(ins(
                CLASS_STX | MODE_ATOMIC | size_code(size),
                base.num(),
                new.num(),
                *off,
                0xf0 | ATOMIC_FETCH,
            ))
        }
        MInst::Call { target, .. } => match target {
            CallTarget::Helper(id) => one(ins(CLASS_JMP | 0x80, 0, 0, 0, *id)),
            // Both BPF-to-BPF calls and kfunc/extern calls are `call sym` with src 1 and
            // R_BPF_64_32; libbpf rewrites extern ones to src 2 (kfunc).
            CallTarget::Local(name) | CallTarget::Extern(name) => {
                vec![(
                    ins(CLASS_JMP | 0x80, 0, 1, 0, -1),
                    sym(SymRole::CallTarget, name, 0),
                )]
            }
        },
        MInst::LongJump { target } => vec![(
            ins(CLASS_JMP32, 0, 0, 0, 0),
            sym(SymRole::JumpTarget, &label(*target), 0),
        )],
        MInst::Jump { target } => {
            vec![(
                ins(CLASS_JMP, 0, 0, 0, 0),
                sym(SymRole::JumpTarget, &label(*target), 0),
            )]
        }
        MInst::Br {
            w,
            cond,
            lhs,
            rhs,
            taken,
            ..
        } => {
            let cls = if *w == Width::W32 {
                CLASS_JMP32
            } else {
                CLASS_JMP
            };
            let x = match rhs {
                Src::Reg(r) => ins(cls | jmp_code(*cond) | SRC_X, lhs.num(), r.num(), 0, 0),
                Src::Imm(imm) => ins(cls | jmp_code(*cond), lhs.num(), 0, 0, *imm),
            };
            vec![(x, sym(SymRole::JumpTarget, &label(*taken), 0))]
        }
        MInst::Ret { .. } => one(ins(CLASS_JMP | 0x90, 0, 0, 0, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vcode::Reg;
    use linker::object::Endian;

    /// Every instruction shape codegen produces must be a row of the asm crate's opcode
    /// table: it encodes, decodes back to itself and prints as LLVM does.
    #[test]
    fn every_shape_is_in_the_opcode_table() {
        let r = Reg::Phys;
        let mut cases: Vec<(MInst, &str)> = vec![
            (
                MInst::MovImm {
                    w: Width::W32,
                    dst: r(1),
                    imm: 7,
                },
                "w1 = 0x7",
            ),
            (
                MInst::MovImm {
                    w: Width::W64,
                    dst: r(1),
                    imm: -1,
                },
                "r1 = -0x1",
            ),
            (
                MInst::LdImm64 {
                    dst: r(2),
                    imm: 0x1_0000_0000,
                },
                "r2 = 0x100000000 ll",
            ),
            (
                MInst::Mov {
                    w: Width::W64,
                    dst: r(6),
                    src: r(0),
                },
                "r6 = r0",
            ),
            (
                MInst::Mov {
                    w: Width::W32,
                    dst: r(1),
                    src: r(1),
                },
                "w1 = w1",
            ),
            (
                MInst::MovSx {
                    w: Width::W64,
                    dst: r(1),
                    src: r(2),
                    bits: 32,
                },
                "r1 = (s32)r2",
            ),
            (
                MInst::MovSx {
                    w: Width::W32,
                    dst: r(1),
                    src: r(2),
                    bits: 8,
                },
                "w1 = (s8)w2",
            ),
            (
                MInst::Neg {
                    w: Width::W64,
                    dst: r(3),
                    src: r(3),
                },
                "r3 = -r3",
            ),
            (
                MInst::Endian {
                    op: EndianOp::Be,
                    bits: 16,
                    dst: r(1),
                    src: r(1),
                },
                "r1 = be16 r1",
            ),
            (
                MInst::Endian {
                    op: EndianOp::Le,
                    bits: 32,
                    dst: r(1),
                    src: r(1),
                },
                "r1 = le32 r1",
            ),
            (
                MInst::Endian {
                    op: EndianOp::Bswap,
                    bits: 64,
                    dst: r(1),
                    src: r(1),
                },
                "r1 = bswap64 r1",
            ),
            (
                MInst::Load {
                    size: MemSize::W,
                    signed: false,
                    dst: r(0),
                    base: Base::Fp,
                    off: -4,
                    core: None,
                },
                "w0 = *(u32 *)(r10 - 0x4)",
            ),
            (
                MInst::Load {
                    size: MemSize::B,
                    signed: true,
                    dst: r(0),
                    base: Base::Reg(r(1)),
                    off: 2,
                    core: None,
                },
                "r0 = *(s8 *)(r1 + 0x2)",
            ),
            (
                MInst::Store {
                    size: MemSize::DW,
                    base: Base::Fp,
                    off: -8,
                    src: Src::Imm(0),
                    core: None,
                },
                "*(u64 *)(r10 - 0x8) = 0x0",
            ),
            (
                MInst::Store {
                    size: MemSize::H,
                    base: Base::Reg(r(1)),
                    off: 0,
                    src: Src::Reg(r(2)),
                    core: None,
                },
                "*(u16 *)(r1 + 0x0) = w2",
            ),
            (
                MInst::Atomic {
                    w: Width::W64,
                    op: AtomicOp::Add,
                    fetch: false,
                    base: r(1),
                    off: 0,
                    val: r(2),
                    dst: None,
                },
                "lock *(u64 *)(r1 + 0x0) += r2",
            ),
            (
                MInst::Atomic {
                    w: Width::W32,
                    op: AtomicOp::And,
                    fetch: true,
                    base: r(1),
                    off: 4,
                    val: r(2),
                    dst: Some(r(2)),
                },
                "w2 = atomic_fetch_and((u32 *)(r1 + 0x4), w2)",
            ),
            (
                MInst::Atomic {
                    w: Width::W64,
                    op: AtomicOp::Xchg,
                    fetch: true,
                    base: r(1),
                    off: 0,
                    val: r(2),
                    dst: Some(r(2)),
                },
                "r2 = xchg_64(r1 + 0x0, r2)",
            ),
            (
                MInst::Cmpxchg {
                    w: Width::W64,
                    base: r(1),
                    off: 0,
                    expected: r(0),
                    new: r(2),
                    dst: r(0),
                },
                "r0 = cmpxchg_64(r1 + 0x0, r0, r2)",
            ),
            (
                MInst::Call {
                    target: CallTarget::Helper(1),
                    args: vec![],
                    ret: None,
                },
                "call 0x1",
            ),
            (MInst::Ret { val: None }, "exit"),
            (MInst::LongJump { target: 1 }, ""),
        ];
        for op in [
            AluOp::Add,
            AluOp::Sub,
            AluOp::Mul,
            AluOp::Div,
            AluOp::SDiv,
            AluOp::Mod,
            AluOp::SMod,
            AluOp::Or,
            AluOp::And,
            AluOp::Lsh,
            AluOp::Rsh,
            AluOp::Arsh,
            AluOp::Xor,
        ] {
            for w in [Width::W32, Width::W64] {
                for rhs in [Src::Reg(r(2)), Src::Imm(3)] {
                    cases.push((
                        MInst::Alu {
                            w,
                            op,
                            dst: r(1),
                            lhs: r(1),
                            rhs,
                        },
                        "",
                    ));
                }
            }
        }
        for cond in [
            Cond::Eq,
            Cond::Ne,
            Cond::Gt,
            Cond::Ge,
            Cond::Lt,
            Cond::Le,
            Cond::SGt,
            Cond::SGe,
            Cond::SLt,
            Cond::SLe,
            Cond::Set,
        ] {
            for w in [Width::W32, Width::W64] {
                for rhs in [Src::Reg(r(2)), Src::Imm(3)] {
                    cases.push((
                        MInst::Br {
                            w,
                            cond,
                            lhs: r(1),
                            rhs,
                            taken: 1,
                            not_taken: 2,
                        },
                        "",
                    ));
                }
            }
        }
        let label = |b: u32| format!("LBB0_{b}");
        for (inst, want) in cases {
            for (insn, sym) in encode(&inst, &label) {
                for endian in [Endian::Little, Endian::Big] {
                    let mut bytes = Vec::new();
                    asm::isa::encode(&insn, endian, &mut bytes);
                    let (back, used) = asm::isa::decode(&bytes, endian)
                        .unwrap_or_else(|e| panic!("{inst:?} does not decode: {e:?}"));
                    assert_eq!(used, bytes.len());
                    assert_eq!(back, insn, "{inst:?}");
                }
                if !want.is_empty() && sym.is_none() {
                    assert_eq!(asm::isa::print_llvm(&insn, None), want);
                }
            }
        }
    }
}
