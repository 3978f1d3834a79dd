//! Instruction selection: one IR function → [`VCode`] over virtual registers.
//!
//! Value representation: a value of type `iN` with N < 64 lives in a 64-bit register
//! whose bits N..63 are ZERO ("canonical") unless the value is marked *dirty* (its
//! upper bits are garbage: results of `add/sub/mul/shl/neg`, `ireduce`, narrow helper
//! results). Operations that only look at the low N bits (arithmetic, stores, sign
//! extension, shift amounts) take dirty values as they are; the others (unsigned
//! compares and division, `uextend`, call/return/block arguments) get a canonical copy
//! through `get_canon`. From cpu v3 on, values of up to 32 bits use the 32-bit ALU
//! (`w` registers), which zero-extends for free, so i32 values are never dirty there;
//! before v3 the 64-bit ALU is used and truncation (`<<= 32; >>= 32`) happens lazily. Pointers (and every
//! `i64`) only ever see 64-bit operations: the verifier rejects 32-bit arithmetic on
//! pointers.
//!
//! Shapes chosen for the verifier (verifier.rst) are marked `VERIFIER:` below. Besides
//! those: instructions are selected where the IR has them, never hoisted, so a pointer
//! computation stays below the check that makes it safe; only constants and the
//! addresses of stack slots and globals are rematerialized (those need no check). A
//! checked pointer is one SSA value: the allocator may copy or spill it, and the
//! verifier carries a null check to every copy with the same id (spilled copies too,
//! which is why spills are whole 8-byte slots). Packet bounds checks keep the
//! `ptr + const` form (constant adds are folded into one add, never split).
//!
//! Known leading zeros (`Isel::zbits`: masks, narrow loads, shifts, small sums, block
//! parameters from their incoming values) keep values canonical where the operation
//! alone would make them dirty, turn sign extensions of non-negative values into
//! nothing, and signed division of non-negative values into unsigned division.
//! Addresses of globals used in several blocks are materialized once, in the block
//! dominating their uses (the only hoisting: a global's address needs no check).
//! A CO-RE field offset (`iadd base, <relocated const>`) used only as load/store
//! addresses goes into each access's `off`, the instruction libbpf patches
//! (llvm_reloc.rst, CO-RE; btf.rst 4.2.3).
//! Spec: instruction-set.rst (operations, widths, cpu versions), abi.rst (calls).

use diag::fasthash::{FastMap, FastSet};
use std::collections::HashMap;

use cranelift_entity::EntityRef;

use asm::isa::CpuVersion;
use diag::{Diagnostic, codes};
use ir::dfg::ValueDef;
use ir::entities::{Block, GlobalRef, Inst, Value};
use ir::function::Function;
use ir::instructions::{BlockCall, InstData};
use ir::opcodes::Opcode;
use ir::types::{AtomicOp as IrAtomic, Ext, IntCC, Linkage, SourceLoc, Type};

use crate::frame::Frame;
use crate::vcode::{
    AluOp, AtomicOp, Base, BlockIdx, CallTarget, Cond, EndianOp, MInst, MemSize, Reg, Src, SymKind,
    VBlock, VCode, Width,
};
use crate::zmemo::Incoming;

/// What instruction selection needs to know besides the function.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub cpu: CpuVersion,
    pub big_endian: bool,
}

/// Where a folded address points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AddrBase {
    Fp,
    /// `r10 + value` (a variable index into a stack object).
    FpPlus(Value),
    Value(Value),
    Global(GlobalRef),
}

struct Isel<'a> {
    f: &'a Function,
    t: Target,
    frame: &'a Frame,
    code: VCode,
    /// VCode block of each IR block (by IR block index).
    vblock: FastMap<Block, BlockIdx>,
    /// The chain of VCode blocks emitted for each IR block, in layout order.
    chains: FastMap<Block, Vec<BlockIdx>>,
    cur_ir: Option<Block>,
    cur: BlockIdx,
    loc: SourceLoc,
    vals: FastMap<Value, Reg>,
    /// Constants and addresses rematerialized per VCode block.
    remat: FastMap<Value, Reg>,
    /// Values whose register may hold garbage above their type's width.
    dirty: FastSet<Value>,
    /// Canonical copies of dirty values, with the VCode and IR block that computed
    /// them (see `get_canon` for where they are reused).
    canon: FastMap<Value, (BlockIdx, Option<Block>, Reg)>,
    /// The dominator tree of the IR function (computed once per function).
    dt: Option<ir::cfg::DominatorTree>,
    /// `r10 + index` registers by index value, same lifetime as `remat`.
    fp_plus: FastMap<Value, Reg>,
    /// `sym ll` registers by symbol, same lifetime as `remat`.
    globals: FastMap<GlobalRef, Reg>,
    uses: FastMap<Value, u32>,
    /// Values whose every use folds into memory operands or a fused branch.
    absorbed: FastSet<Value>,
    preds: FastMap<Block, u32>,
    /// icmps used only as brif/select conditions: selected as the jump itself.
    fused: FastSet<Value>,
    /// Loads some `sextend` to i64 uses: selected as one sign-extending load (cpu v4
    /// MEMSX), which the `sextend` takes as it is; other uses see a dirty value.
    sext_loads: FastSet<Value>,
    /// Globals whose address is used in several blocks, with the nearest block that
    /// dominates every use: their `sym ll` is materialized once, there (by index).
    global_homes: Vec<(GlobalRef, Block)>,
    /// Registers of those hoisted addresses, once materialized (never forgotten).
    hoisted: FastMap<GlobalRef, Reg>,
    /// The branch instructions that jump to each block (for block parameters' sources),
    /// with the [`Isel::zbits`] answers that follow from them.
    incoming: Incoming,
    errors: Vec<Diagnostic>,
    /// CO-RE relocations of this function, indexed by `MInst::CoreConst::reloc` and
    /// the `core` field of loads and stores.
    core: Vec<ir::CoreReloc>,
    /// `iadd base, <CO-RE field offset>` values used only as load/store addresses:
    /// the relocated offset goes into each access's `off` (see [`Isel::core_field`]).
    core_addrs: FastSet<Value>,
}

/// Selects instructions for `f`. Errors are located by the function and source line.
/// Selects instructions for `f`; also returns its CO-RE relocations.
pub fn select(
    f: &Function,
    t: Target,
    frame: &Frame,
) -> Result<(VCode, Vec<ir::CoreReloc>), Vec<Diagnostic>> {
    let mut s = Isel::new(f, t, frame);
    s.run();
    if s.errors.is_empty() {
        let core = std::mem::take(&mut s.core);
        Ok((s.finish(), core))
    } else {
        Err(s.errors)
    }
}

fn fits_i16(v: i64) -> Option<i16> {
    i16::try_from(v).ok()
}

fn fits_i32(v: i64) -> Option<i32> {
    i32::try_from(v).ok()
}

impl<'a> Isel<'a> {
    /// A selector for `f` with nothing selected yet.
    #[inline(always)]
    fn new(f: &'a Function, t: Target, frame: &'a Frame) -> Isel<'a> {
        Isel {
            f,
            t,
            frame,
            code: VCode::default(),
            vblock: FastMap::default(),
            chains: FastMap::default(),
            cur_ir: None,
            cur: 0,
            loc: SourceLoc::default(),
            vals: FastMap::default(),
            remat: FastMap::default(),
            globals: FastMap::default(),
            fp_plus: FastMap::default(),
            dirty: Default::default(),
            canon: FastMap::default(),
            dt: None,
            uses: FastMap::default(),
            absorbed: Default::default(),
            preds: FastMap::default(),
            fused: Default::default(),
            sext_loads: Default::default(),
            global_homes: Vec::new(),
            hoisted: FastMap::default(),
            incoming: Incoming::default(),
            errors: Vec::new(),
            core: Vec::new(),
            core_addrs: Default::default(),
        }
    }

    // ---- small helpers -------------------------------------------------------------

    fn alu32(&self) -> bool {
        self.t.cpu.has_alu32()
    }

    /// The ALU width for values of type `ty`.
    fn width(&self, ty: Type) -> Width {
        if ty != Type::I64 && self.alu32() {
            Width::W32
        } else {
            Width::W64
        }
    }

    fn ty(&self, v: Value) -> Type {
        self.f.dfg.value_type(v)
    }

    fn def_inst(&self, v: Value) -> Option<&'a InstData> {
        match self.f.dfg.value_def(v) {
            ValueDef::Result(i) => self.f.dfg.insts.get(i),
            _ => None,
        }
    }

    /// The constant value of `v`, sign-extended from its type, if it is an `iconst`
    /// without a CO-RE relocation (those are values libbpf rewrites: never folded).
    fn iconst(&self, v: Value) -> Option<i64> {
        match self.f.dfg.value_def(v) {
            ValueDef::Result(i) if self.f.core_relocs.contains_key(&i) => None,
            _ => match self.def_inst(v) {
                Some(InstData::Iconst { imm }) => Some(self.ty(v).sext(*imm)),
                _ => None,
            },
        }
    }

    /// Known leading zeros: `Some(k)` when `v`, computed from canonical operands, is
    /// exactly its unwrapped result and that result is below `2^k` (`k` ≤ its type's
    /// width). Then the register holding `v` is canonical even where the operation's
    /// result would otherwise be dirty, a truncation to ≥ `k` bits costs nothing, and
    /// a sign extension from more than `k` bits is a zero extension. `None`: nothing
    /// known beyond the type.
    fn zbits(&self, v: Value, depth: u32) -> Option<u32> {
        let ty = self.ty(v);
        let tb = ty.bits();
        if depth > 8 {
            return None;
        }
        let z = |x: Value| self.zbits(x, depth + 1).unwrap_or(self.ty(x).bits());
        let fit = |k: u32| (k <= tb).then_some(k);
        let nn = |x: Value| z(x) < self.ty(x).bits();
        let len = |c: u64| 64 - c.leading_zeros();
        if let Some(c) = self.iconst(v) {
            return fit(len(ty.zext(c)));
        }
        if let ValueDef::Param(b, idx) = self.f.dfg.value_def(v) {
            return self.param_zbits(v, b, idx, depth);
        }
        match self.def_inst(v)? {
            InstData::Load { mem, ext, .. } => {
                (*ext == Ext::Zero || mem.bits() >= tb).then(|| mem.bits().min(tb))
            }
            InstData::Convert { op, arg } => match op {
                Opcode::Uextend => Some(z(*arg)),
                Opcode::Ireduce => fit(z(*arg)),
                _ => None,
            },
            InstData::Binary { op, args } => {
                let (a, b) = (args[0], args[1]);
                match op {
                    Opcode::Band => Some(z(a).min(z(b))),
                    Opcode::Bor | Opcode::Bxor => Some(z(a).max(z(b))),
                    Opcode::Iadd => fit(z(a).max(z(b)) + 1),
                    Opcode::Imul => fit(z(a) + z(b)),
                    Opcode::Ishl => {
                        let k = u32::try_from(self.iconst(b)?).ok()?;
                        fit(z(a).checked_add(k)?)
                    }
                    Opcode::Ushr => {
                        let k = u32::try_from(self.iconst(b)?).ok().filter(|&k| k < tb)?;
                        Some(z(a).saturating_sub(k))
                    }
                    Opcode::Udiv => Some(z(a)),
                    Opcode::Urem => Some(z(a).min(z(b))),
                    // Selected as the unsigned operations when both are non-negative.
                    Opcode::Sdiv | Opcode::Srem if nn(a) && nn(b) => Some(if *op == Opcode::Sdiv {
                        z(a)
                    } else {
                        z(a).min(z(b))
                    }),
                    _ => None,
                }
            }
            InstData::Select { args } => Some(z(args[1]).max(z(args[2]))),
            InstData::Icmp { .. } => Some(1),
            _ => None,
        }
    }

    /// [`Isel::zbits`] of block parameter `v` (`idx` of block `b`): the widest
    /// incoming value, as block arguments are passed canonical. Remembered per
    /// (value, depth): through a loop the same parameters are asked for again and again
    /// (const_table_loop.bpf.c: 0.77M instructions here without it).
    #[inline(never)]
    fn param_zbits(&self, v: Value, b: Block, idx: usize, depth: u32) -> Option<u32> {
        if let Some(z) = self.incoming.zmemo.get(v, depth) {
            return z;
        }
        let z = (|| {
            let mut k = 0;
            for &br in self.incoming.branches.get(&b)? {
                for dest in self.f.dfg.insts.get(br)?.branch_targets() {
                    if dest.block == b {
                        k = k.max(self.zbits(*dest.args.get(idx)?, depth + 1)?);
                    }
                }
            }
            Some(k)
        })();
        self.incoming.zmemo.set(v, depth, z);
        z
    }

    /// For `v = ireduce x` with an i64 `x` whose register is the sign extension of its
    /// low `v`-width bits (or fewer): `x`.
    fn sext_source(&self, v: Value) -> Option<Value> {
        let Some(InstData::Convert {
            op: Opcode::Ireduce,
            arg: x,
        }) = self.def_inst(v)
        else {
            return None;
        };
        let bits = self.ty(v).bits();
        if self.ty(*x) != Type::I64 {
            return None;
        }
        let from = match self.def_inst(*x)? {
            InstData::Binary {
                op: Opcode::Sshr,
                args,
            } => {
                // A shift by 64 or more is masked (not a sign extension): refuse it.
                let k = u32::try_from(self.iconst(args[1])?)
                    .ok()
                    .filter(|k| *k < 64)?;
                64 - k
            }
            InstData::Convert {
                op: Opcode::Sextend,
                arg,
            } => self.ty(*arg).bits(),
            _ => return None,
        };
        (from <= bits).then_some(*x)
    }

    /// True if `v`'s value never has the sign bit of its type set.
    fn known_nonneg(&self, v: Value) -> bool {
        self.zbits(v, 0).is_some_and(|k| k < self.ty(v).bits())
    }

    fn error(&mut self, code: diag::Code, msg: String) {
        let mut d = Diagnostic::error(code, format!("in function `{}`: {msg}", self.f.name));
        if !self.loc.is_unknown() {
            d = d.with_note(format!("at source line {}:{}", self.loc.line, self.loc.col));
        }
        self.errors.push(d);
    }

    fn push(&mut self, i: MInst) {
        let loc = self.loc;
        if let Some(b) = self.code.blocks.get_mut(self.cur as usize) {
            b.insts.push(i);
            b.locs.push(loc);
        }
    }

    fn new_block(&mut self) -> BlockIdx {
        self.code.blocks.push(VBlock::default());
        let b = (self.code.blocks.len() - 1) as BlockIdx;
        if let Some(ir) = self.cur_ir {
            self.chains.entry(ir).or_default().push(b);
        }
        b
    }

    fn switch_to(&mut self, b: BlockIdx) {
        self.cur = b;
        self.forget_remat();
    }

    /// Rematerialized values are not kept across blocks, nor across calls: recomputing a
    /// constant or an address is cheaper than holding a callee-saved register or a spill.
    fn forget_remat(&mut self) {
        self.remat.clear();
        self.globals.clear();
        self.fp_plus.clear();
    }

    /// A register holding `v` with its bits above the type's width zero.
    fn get_canon(&mut self, v: Value) -> Reg {
        let r = self.get(v);
        if !self.dirty.contains(&v) {
            return r;
        }
        if let Some(&(vb, ir, c)) = self.canon.get(&v)
            && self.reaches_here(vb, ir)
        {
            return c;
        }
        let ty = self.ty(v);
        let c = self.zext(r, ty);
        self.canon.insert(v, (self.cur, self.cur_ir, c));
        c
    }

    /// Whether a register computed in VCode block `vb` (selected for IR block `ir`) is
    /// available here: the same block, or the main VCode block of an IR block that
    /// dominates this one (not an edge block split off it, which only one edge runs).
    ///
    /// Verifier: one canonical copy per value matters on cpu v1, where zero-extending
    /// an i32 takes two shifts that lose its bounds. A value compared in one block and
    /// extended again in the next arrived unbounded (`if (off > 100) return; p = data +
    /// off;` gave a packet pointer with a 4 GiB range, rejected).
    fn reaches_here(&self, vb: BlockIdx, ir: Option<Block>) -> bool {
        if vb == self.cur {
            return true;
        }
        let (Some(ir), Some(here), Some(dt)) = (ir, self.cur_ir, &self.dt) else {
            return false;
        };
        self.vblock.get(&ir) == Some(&vb) && dt.dominates(ir, here)
    }

    /// Binds `v` to `r`, whose bits above `v`'s width may be garbage when `dirty`.
    fn bind_dirty(&mut self, v: Value, r: Reg, dirty: bool) {
        let dirty = dirty && self.ty(v) != Type::I64;
        if dirty {
            self.dirty.insert(v);
        }
        self.bind(v, r);
    }

    fn tmp(&mut self) -> Reg {
        self.code.new_vreg()
    }

    fn vreg(r: Reg) -> Option<regalloc2::VReg> {
        match r {
            Reg::Virt(v) => Some(v),
            Reg::Phys(_) => None,
        }
    }

    // ---- values --------------------------------------------------------------------

    /// A register holding `v` (canonical form), materializing constants and addresses
    /// in the current block.
    fn get(&mut self, v: Value) -> Reg {
        if let Some(r) = self.vals.get(&v) {
            return *r;
        }
        if let Some(r) = self.remat.get(&v) {
            return *r;
        }
        let r = match self.def_inst(v) {
            Some(InstData::Iconst { imm }) if self.iconst(v).is_some() => {
                let ty = self.ty(v);
                self.const_reg(ty, *imm)
            }
            Some(InstData::StackAddr { slot, offset }) => {
                let base = self.frame.slot_offs.get(slot.index()).copied().unwrap_or(0);
                let dst = self.tmp();
                self.push(MInst::FrameAddr {
                    dst,
                    off: base + offset,
                });
                dst
            }
            Some(InstData::GlobalAddr { global, offset }) => {
                let sym = self.global_reg(*global);
                if *offset != 0 {
                    let dst = self.tmp();
                    self.push(MInst::Alu {
                        w: Width::W64,
                        op: AluOp::Add,
                        dst,
                        lhs: sym,
                        rhs: Src::Imm(*offset),
                    });
                    dst
                } else {
                    sym
                }
            }
            Some(InstData::FuncAddr { func }) => {
                let name = self.f.func_refs.get(*func).cloned().unwrap_or_default();
                let dst = self.tmp();
                self.push(MInst::LdSym {
                    dst,
                    sym: name,
                    addend: 0,
                    kind: SymKind::Func,
                });
                dst
            }
            Some(InstData::Binary {
                op: Opcode::Iadd,
                args,
            }) if self.absorbed.contains(&v) && self.iadd_const(args).is_some() => {
                // An address whose uses were folded, needed after all (e.g. an offset that
                // did not fit): compute it here.
                let (base, c) = self.strip_adds(v);
                self.add_const(base, c)
            }
            Some(InstData::Binary {
                op: Opcode::Iadd,
                args,
            }) if self.absorbed.contains(&v) => {
                // A folded `stack_addr + index` needed as a value after all.
                let a = self.get(args[0]);
                let b = self.get(args[1]);
                self.alu(Width::W64, AluOp::Add, a, Src::Reg(b))
            }
            _ => {
                // Defined later in the walk only if the IR is not in dominance order;
                // give it its register now, the definition will write it.
                let r = self.tmp();
                self.vals.insert(v, r);
                return r;
            }
        };
        self.remat.insert(v, r);
        r
    }

    /// `r = sym ll` for a data symbol (addend 0; offsets go in `off` or an add).
    fn global_reg(&mut self, g: GlobalRef) -> Reg {
        if let Some(r) = self.globals.get(&g).or_else(|| self.hoisted.get(&g)) {
            return *r;
        }
        if self.global_homes.iter().any(|(h, _)| *h == g) {
            // First use, in the home block (RPO selects it before the blocks it
            // dominates): one register for the whole function.
            let r = self.ld_sym(g);
            self.hoisted.insert(g, r);
            return r;
        }
        let dst = self.ld_sym(g);
        self.globals.insert(g, dst);
        dst
    }

    fn ld_sym(&mut self, g: GlobalRef) -> Reg {
        let name = self.f.global_refs.get(g).cloned().unwrap_or_default();
        let dst = self.tmp();
        self.push(MInst::LdSym {
            dst,
            sym: name,
            addend: 0,
            kind: SymKind::Data,
        });
        dst
    }

    /// Hoisted global addresses (see `global_homes`) whose home block `b` has not used
    /// them yet: materialized before its terminator, so every later use has them.
    fn materialize_homed(&mut self, b: Block) {
        let pending: Vec<GlobalRef> = self
            .global_homes
            .iter()
            .filter(|(g, h)| *h == b && !self.hoisted.contains_key(g))
            .map(|(g, _)| *g)
            .collect();
        for g in pending {
            let r = self.ld_sym(g);
            self.hoisted.insert(g, r);
        }
    }

    /// Finds the globals used in several blocks and the block dominating their uses.
    /// Rematerializing `sym ll` costs two instruction slots per block; one register
    /// (or spill slot) for the function is what clang does too.
    fn plan_globals(&mut self) {
        let f = self.f;
        let Some(dt) = &self.dt else {
            return;
        };
        let mut used: Vec<(GlobalRef, Vec<Block>)> = Vec::new();
        for &b in f.layout.blocks() {
            if !dt.is_reachable(b) {
                continue;
            }
            for &i in f.layout.block_insts(b) {
                let Some(d) = f.dfg.insts.get(i) else {
                    continue;
                };
                for v in d.operands() {
                    if let Some(InstData::GlobalAddr { global, .. }) = self.def_inst(v) {
                        match used.iter_mut().find(|(g, _)| g == global) {
                            Some((_, bs)) => {
                                if !bs.contains(&b) {
                                    bs.push(b)
                                }
                            }
                            None => used.push((*global, vec![b])),
                        }
                    }
                }
            }
        }
        for (g, bs) in used {
            if bs.len() < 2 {
                continue;
            }
            let mut home = bs[0];
            for &b in &bs[1..] {
                while !dt.dominates(home, b) {
                    match dt.idom(home) {
                        Some(up) => home = up,
                        None => break,
                    }
                }
            }
            self.global_homes.push((g, home));
        }
        self.global_homes.sort_by_key(|(g, _)| g.index());
    }

    /// Materializes constant `c` of type `ty` in canonical form.
    fn const_reg(&mut self, ty: Type, c: i64) -> Reg {
        let z = ty.zext(c) as i64;
        let dst = self.tmp();
        if ty != Type::I64 && self.alu32() {
            // mov32 zero-extends: any 32-bit pattern in one instruction.
            self.push(MInst::MovImm {
                w: Width::W32,
                dst,
                imm: z as u32 as i32,
            });
        } else if let Some(imm) = fits_i32(z) {
            self.push(MInst::MovImm {
                w: Width::W64,
                dst,
                imm,
            });
        } else {
            self.push(MInst::LdImm64 { dst, imm: z });
        }
        dst
    }

    /// The register that will hold the result `v` (already handed out if `v` was used
    /// before its definition).
    fn result(&mut self, v: Value) -> Reg {
        if let Some(r) = self.vals.get(&v) {
            return *r;
        }
        let r = self.tmp();
        self.vals.insert(v, r);
        r
    }

    /// Binds the result `v` to the already computed register `r`.
    fn bind(&mut self, v: Value, r: Reg) {
        match self.vals.get(&v) {
            Some(&existing) if existing != r => self.push(MInst::Mov {
                w: Width::W64,
                dst: existing,
                src: r,
            }),
            Some(_) => {}
            None => {
                self.vals.insert(v, r);
            }
        }
    }

    fn alu(&mut self, w: Width, op: AluOp, lhs: Reg, rhs: Src) -> Reg {
        let dst = self.tmp();
        self.push(MInst::Alu {
            w,
            op,
            dst,
            lhs,
            rhs,
        });
        dst
    }

    /// Re-establishes the canonical form of a register whose bits above `ty` may be set.
    fn zext(&mut self, r: Reg, ty: Type) -> Reg {
        match ty {
            Type::I64 => r,
            Type::I32 if self.alu32() => {
                let dst = self.tmp();
                self.push(MInst::Mov {
                    w: Width::W32,
                    dst,
                    src: r,
                });
                dst
            }
            Type::I32 => {
                let t = self.alu(Width::W64, AluOp::Lsh, r, Src::Imm(32));
                self.alu(Width::W64, AluOp::Rsh, t, Src::Imm(32))
            }
            Type::I8 | Type::I16 => {
                let w = if self.alu32() { Width::W32 } else { Width::W64 };
                self.alu(w, AluOp::And, r, Src::Imm(ty.mask() as i32))
            }
        }
    }

    /// Sign-extends the low `from` bits of `r` to the whole of `to` (width of the
    /// returned register's meaningful part); the result is NOT canonical for `to` < 64
    /// unless `to_canonical` is set.
    fn sext(&mut self, r: Reg, from: u32, to: Type, to_canonical: bool) -> Reg {
        let to_bits = to.bits();
        if from >= to_bits {
            return r;
        }
        if to_bits <= 32 && self.alu32() {
            // Sign-extend inside the 32-bit sub-register (32-bit ops zero the top half).
            let s = if self.t.cpu >= CpuVersion::V4 && (from == 8 || from == 16) {
                let dst = self.tmp();
                self.push(MInst::MovSx {
                    w: Width::W32,
                    dst,
                    src: r,
                    bits: from as u8,
                });
                dst
            } else {
                let sh = (32 - from) as i32;
                let t = self.alu(Width::W32, AluOp::Lsh, r, Src::Imm(sh));
                self.alu(Width::W32, AluOp::Arsh, t, Src::Imm(sh))
            };
            return if to_canonical && to_bits < 32 {
                self.zext(s, to)
            } else {
                s
            };
        }
        let s = if self.t.cpu >= CpuVersion::V4 {
            let dst = self.tmp();
            self.push(MInst::MovSx {
                w: Width::W64,
                dst,
                src: r,
                bits: from as u8,
            });
            dst
        } else {
            let sh = (64 - from) as i32;
            let t = self.alu(Width::W64, AluOp::Lsh, r, Src::Imm(sh));
            self.alu(Width::W64, AluOp::Arsh, t, Src::Imm(sh))
        };
        if to_canonical && to_bits < 64 {
            self.zext(s, to)
        } else {
            s
        }
    }

    // ---- the walk ------------------------------------------------------------------

    fn run(&mut self) {
        let f = self.f;
        let Some(entry) = f.entry_block() else {
            return;
        };
        self.count_uses();
        let cfg = ir::cfg::ControlFlowGraph::compute(f);
        self.dt = Some(ir::cfg::DominatorTree::compute(f, &cfg));
        self.plan_globals();
        // Reverse postorder: definitions are selected before their uses.
        let rpo = self.rpo(entry);
        let reachable: std::collections::HashSet<Block> = rpo.iter().copied().collect();
        // One VCode block per reachable IR block, params as vregs, in layout order.
        let layout: Vec<Block> = f
            .layout
            .blocks()
            .iter()
            .copied()
            .filter(|b| reachable.contains(b))
            .collect();
        for &b in &layout {
            self.cur_ir = Some(b);
            let vb = self.new_block();
            self.vblock.insert(b, vb);
            if b != entry {
                for &p in f.dfg.block_params(b) {
                    let r = self.result(p);
                    if let (Some(v), Some(blk)) =
                        (Self::vreg(r), self.code.blocks.get_mut(vb as usize))
                    {
                        blk.params.push(v);
                    }
                }
            }
        }
        for &b in &rpo {
            self.cur_ir = Some(b);
            let vb = self.vblock.get(&b).copied().unwrap_or(0);
            self.switch_to(vb);
            if b == entry {
                // Incoming arguments arrive in r1..r5 (abi.rst).
                let params: Vec<Value> = f.dfg.block_params(b).to_vec();
                if params.len() > 5 {
                    self.error(
                        codes::E_TOO_MANY_ARGS,
                        format!("{} parameters", params.len()),
                    );
                }
                let args: Vec<Reg> = params.iter().map(|&p| self.result(p)).collect();
                self.push(MInst::Args { args });
                // abi.rst: a caller extends nothing. clang's callers pass narrow integers
                // with undefined upper bits (clang's callees extend them), so a function
                // that another object can call must not trust them; our own static
                // functions get canonical arguments (`call` passes `get_canon`).
                if f.linkage != Linkage::Local {
                    for &p in &params {
                        if self.ty(p) != Type::I64 {
                            self.dirty.insert(p);
                        }
                    }
                }
            }
            for &inst in f.layout.block_insts(b) {
                self.loc = f.srclocs.get(inst).copied().unwrap_or_default();
                self.inst(inst);
            }
        }
    }

    fn rpo(&self, entry: Block) -> Vec<Block> {
        let mut seen = std::collections::HashSet::new();
        let mut post = Vec::new();
        let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
        seen.insert(entry);
        while let Some((b, i)) = stack.pop() {
            let succs = self.succs(b);
            if let Some(&s) = succs.get(i) {
                stack.push((b, i + 1));
                if seen.insert(s) {
                    stack.push((s, 0));
                }
            } else {
                post.push(b);
            }
        }
        post.reverse();
        post
    }

    fn succs(&self, b: Block) -> Vec<Block> {
        self.f
            .layout
            .last_inst(b)
            .and_then(|i| self.f.dfg.insts.get(i))
            .map(|d| d.branch_targets().map(|c| c.block).collect())
            .unwrap_or_default()
    }

    fn count_uses(&mut self) {
        let f = self.f;
        let mut addr_uses: HashMap<Value, u32> = HashMap::new();
        let mut core_uses: HashMap<Value, u32> = HashMap::new();
        let mut conds: Vec<Value> = Vec::new();
        for &b in f.layout.blocks() {
            for &i in f.layout.block_insts(b) {
                let Some(d) = f.dfg.insts.get(i) else {
                    continue;
                };
                for v in d.operands() {
                    *self.uses.entry(v).or_default() += 1;
                }
                match d {
                    InstData::Brif { cond, .. } => conds.push(*cond),
                    InstData::Select { args } => conds.push(args[0]),
                    _ => {}
                }
                for s in d.branch_targets() {
                    *self.preds.entry(s.block).or_default() += 1;
                    let list = self.incoming.branches.entry(s.block).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
                // Address operands that fold completely into `base + off`.
                let addr = match d {
                    InstData::Load { addr, offset, .. } => Some((*addr, *offset)),
                    InstData::Store { args, offset, .. } => Some((args[1], *offset)),
                    _ => None,
                };
                if let Some((a, off)) = addr
                    && let Some((base, _)) = self.fold_addr(a, i64::from(off), 0)
                    && base != AddrBase::Value(a)
                {
                    *addr_uses.entry(a).or_default() += 1;
                }
                // A stored value is a use that never folds, even if it is the address too.
                if let InstData::Store { args, .. } = d
                    && args[0] == args[1]
                {
                    addr_uses.remove(&args[0]);
                }
                // `load/store (base + core_offset), 0`: the relocated offset can become
                // the access's `off` field.
                if let Some((a, 0)) = addr
                    && self.core_field(a).is_some()
                {
                    *core_uses.entry(a).or_default() += 1;
                }
                if let InstData::Store { args, .. } = d
                    && args[0] == args[1]
                {
                    core_uses.remove(&args[0]);
                }
            }
        }
        // An icmp whose every use is a branch/select condition is re-emitted as the
        // jump at each use: its operands stay live instead of a 0/1 value.
        let mut cond_uses: HashMap<Value, u32> = HashMap::new();
        for c in conds {
            *cond_uses.entry(c).or_default() += 1;
        }
        for (c, n) in cond_uses {
            if self.uses.get(&c).copied() == Some(n)
                && matches!(self.def_inst(c), Some(InstData::Icmp { .. }))
            {
                self.fused.insert(c);
            }
        }
        if self.t.cpu >= CpuVersion::V4 {
            for &b in f.layout.blocks() {
                for &i in f.layout.block_insts(b) {
                    if let Some(InstData::Convert {
                        op: Opcode::Sextend,
                        arg,
                    }) = f.dfg.insts.get(i)
                        && f.dfg
                            .inst_result(i)
                            .is_some_and(|r| self.ty(r) == Type::I64)
                        && let Some(InstData::Load { mem, ext, .. }) = self.def_inst(*arg)
                        && *ext == Ext::Zero
                        && mem.bits() == self.ty(*arg).bits()
                    {
                        self.sext_loads.insert(*arg);
                    }
                }
            }
        }
        // `(y + c1) + c2` with the inner sum used once: one add of `c1 + c2`
        // (VERIFIER: stays `ptr + const`, the shape packet bounds checks need).
        for &b in f.layout.blocks() {
            for &i in f.layout.block_insts(b) {
                if let Some(InstData::Binary {
                    op: Opcode::Iadd,
                    args,
                }) = f.dfg.insts.get(i)
                    && let Some((x, _)) = self.iadd_const(args)
                    && self.ty(x) == Type::I64
                    && self.uses.get(&x).copied() == Some(1)
                    && let Some(InstData::Binary {
                        op: Opcode::Iadd,
                        args: inner,
                    }) = self.def_inst(x)
                    && self.iadd_const(inner).is_some()
                {
                    self.absorbed.insert(x);
                }
            }
        }
        for (v, n) in addr_uses {
            if self.uses.get(&v).copied() == Some(n) {
                self.absorbed.insert(v);
            }
        }
        // VERIFIER: a context pointer must not be moved by an ALU op ("dereference of
        // modified ctx ptr"), so a CO-RE field access is `*(base + off)` with the
        // relocated offset in `off`, the instruction libbpf patches (clang's shape).
        // Only when every use of the address is such an access; the relocated constant
        // is then not materialized at all if nothing else uses it.
        let mut const_uses: HashMap<Value, u32> = HashMap::new();
        for (v, n) in core_uses {
            if self.uses.get(&v).copied() == Some(n)
                && let Some((_, k)) = self.core_field(v)
            {
                self.core_addrs.insert(v);
                self.absorbed.insert(v);
                *const_uses.entry(k).or_default() += 1;
            }
        }
        for (k, n) in const_uses {
            if self.uses.get(&k).copied() == Some(n) {
                self.absorbed.insert(k);
            }
        }
    }

    /// `v = iadd base, k` where `k` is a CO-RE field byte offset that fits the 16-bit
    /// `off` field: `(base, k)`.
    fn core_field(&self, v: Value) -> Option<(Value, Value)> {
        let Some(InstData::Binary {
            op: Opcode::Iadd,
            args,
        }) = self.def_inst(v)
        else {
            return None;
        };
        if self.ty(v) != Type::I64 {
            return None;
        }
        for (base, k) in [(args[0], args[1]), (args[1], args[0])] {
            if let ValueDef::Result(i) = self.f.dfg.value_def(k)
                && let Some(rel) = self.f.core_relocs.get(&i)
                && rel.kind == ir::CoreRelocKind::FieldByteOffset
                && let Some(InstData::Iconst { imm }) = self.f.dfg.insts.get(i)
                && fits_i16(self.ty(k).sext(*imm)).is_some_and(|o| o >= 0)
            {
                return Some((base, k));
            }
        }
        None
    }

    /// For a load/store at `v + off` whose address is a folded CO-RE field access:
    /// the base register, the relocated offset, and the new relocation's index.
    fn core_access(&mut self, v: Value, off: i16) -> Option<(Base, i16, u32)> {
        if off != 0 || !self.core_addrs.contains(&v) {
            return None;
        }
        let (base, k) = self.core_field(v)?;
        let ValueDef::Result(i) = self.f.dfg.value_def(k) else {
            return None;
        };
        let rel = self.f.core_relocs.get(&i)?.clone();
        let Some(InstData::Iconst { imm }) = self.f.dfg.insts.get(i) else {
            return None;
        };
        let o = fits_i16(self.ty(k).sext(*imm))?;
        let b = self.get(base);
        let idx = self.core.len() as u32;
        self.core.push(rel);
        Some((Base::Reg(b), o, idx))
    }

    /// Follows absorbed `iadd x, const` values down to a value that is computed, summing
    /// the constants.
    fn strip_adds(&self, v: Value) -> (Value, i64) {
        let (mut v, mut sum) = (v, 0i64);
        while self.absorbed.contains(&v)
            && let Some(InstData::Binary {
                op: Opcode::Iadd,
                args,
            }) = self.def_inst(v)
            && let Some((x, c)) = self.iadd_const(args)
        {
            sum = sum.wrapping_add(c);
            v = x;
        }
        (v, sum)
    }

    /// `get(base) + c` in a new register (64-bit).
    fn add_const(&mut self, base: Value, c: i64) -> Reg {
        let a = self.get(base);
        let rhs = match fits_i32(c) {
            Some(i) => Src::Imm(i),
            None => Src::Reg(self.const_reg(Type::I64, c)),
        };
        self.alu(Width::W64, AluOp::Add, a, rhs)
    }

    /// `x + c` for an `iadd` with one constant operand.
    fn iadd_const(&self, args: &[Value; 2]) -> Option<(Value, i64)> {
        match (self.iconst(args[0]), self.iconst(args[1])) {
            (_, Some(c)) => Some((args[0], c)),
            (Some(c), _) => Some((args[1], c)),
            _ => None,
        }
    }

    /// `v + off` as a base and a 16-bit offset, looking through `iadd x, const`,
    /// `stack_addr` and `global_addr`.
    fn fold_addr(&self, v: Value, off: i64, depth: u32) -> Option<(AddrBase, i16)> {
        match self.def_inst(v) {
            Some(InstData::StackAddr { slot, offset }) => {
                let base = i64::from(*self.frame.slot_offs.get(slot.index())?);
                Some((AddrBase::Fp, fits_i16(base + i64::from(*offset) + off)?))
            }
            Some(InstData::GlobalAddr { global, offset }) => Some((
                AddrBase::Global(*global),
                fits_i16(i64::from(*offset) + off)?,
            )),
            Some(InstData::Binary {
                op: Opcode::Iadd,
                args,
            }) if depth < 64 => {
                let (x, c) = match (self.iconst(args[0]), self.iconst(args[1])) {
                    (_, Some(c)) => (args[0], c),
                    (Some(c), _) => (args[1], c),
                    _ => {
                        // `stack_addr + index`: `r = r10; r += index` and the slot's
                        // offset in `off` (one instruction less than the address first).
                        for (p, x) in [(args[0], args[1]), (args[1], args[0])] {
                            if let Some(InstData::StackAddr { slot, offset }) = self.def_inst(p) {
                                let base = i64::from(*self.frame.slot_offs.get(slot.index())?);
                                if let Some(o) = fits_i16(base + i64::from(*offset) + off) {
                                    return Some((AddrBase::FpPlus(x), o));
                                }
                            }
                        }
                        return Some((AddrBase::Value(v), fits_i16(off)?));
                    }
                };
                match self.fold_addr(x, off.checked_add(c)?, depth + 1) {
                    Some(r) => Some(r),
                    None => Some((AddrBase::Value(v), fits_i16(off)?)),
                }
            }
            _ => Some((AddrBase::Value(v), fits_i16(off)?)),
        }
    }

    /// The base register/frame pointer and offset for a memory access at `v + off`.
    fn addr(&mut self, v: Value, off: i16) -> (Base, i16) {
        match self.fold_addr(v, i64::from(off), 0) {
            Some((AddrBase::Fp, o)) => (Base::Fp, o),
            Some((AddrBase::FpPlus(x), o)) => {
                if let Some(r) = self.fp_plus.get(&x) {
                    return (Base::Reg(*r), o);
                }
                let fp = self.tmp();
                self.push(MInst::Mov {
                    w: Width::W64,
                    dst: fp,
                    src: Reg::Phys(10),
                });
                let idx = self.get_canon(x);
                let r = self.alu(Width::W64, AluOp::Add, fp, Src::Reg(idx));
                self.fp_plus.insert(x, r);
                (Base::Reg(r), o)
            }
            Some((AddrBase::Global(g), o)) => (Base::Reg(self.global_reg(g)), o),
            Some((AddrBase::Value(x), o)) => (Base::Reg(self.get(x)), o),
            None => (Base::Reg(self.get(v)), off),
        }
    }

    fn is_dead(&self, inst: Inst, d: &InstData) -> bool {
        if d.has_side_effects() {
            return false;
        }
        match self.f.dfg.inst_result(inst) {
            Some(v) => self.uses.get(&v).copied().unwrap_or(0) == 0 || self.absorbed.contains(&v),
            None => true,
        }
    }

    fn inst(&mut self, inst: Inst) {
        let f = self.f;
        let Some(d) = f.dfg.insts.get(inst) else {
            return;
        };
        if self.is_dead(inst, d) {
            return;
        }
        let res = f.dfg.inst_result(inst);
        if matches!(d, InstData::Jump { .. } | InstData::Brif { .. })
            && let Some(b) = self.cur_ir
        {
            self.materialize_homed(b);
        }
        match d {
            // Rematerialized at each use (cheap, and keeps them out of registers
            // across calls).
            InstData::Iconst { imm } if f.core_relocs.contains_key(&inst) => {
                if let (Some(v), Some(rel)) = (res, f.core_relocs.get(&inst)) {
                    let ty = self.ty(v);
                    let dst = self.tmp();
                    let reloc = self.core.len() as u32;
                    self.core.push(rel.clone());
                    let imm = if ty == Type::I64 {
                        *imm
                    } else {
                        ty.zext(*imm) as i64
                    };
                    self.push(MInst::CoreConst { dst, imm, reloc });
                    self.bind(v, dst);
                }
            }
            InstData::Iconst { .. }
            | InstData::StackAddr { .. }
            | InstData::GlobalAddr { .. }
            | InstData::FuncAddr { .. } => {}
            InstData::Unary { op, arg } => {
                if let Some(v) = res {
                    self.unary(*op, *arg, v)
                }
            }
            // A plain copy: only the optimizer was kept from seeing through it.
            InstData::Opaque { arg } => {
                if let Some(v) = res {
                    let dirty = self.dirty.contains(arg);
                    let src = self.get(*arg);
                    let dst = self.tmp();
                    self.push(MInst::Mov {
                        w: Width::W64,
                        dst,
                        src,
                    });
                    self.bind_dirty(v, dst, dirty);
                }
            }
            InstData::Convert { op, arg } => {
                if let Some(v) = res {
                    self.convert(*op, *arg, v)
                }
            }
            InstData::Binary { op, args } => {
                if let Some(v) = res {
                    self.binary(*op, args[0], args[1], v)
                }
            }
            InstData::Icmp { cond, args } => {
                if let Some(v) = res {
                    if self.fused_icmp(v) {
                        return;
                    }
                    self.icmp_value(*cond, args[0], args[1], v)
                }
            }
            InstData::Select { args } => {
                if let Some(v) = res {
                    self.select(args[0], args[1], args[2], v)
                }
            }
            InstData::Load {
                mem,
                ext,
                addr,
                offset,
                ..
            } => {
                if let Some(v) = res {
                    self.load(*mem, *ext, *addr, *offset, v)
                }
            }
            InstData::Store { args, offset, .. } => self.store(args[0], args[1], *offset),
            InstData::Call { op, func, args } => {
                let name = f.func_refs.get(*func).cloned().unwrap_or_default();
                let target = if *op == Opcode::Call {
                    CallTarget::Local(name)
                } else {
                    CallTarget::Extern(name)
                };
                self.call(target, args, res)
            }
            InstData::CallHelper { helper, args } => {
                let id = i32::try_from(*helper).unwrap_or(i32::MAX);
                self.call(CallTarget::Helper(id), args, res)
            }
            InstData::AtomicRmw {
                op,
                fetch,
                addr,
                offset,
                arg,
            } => self.atomic_rmw(*op, *fetch, *addr, *offset, *arg, res),
            InstData::AtomicCas { args, offset } => {
                self.atomic_cas(args[0], *offset, args[1], args[2], res)
            }
            InstData::Memcpy { args, size, align } => self.memcpy(args[0], args[1], *size, *align),
            InstData::Memset {
                dst,
                byte,
                size,
                align,
            } => self.memset(*dst, *byte, *size, *align),
            InstData::Jump { dest } => {
                let target = self.edge_target(dest, false);
                self.terminate(MInst::Jump { target: target.0 }, vec![target.1]);
            }
            InstData::Brif {
                cond,
                then_dest,
                else_dest,
            } => self.brif(*cond, then_dest, else_dest),
            InstData::Return { arg } => {
                let val = arg.map(|a| self.get_canon(a));
                self.push(MInst::Ret { val });
            }
            InstData::Unreachable => {
                // Never executed; still end the path with a valid exit so the verifier,
                // which walks every path it cannot prove dead, sees r0 initialized.
                let val = self.f.sig.ret.map(|ty| self.const_reg(ty, 0));
                self.push(MInst::Ret { val });
            }
        }
    }

    // ---- arithmetic ----------------------------------------------------------------

    fn unary(&mut self, op: Opcode, arg: Value, v: Value) {
        let ty = self.ty(v);
        let w = self.width(ty);
        let in_dirty = self.dirty.contains(&arg);
        let wide_swap = op.bswap_bits().is_some_and(|b| b > ty.bits());
        let a = if wide_swap {
            self.get_canon(arg)
        } else {
            self.get(arg)
        };
        let mut dirty = false;
        let r = match op {
            Opcode::Ineg => {
                let dst = self.tmp();
                self.push(MInst::Neg { w, dst, src: a });
                dirty = true;
                dst
            }
            // The optimizer's `is_constant` pass decides these; one left (a pipeline
            // without it) is a value that was not constant.
            Opcode::IsConstant => self.const_reg(ty, 0),
            Opcode::Bnot => match (ty, w) {
                (Type::I64, _) | (Type::I32, _) => {
                    dirty = true;
                    self.alu(w, AluOp::Xor, a, Src::Imm(-1))
                }
                // Xor with the type's mask keeps a canonical value canonical.
                _ => {
                    dirty = in_dirty;
                    self.alu(w, AluOp::Xor, a, Src::Imm(ty.mask() as i32))
                }
            },
            _ => {
                let bits = op.bswap_bits().unwrap_or(64) as u8;
                // A byte swap is `be` on a little-endian target, `le` on a big-endian one;
                // cpu v4 has the unconditional `bswap`. All zero-extend above `bits`.
                let eop = if self.t.cpu >= CpuVersion::V4 {
                    EndianOp::Bswap
                } else if self.t.big_endian {
                    EndianOp::Le
                } else {
                    EndianOp::Be
                };
                let dst = self.tmp();
                self.push(MInst::Endian {
                    op: eop,
                    bits,
                    dst,
                    src: a,
                });
                if u32::from(bits) > ty.bits() {
                    self.zext(dst, ty)
                } else {
                    dst
                }
            }
        };
        let clean32 = w == Width::W32 && ty == Type::I32;
        self.bind_dirty(v, r, dirty && !clean32);
    }

    fn convert(&mut self, op: Opcode, arg: Value, v: Value) {
        let from = self.ty(arg);
        let to = self.ty(v);
        match op {
            // Canonical values are already zero-extended.
            Opcode::Uextend => {
                let a = self.get_canon(arg);
                self.bind(v, a);
            }
            // Sign extension reads only the low bits: dirty inputs are fine.
            // `sextend(ireduce(x))` where the i64 `x` is already sign-extended from no
            // more bits than the narrow type has (a signed bit-field extraction): `x`.
            Opcode::Sextend if to == Type::I64 && self.sext_source(arg).is_some() => {
                let x = self.sext_source(arg).unwrap_or(arg);
                let a = self.get(x);
                self.bind(v, a);
            }
            // Loaded with MEMSX already (see `sext_loads`).
            Opcode::Sextend if self.sext_loads.contains(&arg) => {
                let a = self.get(arg);
                self.bind(v, a);
            }
            // A value whose sign bit is known clear: sign extension is zero extension.
            Opcode::Sextend if self.known_nonneg(arg) => {
                let a = self.get_canon(arg);
                self.bind(v, a);
            }
            Opcode::Sextend => {
                let a = self.get(arg);
                let r = self.sext(a, from.bits(), to, true);
                self.bind(v, r);
            }
            // Truncation is free: the result is dirty until someone needs it canonical.
            _ => {
                let a = self.get(arg);
                let fits = self.zbits(arg, 0).is_some_and(|k| k <= to.bits());
                let dirty = (to.bits() < from.bits() && !fits) || self.dirty.contains(&arg);
                self.bind_dirty(v, a, dirty);
            }
        }
    }

    /// The immediate form of constant `c` of type `ty` for an ALU op of width `w`, when
    /// the hardware's reading of the imm (sign-extended to 64 bits for ALU64) gives the
    /// canonical (`signed` false) or sign-extended (`signed` true) value.
    fn imm_for(&self, ty: Type, w: Width, c: i64, signed: bool) -> Option<i32> {
        let v = if signed {
            ty.sext(c)
        } else {
            ty.zext(c) as i64
        };
        match w {
            Width::W32 => Some(v as u32 as i32),
            Width::W64 => fits_i32(v),
        }
    }

    fn binary(&mut self, op: Opcode, x: Value, y: Value, v: Value) {
        let ty = self.ty(v);
        let w = self.width(ty);
        let (mut x, mut y) = (x, y);
        if op.is_commutative() && self.iconst(x).is_some() && self.iconst(y).is_none() {
            std::mem::swap(&mut x, &mut y);
        }
        // Fold absorbed inner `iadd y, c1` into this `iadd x, c2` (see `count_uses`).
        if op == Opcode::Iadd
            && ty == Type::I64
            && let Some(c2) = self.iconst(y)
            && self.absorbed.contains(&x)
        {
            let (base, c1) = self.strip_adds(x);
            let r = self.add_const(base, c1.wrapping_add(c2));
            self.bind(v, r);
            return;
        }
        // Signed division, remainder and shift of operands whose sign bits are known
        // clear are the unsigned ones (no sign extension; and no cpu v4 needed for
        // division, as with clang).
        let op = match op {
            Opcode::Sdiv | Opcode::Srem | Opcode::Sshr
                if self.known_nonneg(x) && (op == Opcode::Sshr || self.known_nonneg(y)) =>
            {
                match op {
                    Opcode::Sdiv => Opcode::Udiv,
                    Opcode::Srem => Opcode::Urem,
                    _ => Opcode::Ushr,
                }
            }
            _ => op,
        };
        let signed = matches!(op, Opcode::Sdiv | Opcode::Srem | Opcode::Sshr);
        if matches!(op, Opcode::Sdiv | Opcode::Srem) && self.t.cpu < CpuVersion::V4 {
            self.error(
                codes::E_CPU_FEATURE,
                format!(
                    "signed division or remainder needs -mcpu=v4 (have {})",
                    self.t.cpu.name()
                ),
            );
            return;
        }
        let aop = match op {
            Opcode::Iadd => AluOp::Add,
            Opcode::Isub => AluOp::Sub,
            Opcode::Imul => AluOp::Mul,
            Opcode::Udiv => AluOp::Div,
            Opcode::Sdiv => AluOp::SDiv,
            Opcode::Urem => AluOp::Mod,
            Opcode::Srem => AluOp::SMod,
            Opcode::Band => AluOp::And,
            Opcode::Bor => AluOp::Or,
            Opcode::Bxor => AluOp::Xor,
            Opcode::Ishl => AluOp::Lsh,
            Opcode::Ushr => AluOp::Rsh,
            _ => AluOp::Arsh,
        };
        let op_bits = if w == Width::W32 { 32 } else { 64 };
        let is_shift = matches!(aop, AluOp::Lsh | AluOp::Rsh | AluOp::Arsh);
        // Unsigned division and right shift need zero upper bits; signed operations see
        // operands sign-extended to the operation width (which reads only the low bits).
        let unsigned_op = matches!(aop, AluOp::Div | AluOp::Mod | AluOp::Rsh);
        let mut a = if unsigned_op {
            self.get_canon(x)
        } else {
            self.get(x)
        };
        if signed && ty.bits() < op_bits {
            a = self.sext(
                a,
                ty.bits(),
                if op_bits == 32 { Type::I32 } else { Type::I64 },
                false,
            );
        }
        let rhs = match self.iconst(y) {
            Some(c) if is_shift => {
                // VERIFIER: constant shifts must be below the operation width
                // ("invalid shift"); BPF masks register shift amounts the same way.
                Some(Src::Imm((c & (i64::from(op_bits) - 1)) as i32))
            }
            // Results whose upper bits are garbage anyway (narrow add/sub/mul in the
            // 64-bit ALU) only need the constant's low bits: `x + 0xffffffff` on an i32
            // is `x += -1`, not an `ld_imm64` of the constant. VERIFIER: the sign-extended
            // form also keeps the verifier's range of `x - 1` exact (loop counters).
            Some(c)
                if matches!(aop, AluOp::Add | AluOp::Sub | AluOp::Mul)
                    && ty.bits() < op_bits
                    && self.imm_for(ty, w, c, signed).is_none() =>
            {
                self.imm_for(ty, w, c, true).map(Src::Imm)
            }
            Some(c) => self.imm_for(ty, w, c, signed).map(Src::Imm),
            None => None,
        };
        let rhs = match rhs {
            Some(s) => s,
            None => {
                // Shift amounts: only the low bits count (BPF masks them).
                let mut b = if unsigned_op && !is_shift {
                    self.get_canon(y)
                } else {
                    self.get(y)
                };
                if signed && !is_shift && ty.bits() < op_bits {
                    b = self.sext(
                        b,
                        ty.bits(),
                        if op_bits == 32 { Type::I32 } else { Type::I64 },
                        false,
                    );
                }
                Src::Reg(b)
            }
        };
        let r = self.alu(w, aop, a, rhs);
        // Which results may have bits set above the type's width?
        let dx = self.dirty.contains(&x);
        let dy = matches!(rhs, Src::Reg(_)) && self.dirty.contains(&y);
        // 32-bit ALU results are zero-extended: an i32 computed there is canonical.
        let clean32 = w == Width::W32 && ty == Type::I32;
        let exact = !dx && !dy && self.zbits(v, 0).is_some();
        let dirty = !clean32
            && !exact
            && match aop {
                AluOp::And => dx && dy,
                AluOp::Or | AluOp::Xor => dx || dy,
                AluOp::Div | AluOp::Mod | AluOp::Rsh => false,
                _ => ty.bits() < op_bits,
            };
        self.bind_dirty(v, r, dirty);
    }

    // ---- compares and branches -----------------------------------------------------

    /// True when `v` (an icmp) is used only as conditions of `brif`/`select`, which then
    /// branch on the compare directly.
    fn fused_icmp(&self, v: Value) -> bool {
        self.fused.contains(&v)
    }

    /// Lowers `x cc y` to a jump condition over registers/imm.
    fn compare(&mut self, cc: IntCC, x: Value, y: Value) -> (Width, Cond, Reg, Src) {
        let (mut cc, mut x, mut y) = (cc, x, y);
        if self.iconst(x).is_some() && self.iconst(y).is_none() {
            std::mem::swap(&mut x, &mut y);
            cc = cc.swapped();
        }
        let ty = self.ty(x);
        let signed = matches!(cc, IntCC::Slt | IntCC::Sle | IntCC::Sgt | IntCC::Sge);
        // JMP32 (v3) compares the low halves: i32 values need no extension at all.
        let w = self.width(ty);
        let op_bits = if w == Width::W32 { 32 } else { 64 };
        let ext_to = if op_bits == 32 { Type::I32 } else { Type::I64 };
        // Narrower than the compare: sign-extend (signed) or zero the upper bits.
        let narrow = ty.bits() < op_bits;
        // A narrow operand whose sign bit is known clear compares signed as it is.
        let x_nn = self.known_nonneg(x);
        let mut a = if narrow && (!signed || x_nn) {
            self.get_canon(x)
        } else {
            self.get(x)
        };
        if signed && narrow && !x_nn {
            a = self.sext(a, ty.bits(), ext_to, false);
        }
        let rhs = match self.iconst(y).and_then(|c| self.imm_for(ty, w, c, signed)) {
            Some(i) => Src::Imm(i),
            None => {
                let y_nn = self.known_nonneg(y);
                let mut b = if narrow && (!signed || y_nn) {
                    self.get_canon(y)
                } else {
                    self.get(y)
                };
                if signed && narrow && !y_nn {
                    b = self.sext(b, ty.bits(), ext_to, false);
                }
                Src::Reg(b)
            }
        };
        let cond = match cc {
            IntCC::Eq => Cond::Eq,
            IntCC::Ne => Cond::Ne,
            IntCC::Ult => Cond::Lt,
            IntCC::Ule => Cond::Le,
            IntCC::Ugt => Cond::Gt,
            IntCC::Uge => Cond::Ge,
            IntCC::Slt => Cond::SLt,
            IntCC::Sle => Cond::SLe,
            IntCC::Sgt => Cond::SGt,
            IntCC::Sge => Cond::SGe,
        };
        (w, cond, a, rhs)
    }

    /// The jump condition for branching on value `c` (fused icmp or `c != 0`).
    fn condition(&mut self, c: Value) -> (Width, Cond, Reg, Src) {
        if let Some(InstData::Icmp { cond, args }) = self.def_inst(c)
            && self.fused_icmp(c)
        {
            return self.compare(*cond, args[0], args[1]);
        }
        let ty = self.ty(c);
        let w = self.width(ty);
        let full = ty == Type::I64 || (ty == Type::I32 && w == Width::W32);
        let r = if full { self.get(c) } else { self.get_canon(c) };
        (w, Cond::Ne, r, Src::Imm(0))
    }

    /// Pushes `if lhs cond rhs goto taken else not_taken`, legal for the cpu: v1 has no
    /// `<`/`<=` jumps, so swap register operands or invert the test.
    fn branch(
        &mut self,
        br: (Width, Cond, Reg, Src),
        taken: BlockIdx,
        not_taken: BlockIdx,
        args: Vec<Vec<regalloc2::VReg>>,
    ) {
        let (w, mut cond, mut lhs, mut rhs) = br;
        let (mut taken, mut not_taken, mut args) = (taken, not_taken, args);
        if self.t.cpu < CpuVersion::V2 && cond.needs_v2() {
            match rhs {
                Src::Reg(r) => {
                    rhs = Src::Reg(lhs);
                    lhs = r;
                    cond = cond.swap();
                }
                Src::Imm(_) => {
                    cond = cond.invert().unwrap_or(cond);
                    std::mem::swap(&mut taken, &mut not_taken);
                    args.reverse();
                }
            }
        }
        self.terminate(
            MInst::Br {
                w,
                cond,
                lhs,
                rhs,
                taken,
                not_taken,
            },
            args,
        );
    }

    fn terminate(&mut self, term: MInst, args: Vec<Vec<regalloc2::VReg>>) {
        self.push(term);
        if let Some(b) = self.code.blocks.get_mut(self.cur as usize) {
            b.succ_args = args;
        }
    }

    /// The VCode block an edge goes to, and the arguments the branch passes. When
    /// `split` (a two-way branch) and the target has several predecessors, a new block
    /// carries the arguments: regalloc2 wants no critical edges.
    fn edge_target(&mut self, dest: &BlockCall, split: bool) -> (BlockIdx, Vec<regalloc2::VReg>) {
        let target = self.vblock.get(&dest.block).copied().unwrap_or(0);
        let many_preds = self.preds.get(&dest.block).copied().unwrap_or(0) > 1;
        if split && many_preds {
            let from = self.cur;
            let s = self.new_block();
            self.switch_to(s);
            let args = self.block_args(&dest.args);
            self.terminate(MInst::Jump { target }, vec![args]);
            self.switch_to(from);
            (s, Vec::new())
        } else {
            let args = self.block_args(&dest.args);
            (target, args)
        }
    }

    fn block_args(&mut self, args: &[Value]) -> Vec<regalloc2::VReg> {
        args.iter()
            .filter_map(|&a| Self::vreg(self.get_canon(a)))
            .collect()
    }

    fn brif(&mut self, c: Value, then_dest: &BlockCall, else_dest: &BlockCall) {
        let br = self.condition(c);
        // Arguments are materialized in their own blocks (split) or here, before the
        // branch; both are after the compare's operands are computed.
        let (t, targs) = self.edge_target(then_dest, true);
        let (e, eargs) = self.edge_target(else_dest, true);
        self.branch(br, t, e, vec![targs, eargs]);
    }

    /// `dst = cond ? t : f` as one `Select` (a jump over one move after allocation).
    fn select_inst(&mut self, br: (Width, Cond, Reg, Src), t: Reg, f: Src, ty: Type) -> Reg {
        let (w, cond, lhs, mut rhs) = br;
        if self.t.cpu < CpuVersion::V2
            && cond.needs_v2()
            && let Src::Imm(i) = rhs
        {
            // v1 has no `<`/`<=` jumps: compare against a register, then swap operands.
            let r = self.tmp();
            self.push(MInst::MovImm {
                w: Width::W64,
                dst: r,
                imm: i,
            });
            rhs = Src::Reg(r);
        }
        let fw = self.width(ty);
        let dst = self.tmp();
        self.push(MInst::Select {
            w,
            cond,
            lhs,
            rhs,
            t,
            f,
            fw,
            dst,
        });
        dst
    }

    /// On cpu v1, which has no `<`/`<=` jumps, the inverted condition (`>=`/`>`) of a
    /// compare against an immediate: `c ? t : f` is `!c ? f : t`, and the immediate then
    /// needs no register of its own (`select_inst`'s way for a condition kept as is).
    fn v1_inverted(&self, cond: Cond, rhs: Src) -> Option<Cond> {
        let v1_imm = self.t.cpu < CpuVersion::V2 && matches!(rhs, Src::Imm(_));
        if v1_imm && cond.needs_v2() {
            cond.invert()
        } else {
            None
        }
    }

    fn icmp_value(&mut self, cc: IntCC, x: Value, y: Value, v: Value) {
        let mut br = self.compare(cc, x, y);
        let (t, f) = match self.v1_inverted(br.1, br.3) {
            Some(inv) => {
                br.1 = inv;
                (0, 1)
            }
            None => (1, 0),
        };
        let t = self.const_reg(Type::I32, t);
        let r = self.select_inst(br, t, Src::Imm(f), Type::I32);
        self.bind(v, r);
    }

    fn select(&mut self, c: Value, mut x: Value, mut y: Value, v: Value) {
        let mut br = self.condition(c);
        // The constant arm becomes the immediate one.
        if self.iconst(x).is_some()
            && let Some(inv) = self.v1_inverted(br.1, br.3)
        {
            br.1 = inv;
            (x, y) = (y, x);
        }
        let ty = self.ty(v);
        let tv = self.get_canon(x);
        let f = match self.iconst(y) {
            Some(k) if ty != Type::I64 && self.alu32() => Src::Imm(ty.zext(k) as u32 as i32),
            Some(k) if fits_i32(ty.zext(k) as i64).is_some() => Src::Imm(ty.zext(k) as i32),
            _ => Src::Reg(self.get_canon(y)),
        };
        let r = self.select_inst(br, tv, f, ty);
        self.bind(v, r);
    }

    // ---- memory --------------------------------------------------------------------

    fn load(&mut self, mem: Type, ext: Ext, addr: Value, off: i16, v: Value) {
        let ty = self.ty(v);
        let size = MemSize::from_bytes(mem.bytes()).unwrap_or(MemSize::DW);
        let (base, off, core) = match self.core_access(addr, off) {
            Some((b, o, c)) => (b, o, Some(c)),
            None => {
                let (b, o) = self.addr(addr, off);
                (b, o, None)
            }
        };
        let dst = self.tmp();
        if self.sext_loads.contains(&v) {
            // Sign-extended to 64 bits for the `sextend`s that use it: dirty as a value
            // of its own type (uses that need it canonical zero-extend a copy).
            self.push(MInst::Load {
                size,
                signed: true,
                dst,
                base,
                off,
                core,
            });
            self.bind_dirty(v, dst, true);
            return;
        }
        let sign = ext == Ext::Sign && mem.bits() < ty.bits();
        if sign && self.t.cpu >= CpuVersion::V4 {
            // MEMSX sign-extends to 64 bits; re-canonicalize narrower results.
            self.push(MInst::Load {
                size,
                signed: true,
                dst,
                base,
                off,
                core,
            });
            let r = if ty == Type::I64 {
                dst
            } else {
                self.zext(dst, ty)
            };
            self.bind(v, r);
            return;
        }
        // Plain loads zero-extend: canonical for any result type.
        self.push(MInst::Load {
            size,
            signed: false,
            dst,
            base,
            off,
            core,
        });
        let r = if sign {
            self.sext(dst, mem.bits(), ty, true)
        } else {
            dst
        };
        self.bind(v, r);
    }

    fn store(&mut self, val: Value, addr: Value, off: i16) {
        let ty = self.ty(val);
        let size = MemSize::from_bytes(ty.bytes()).unwrap_or(MemSize::DW);
        let global = matches!(
            self.fold_addr(addr, i64::from(off), 0),
            Some((AddrBase::Global(_), _))
        );
        let (base, off, core) = match self.core_access(addr, off) {
            Some((b, o, c)) => (b, o, Some(c)),
            None => {
                let (b, o) = self.addr(addr, off);
                (b, o, None)
            }
        };
        // VERIFIER: immediate stores (BPF_ST) are only used on the stack and in globals
        // (map values); the verifier refuses BPF_ST into the context ("BPF_ST stores
        // into R1 ctx is not allowed"), and any other pointer might be the context.
        let imm = match (base, self.iconst(val)) {
            (Base::Fp, Some(c)) | (Base::Reg(_), Some(c)) if global || base == Base::Fp => {
                match size {
                    MemSize::DW => fits_i32(c),
                    _ => Some(ty.zext(c) as u32 as i32),
                }
            }
            _ => None,
        };
        let src = match imm {
            Some(i) => Src::Imm(i),
            None => Src::Reg(self.get(val)),
        };
        self.push(MInst::Store {
            size,
            base,
            off,
            src,
            core,
        });
    }

    fn mem_base(&mut self, addr: Value, off: i16) -> (Reg, i16) {
        match self.addr(addr, off) {
            (Base::Reg(r), o) => (r, o),
            (Base::Fp, o) => {
                let dst = self.tmp();
                self.push(MInst::FrameAddr { dst, off: 0 });
                (dst, o)
            }
        }
    }

    fn atomic_rmw(
        &mut self,
        op: IrAtomic,
        fetch: bool,
        addr: Value,
        off: i16,
        arg: Value,
        res: Option<Value>,
    ) {
        let ty = self.ty(arg);
        let w = match ty {
            Type::I64 => Width::W64,
            Type::I32 => Width::W32,
            _ => {
                self.error(
                    codes::E_CODEGEN_UNSUPPORTED,
                    format!("atomic operation on {ty}: BPF atomics are 32 or 64 bits"),
                );
                return;
            }
        };
        let op = match op {
            IrAtomic::Add => AtomicOp::Add,
            IrAtomic::Or => AtomicOp::Or,
            IrAtomic::And => AtomicOp::And,
            IrAtomic::Xor => AtomicOp::Xor,
            IrAtomic::Xchg => AtomicOp::Xchg,
        };
        let used = res.is_some_and(|v| self.uses.get(&v).copied().unwrap_or(0) > 0);
        let fetch = fetch && used || op == AtomicOp::Xchg;
        // Below v3, as in clang-19: every 64-bit atomic, but of the 32-bit ones
        // (which take `w` registers, ALU32) only `lock +=` without its result.
        if w == Width::W32 && (fetch || op != AtomicOp::Add) && self.t.cpu < CpuVersion::V3 {
            self.error(
                codes::E_CPU_FEATURE,
                format!(
                    "this 32-bit atomic operation needs -mcpu=v3 (have {}); its 64-bit form works on every version",
                    self.t.cpu.name()
                ),
            );
            return;
        }
        let (base, off) = self.mem_base(addr, off);
        let val = self.get_canon(arg);
        let dst = if fetch { Some(self.tmp()) } else { None };
        self.push(MInst::Atomic {
            w,
            op,
            fetch,
            base,
            off,
            val,
            dst,
        });
        if let (Some(v), Some(d)) = (res, dst) {
            self.bind(v, d);
        }
    }

    fn atomic_cas(
        &mut self,
        addr: Value,
        off: i16,
        expected: Value,
        new: Value,
        res: Option<Value>,
    ) {
        let ty = self.ty(new);
        let w = match ty {
            Type::I64 => Width::W64,
            Type::I32 => Width::W32,
            _ => {
                self.error(
                    codes::E_CODEGEN_UNSUPPORTED,
                    format!("cmpxchg on {ty}: BPF atomics are 32 or 64 bits"),
                );
                return;
            }
        };
        if w == Width::W32 && self.t.cpu < CpuVersion::V3 {
            self.error(
                codes::E_CPU_FEATURE,
                format!(
                    "a 32-bit compare-and-swap needs -mcpu=v3 (have {}); its 64-bit form works on every version",
                    self.t.cpu.name()
                ),
            );
            return;
        }
        let (base, off) = self.mem_base(addr, off);
        let e = self.get_canon(expected);
        let n = self.get_canon(new);
        let dst = self.tmp();
        self.push(MInst::Cmpxchg {
            w,
            base,
            off,
            expected: e,
            new: n,
            dst,
        });
        if let Some(v) = res {
            self.bind(v, dst);
        }
    }

    /// Chunks for a copy or fill of `size` bytes aligned to `align`.
    fn chunks(size: u32, align: u32) -> Vec<(u32, MemSize)> {
        let mut out = Vec::new();
        let mut at = 0u32;
        let max = align.clamp(1, 8);
        while at < size {
            let mut n = 8;
            while n > 1 && (n > max || at + n > size) {
                n /= 2;
            }
            out.push((at, MemSize::from_bytes(n).unwrap_or(MemSize::B)));
            at += n;
        }
        out
    }

    fn mem_at(&mut self, v: Value, extra: u32) -> Option<(Base, i16)> {
        let o = fits_i16(i64::from(extra))?;
        Some(self.addr(v, o))
    }

    fn memcpy(&mut self, dst: Value, src: Value, size: u32, align: u32) {
        for (at, sz) in Self::chunks(size, align) {
            let (Some((sb, so)), Some((db, doff))) = (self.mem_at(src, at), self.mem_at(dst, at))
            else {
                self.error(
                    codes::E_OFFSET_RANGE,
                    format!("memcpy of {size} bytes exceeds the 16-bit offset"),
                );
                return;
            };
            let t = self.tmp();
            self.push(MInst::Load {
                size: sz,
                signed: false,
                dst: t,
                base: sb,
                off: so,
                core: None,
            });
            self.push(MInst::Store {
                size: sz,
                base: db,
                off: doff,
                src: Src::Reg(t),
                core: None,
            });
        }
    }

    fn memset(&mut self, dst: Value, byte: u8, size: u32, align: u32) {
        let mut regs: HashMap<u32, Reg> = HashMap::new();
        for (at, sz) in Self::chunks(size, align) {
            let Some((db, doff)) = self.mem_at(dst, at) else {
                self.error(
                    codes::E_OFFSET_RANGE,
                    format!("memset of {size} bytes exceeds the 16-bit offset"),
                );
                return;
            };
            let n = sz.bytes();
            let pattern = u64::from_ne_bytes([byte; 8]) >> (64 - 8 * n);
            // VERIFIER: immediate stores only on the stack (see `store`).
            let imm = match db {
                Base::Fp if n < 8 => Some(pattern as u32 as i32),
                Base::Fp => fits_i32(pattern as i64),
                _ => None,
            };
            let src = match imm {
                Some(i) => Src::Imm(i),
                None => {
                    let r = match regs.get(&n) {
                        Some(r) => *r,
                        None => {
                            let ty = Type::from_bytes(u64::from(n)).unwrap_or(Type::I64);
                            let r = self.const_reg(ty, pattern as i64);
                            regs.insert(n, r);
                            r
                        }
                    };
                    Src::Reg(r)
                }
            };
            self.push(MInst::Store {
                size: sz,
                base: db,
                off: doff,
                src,
                core: None,
            });
        }
    }

    // ---- calls ---------------------------------------------------------------------

    fn call(&mut self, target: CallTarget, args: &[Value], res: Option<Value>) {
        if args.len() > 5 {
            self.error(
                codes::E_TOO_MANY_ARGS,
                format!(
                    "a call with {} arguments (BPF passes at most 5, in r1-r5)",
                    args.len()
                ),
            );
            return;
        }
        let regs: Vec<Reg> = args.iter().map(|&a| self.get_canon(a)).collect();
        let ret = res.map(|_| self.tmp());
        let local = matches!(target, CallTarget::Local(_));
        self.push(MInst::Call {
            target,
            args: regs,
            ret,
        });
        if let (Some(v), Some(r)) = (res, ret) {
            // Our own functions return canonical values; helpers and kfuncs returning
            // narrow C types may leave the upper bits set (e.g. negative errors).
            self.bind_dirty(v, r, !local);
        }
    }

    // ---- layout --------------------------------------------------------------------

    /// Renumbers blocks into layout order (IR layout, each IR block followed by the
    /// blocks made while selecting it), which regalloc2's loop heuristics assume.
    fn finish(mut self) -> VCode {
        let mut order: Vec<BlockIdx> = Vec::new();
        for &b in self.f.layout.blocks() {
            if let Some(chain) = self.chains.get(&b) {
                order.extend(chain.iter().copied());
            }
        }
        let mut new_idx = vec![u32::MAX; self.code.blocks.len()];
        for (i, &b) in order.iter().enumerate() {
            if let Some(slot) = new_idx.get_mut(b as usize) {
                *slot = i as u32;
            }
        }
        let map = |b: &mut BlockIdx| {
            if let Some(&n) = new_idx.get(*b as usize) {
                *b = n;
            }
        };
        let mut old = std::mem::take(&mut self.code.blocks);
        let mut blocks = Vec::with_capacity(order.len());
        for &b in &order {
            let mut blk = std::mem::take(&mut old[b as usize]);
            for i in &mut blk.insts {
                match i {
                    MInst::Jump { target } => map(target),
                    MInst::Br {
                        taken, not_taken, ..
                    } => {
                        map(taken);
                        map(not_taken);
                    }
                    _ => {}
                }
            }
            blocks.push(blk);
        }
        self.code.blocks = blocks;
        self.code
    }
}

#[cfg(test)]
mod tests {
    use super::{Isel, Target};
    use crate::frame::Frame;
    use asm::isa::CpuVersion;

    /// After selecting every function of the IR test inputs (which fills the memo as
    /// selection asks), every remembered answer is what `zbits` says without a memo.
    #[test]
    fn zbits_memo_answers_as_recomputing() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ir");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ir"))
            .collect();
        files.sort();
        let mut known = 0;
        for p in &files {
            let text = std::fs::read_to_string(p).unwrap();
            let m = ir::text::parser::parse_module(&text, diag::FileId(0)).unwrap();
            for f in &m.functions {
                let slots: Vec<(u32, u32)> =
                    f.stack_slots.values().map(|s| (s.size, s.align)).collect();
                let frame = Frame::layout(&slots);
                for cpu in [CpuVersion::V1, CpuVersion::V3] {
                    let t = Target {
                        cpu,
                        big_endian: false,
                    };
                    let mut s = Isel::new(f, t, &frame);
                    s.run();
                    let memo = s.incoming.zmemo.entries();
                    known += memo.len();
                    s.incoming.zmemo.off.set(true);
                    for ((v, d), z) in memo {
                        assert_eq!(z, s.zbits(v, d), "{}: {v} at depth {d}", p.display());
                    }
                }
            }
        }
        assert!(known > 0, "selection never asked zbits");
    }
}
