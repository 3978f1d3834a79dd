//! Lowering of typed expressions: rvalues to SSA values, lvalues to places, bit-field
//! access by shift and mask, short-circuit conditions straight into branches.
//!
//! Invariants:
//! - An rvalue of aggregate type (struct, union, array) is represented by its address.
//! - Memory offsets outside BPF's 16-bit `off` are folded into the address first.
//! - Conditions of `if`/loops/`&&`/`||`/`?:` become `icmp` + `brif` on the compared
//!   values themselves: the verifier learns bounds and non-null-ness from the compare
//!   on the register that is then used, so no 0/1 value is materialized in between.
//! - A bit-field is read by loading its storage unit (the member's declared type at the
//!   unit-aligned offset), shifting and masking; when that unit would straddle the end
//!   of the record or the field straddles units (packed records) the bytes are loaded
//!   one at a time instead, so no access leaves the object (the verifier checks bounds).

use super::func::{FnLower, Storage, is_signed, scalar_ty};
use super::order::Event;
use crate::sema::tast::{
    AtomicOp, BinOp, Builtin, Callee, CastKind, CmpOp, Expr, ExprKind, Init, InitValue, LocalId,
    UnOp,
};
use crate::types::QualType;
use ir::{Block, Ext, IntCC, MemFlags, Opcode, Type, Value};

/// A bit-field inside a storage unit at a place's address.
#[derive(Clone, Copy, Debug)]
pub(super) struct BitField {
    /// Bytes of the storage unit.
    pub unit_bytes: u32,
    /// Load the unit byte by byte (it is not a naturally placed unit).
    pub bytewise: bool,
    pub shift: u32,
    pub width: u32,
    pub signed: bool,
}

/// Something that can be read and written.
#[derive(Clone, Copy, Debug)]
pub(super) enum Place {
    Var(LocalId),
    Mem {
        addr: Value,
        off: i64,
        volatile: bool,
        bits: Option<BitField>,
        /// Known alignment of `addr + off` in bytes (1 in packed records): accesses
        /// wider than it are split into byte accesses, because the verifier rejects
        /// misaligned stack and map accesses.
        align: u64,
    },
}

fn cc(op: CmpOp, signed: bool) -> IntCC {
    match (op, signed) {
        (CmpOp::Eq, _) => IntCC::Eq,
        (CmpOp::Ne, _) => IntCC::Ne,
        (CmpOp::Lt, true) => IntCC::Slt,
        (CmpOp::Le, true) => IntCC::Sle,
        (CmpOp::Gt, true) => IntCC::Sgt,
        (CmpOp::Ge, true) => IntCC::Sge,
        (CmpOp::Lt, false) => IntCC::Ult,
        (CmpOp::Le, false) => IntCC::Ule,
        (CmpOp::Gt, false) => IntCC::Ugt,
        (CmpOp::Ge, false) => IntCC::Uge,
    }
}

fn bin_opcode(op: BinOp, signed: bool) -> Opcode {
    match op {
        BinOp::Add => Opcode::Iadd,
        BinOp::Sub => Opcode::Isub,
        BinOp::Mul => Opcode::Imul,
        BinOp::Div if signed => Opcode::Sdiv,
        BinOp::Div => Opcode::Udiv,
        BinOp::Rem if signed => Opcode::Srem,
        BinOp::Rem => Opcode::Urem,
        BinOp::And => Opcode::Band,
        BinOp::Or => Opcode::Bor,
        BinOp::Xor => Opcode::Bxor,
        BinOp::Shl => Opcode::Ishl,
        BinOp::Shr if signed => Opcode::Sshr,
        BinOp::Shr => Opcode::Ushr,
    }
}

fn atomic_op(op: AtomicOp) -> ir::AtomicOp {
    match op {
        AtomicOp::Add => ir::AtomicOp::Add,
        AtomicOp::Or => ir::AtomicOp::Or,
        AtomicOp::And => ir::AtomicOp::And,
        AtomicOp::Xor => ir::AtomicOp::Xor,
        AtomicOp::Xchg => ir::AtomicOp::Xchg,
    }
}

impl FnLower<'_, '_> {
    fn ty(&self, qt: QualType) -> Type {
        scalar_ty(self.tt(), qt)
    }

    fn vty(&self, v: Value) -> Type {
        self.b.func.dfg.value_type(v)
    }

    /// Converts an integer value to `to` by width: extend by `signed`, or truncate.
    pub fn resize(&mut self, v: Value, to: Type, signed: bool) -> Value {
        let from = self.vty(v);
        if from == to {
            v
        } else if from.bits() < to.bits() {
            if signed {
                self.b.sextend(to, v)
            } else {
                self.b.uextend(to, v)
            }
        } else {
            self.b.ireduce(to, v)
        }
    }

    /// C conversion of a scalar value from type `from` to type `to`.
    pub fn convert(&mut self, v: Value, from: QualType, to: QualType) -> Value {
        if self.tt().is_bool(to) && !self.tt().is_bool(from) {
            let t = self.vty(v);
            let z = self.b.iconst(t, 0);
            let c = self.b.icmp(IntCC::Ne, v, z);
            return self.b.ireduce(Type::I8, c);
        }
        let to_ty = self.ty(to);
        let signed = is_signed(self.tt(), from);
        self.resize(v, to_ty, signed)
    }

    /// The value of an expression; a zero for `void` (never used).
    pub fn value(&mut self, e: &Expr) -> Value {
        match self.rvalue(e) {
            Some(v) => v,
            None => self.b.iconst(Type::I64, 0),
        }
    }

    /// Lowers an expression for its value (`None` for `void`).
    pub fn rvalue(&mut self, e: &Expr) -> Option<Value> {
        self.at(e.span);
        let tt = &self.prog.types;
        let is_agg = tt.is_aggregate(e.ty);
        Some(match &e.kind {
            ExprKind::Int(v) => {
                let t = self.ty(e.ty);
                self.b.iconst(t, *v as i64)
            }
            ExprKind::Func(f) => {
                self.events.push(Event::Func(*f));
                let name = self.prog.func(*f).name.clone();
                let r = self.b.func.import_func(&name);
                self.b.func_addr(r)
            }
            ExprKind::Local(_)
            | ExprKind::Global(_)
            | ExprKind::Deref(_)
            | ExprKind::Member { .. }
            | ExprKind::CompoundLit(..) => self.addr_of(e),
            ExprKind::Load(lv) => {
                if is_agg {
                    self.addr_of(lv)
                } else {
                    let p = self.lvalue(lv);
                    self.load_place(p, lv.ty)
                }
            }
            ExprKind::Decay(inner) | ExprKind::AddrOf(inner) => {
                if let ExprKind::Func(_) = inner.kind {
                    return self.rvalue(inner);
                }
                self.addr_of(inner)
            }
            ExprKind::Cast(kind, inner) => match kind {
                CastKind::ToVoid => {
                    self.rvalue(inner);
                    return None;
                }
                CastKind::ToBool => {
                    let v = self.value(inner);
                    let t = self.vty(v);
                    let z = self.b.iconst(t, 0);
                    let c = self.b.icmp(IntCC::Ne, v, z);
                    self.b.ireduce(Type::I8, c)
                }
                CastKind::Int | CastKind::NoOp => {
                    let v = self.value(inner);
                    self.at(e.span);
                    if self.tt().is_aggregate(e.ty) {
                        v
                    } else {
                        self.convert(v, inner.ty, e.ty)
                    }
                }
            },
            ExprKind::Unary(op, a) => {
                let v = self.value(a);
                self.at(e.span);
                match op {
                    UnOp::Neg => self.b.ineg(v),
                    UnOp::BitNot => self.b.bnot(v),
                    UnOp::LogNot => {
                        let t = self.vty(v);
                        let z = self.b.iconst(t, 0);
                        self.b.icmp(IntCC::Eq, v, z)
                    }
                }
            }
            ExprKind::Binary(op, a, b) => {
                let x = self.value(a);
                let y = self.value(b);
                self.at(e.span);
                let signed = is_signed(self.tt(), e.ty);
                let t = self.vty(x);
                let y = if matches!(op, BinOp::Shl | BinOp::Shr) {
                    self.resize(y, t, false)
                } else {
                    let bs = is_signed(self.tt(), b.ty);
                    self.resize(y, t, bs)
                };
                self.b.binary(bin_opcode(*op, signed), x, y)
            }
            ExprKind::Cmp(op, a, b) => {
                let x = self.value(a);
                let y = self.value(b);
                self.at(e.span);
                let t = self.vty(x);
                let bs = is_signed(self.tt(), b.ty);
                let y = self.resize(y, t, bs);
                let signed = is_signed(self.tt(), a.ty);
                self.b.icmp(cc(*op, signed), x, y)
            }
            ExprKind::PtrAdd {
                ptr,
                idx,
                elem_size,
            } => {
                let p = self.value(ptr);
                let i = self.value(idx);
                self.at(e.span);
                let s = is_signed(self.tt(), idx.ty);
                let i = self.resize(i, Type::I64, s);
                let scaled = self.scale(i, *elem_size);
                self.b.iadd(p, scaled)
            }
            ExprKind::PtrDiff {
                lhs,
                rhs,
                elem_size,
            } => {
                let a = self.value(lhs);
                let c = self.value(rhs);
                let d = self.b.isub(a, c);
                self.exact_div(d, *elem_size)
            }
            ExprKind::LogAnd(..) | ExprKind::LogOr(..) => {
                let merge = self.b.create_block();
                let res = self.b.append_block_param(merge, Type::I32);
                let tb = self.b.create_block();
                let fb = self.b.create_block();
                self.cond_branch(e, tb, fb);
                for (blk, val) in [(tb, 1), (fb, 0)] {
                    self.b.seal_block(blk);
                    self.b.switch_to_block(blk);
                    let c = self.b.iconst(Type::I32, val);
                    self.b.jump(merge, vec![c]);
                }
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
                res
            }
            ExprKind::Cond(c, x, y) => {
                let void = self.tt().is_void(e.ty);
                let t = self.ty(e.ty);
                let merge = self.b.create_block();
                let res = (!void).then(|| self.b.append_block_param(merge, t));
                let tb = self.b.create_block();
                let fb = self.b.create_block();
                self.cond_branch(c, tb, fb);
                for (blk, arm) in [(tb, x), (fb, y)] {
                    self.b.seal_block(blk);
                    self.b.switch_to_block(blk);
                    let v = self.rvalue(arm);
                    let args = match (res, v) {
                        (Some(_), Some(v)) => {
                            let s = is_signed(self.tt(), arm.ty);
                            vec![self.resize(v, t, s)]
                        }
                        (Some(_), None) => vec![self.b.iconst(t, 0)],
                        _ => vec![],
                    };
                    self.b.jump(merge, args);
                }
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
                return res;
            }
            ExprKind::BinaryCond(c, y) => {
                // As clang's BinaryConditionalOperator: `c` once, tested where it is.
                let t = self.ty(e.ty);
                let v = self.value(c);
                let merge = self.b.create_block();
                let res = self.b.append_block_param(merge, t);
                let tb = self.b.create_block();
                let fb = self.b.create_block();
                self.at(c.span);
                self.b.brif(v, tb, vec![], fb, vec![]);
                self.b.seal_block(tb);
                self.b.switch_to_block(tb);
                let x = self.convert(v, c.ty, e.ty);
                self.b.jump(merge, vec![x]);
                self.b.seal_block(fb);
                self.b.switch_to_block(fb);
                let w = self.value(y);
                let s = is_signed(self.tt(), y.ty);
                let w = self.resize(w, t, s);
                self.b.jump(merge, vec![w]);
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
                return Some(res);
            }
            ExprKind::Comma(a, b) => {
                self.rvalue(a);
                return self.rvalue(b);
            }
            ExprKind::Assign(l, r) => {
                if is_agg {
                    let dst = self.addr_of(l);
                    let src = self.value(r);
                    self.copy_agg(dst, src, l.ty);
                    dst
                } else {
                    let v = self.value(r);
                    let p = self.lvalue(l);
                    self.at(e.span);
                    self.store_place(p, l.ty, v);
                    v
                }
            }
            ExprKind::CompoundAssign {
                op,
                lhs,
                rhs,
                op_ty,
                ptr_elem,
            } => {
                let p = self.lvalue(lhs);
                let old = self.load_place(p, lhs.ty);
                let r = self.value(rhs);
                let new = if let Some(sz) = ptr_elem {
                    let s = is_signed(self.tt(), rhs.ty);
                    let i = self.resize(r, Type::I64, s);
                    let scaled = self.scale(i, *sz);
                    if *op == BinOp::Sub {
                        self.b.isub(old, scaled)
                    } else {
                        self.b.iadd(old, scaled)
                    }
                } else {
                    let o = self.convert(old, lhs.ty, *op_ty);
                    let t = self.vty(o);
                    let rs = is_signed(self.tt(), rhs.ty);
                    let r = if matches!(op, BinOp::Shl | BinOp::Shr) {
                        self.resize(r, t, false)
                    } else {
                        self.resize(r, t, rs)
                    };
                    let signed = is_signed(self.tt(), *op_ty);
                    let res = self.b.binary(bin_opcode(*op, signed), o, r);
                    self.convert(res, *op_ty, lhs.ty)
                };
                self.at(e.span);
                self.store_place(p, lhs.ty, new);
                new
            }
            ExprKind::IncDec { lhs, delta, post } => {
                let p = self.lvalue(lhs);
                let old = self.load_place(p, lhs.ty);
                let t = self.vty(old);
                let new = if self.tt().is_bool(lhs.ty) {
                    if *delta > 0 {
                        self.b.iconst(Type::I8, 1)
                    } else {
                        let z = self.b.iconst(t, 0);
                        let c = self.b.icmp(IntCC::Eq, old, z);
                        self.b.ireduce(Type::I8, c)
                    }
                } else {
                    let d = self.b.iconst(t, *delta);
                    self.b.iadd(old, d)
                };
                self.store_place(p, lhs.ty, new);
                if *post { old } else { new }
            }
            ExprKind::Call { callee, args } => {
                // clang names the callee before it evaluates the arguments.
                if let Callee::Direct(f) = callee {
                    self.events.push(Event::Func(*f));
                }
                // Aggregate arguments and results: `byvalue.rs`.
                let (vals, sret) = self.call_args(callee, args, e.ty);
                self.at(e.span);
                let ret = (!self.tt().is_void(e.ty) && sret.is_none()).then(|| self.ty(e.ty));
                let r = match callee {
                    Callee::Helper(n) => {
                        self.b
                            .call_helper(u32::try_from(*n).unwrap_or(0), vals, ret)
                    }
                    Callee::Direct(f) => {
                        let callee = self.prog.func(*f);
                        let fr = self.b.func.import_func(&callee.name);
                        if callee.body.is_none() && callee.section.as_deref() == Some(".ksyms") {
                            self.b.call_extern(fr, vals, ret)
                        } else {
                            self.b.call(fr, vals, ret)
                        }
                    }
                };
                return sret.or(r);
            }
            ExprKind::Builtin(bi, args) => return self.builtin(e, bi, args),
            ExprKind::CoreConst(q) => {
                let t = self.ty(e.ty);
                self.core_const(t, q)
            }
            ExprKind::CoreFieldAddr { base, core } => {
                let b = self.value(base);
                self.at(e.span);
                let off = self.core_const(Type::I64, core);
                self.b.iadd(b, off)
            }
            ExprKind::StmtExpr(stmts, v) => {
                for s in stmts {
                    self.stmt(s);
                }
                return match v {
                    Some(v) => self.rvalue(v),
                    None => None,
                };
            }
        })
    }

    /// `d / size` for a `d` known to be a multiple of `size` (pointer difference):
    /// an arithmetic shift by the power-of-two part, then a multiplication by the
    /// inverse of the odd part modulo 2^64. No signed division instruction is needed
    /// (BPF has one only from cpu v4).
    fn exact_div(&mut self, d: Value, size: u64) -> Value {
        if size <= 1 {
            return d;
        }
        let tz = size.trailing_zeros();
        let odd = size >> tz;
        let mut v = d;
        if tz > 0 {
            let s = self.b.iconst(Type::I64, i64::from(tz));
            v = self.b.binary(Opcode::Sshr, v, s);
        }
        if odd > 1 {
            // Newton's iteration: each step doubles the number of correct low bits.
            let mut inv: u64 = odd;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inv)));
            }
            let k = self.b.iconst(Type::I64, inv as i64);
            v = self.b.imul(v, k);
        }
        v
    }

    /// An `iconst` carrying a CO-RE relocation (never folded by the passes).
    fn core_const(&mut self, t: Type, q: &crate::sema::tast::CoreQuery) -> Value {
        let v = self.b.iconst(t, q.value as i64);
        let ty = self.dbg.get(&self.prog.types, self.dtypes, q.root);
        let kind = ir::core::CoreRelocKind::ALL
            .get(q.kind as usize)
            .copied()
            .unwrap_or(ir::core::CoreRelocKind::FieldByteOffset);
        let access: Vec<String> = q.access.iter().map(|a| a.to_string()).collect();
        if let ir::ValueDef::Result(inst) = self.b.func.dfg.value_def(v) {
            self.b.func.core_relocs.insert(
                inst,
                ir::core::CoreReloc {
                    kind,
                    ty,
                    access: access.join(":"),
                },
            );
        }
        v
    }

    fn scale(&mut self, i: Value, size: u64) -> Value {
        if size == 1 {
            i
        } else {
            let s = self.b.iconst(Type::I64, size as i64);
            self.b.imul(i, s)
        }
    }

    /// Copies an aggregate of type `qt` from `src` to `dst`.
    pub fn copy_agg(&mut self, dst: Value, src: Value, qt: QualType) {
        let size = self.tt().size_of(qt).unwrap_or(0);
        let align = self.tt().align_of(qt).unwrap_or(1).clamp(1, 8);
        if size > 0 {
            self.b.memcpy(
                dst,
                src,
                u32::try_from(size).unwrap_or(u32::MAX),
                u32::try_from(align).unwrap_or(1),
            );
        }
    }

    /// The alignment known for the object a pointer expression points to (looking
    /// through casts to `void *`), for memcpy/memset expansion.
    fn known_align(&self, e: &Expr) -> u32 {
        known_align(self.tt(), e)
    }

    /// `memset(d, byte, size)` with a fill byte known only at run time: the byte times
    /// 0x0101010101010101 gives the word pattern, stored in the widest chunks that
    /// `align` allows (the verifier rejects misaligned stack and map stores).
    fn memset_variable(&mut self, d: Value, byte: Value, size: u32, align: u32) {
        let b8 = self.resize(byte, Type::I8, false);
        let b64 = self.b.uextend(Type::I64, b8);
        let ones = self.b.iconst(Type::I64, 0x0101_0101_0101_0101);
        let pattern = self.b.imul(b64, ones);
        for (off, ty) in chunks(u64::from(size), align) {
            let val = self.resize(pattern, ty, false);
            let (a, o) = self.at_offset(d, off);
            self.b.store(MemFlags::default(), val, a, o);
        }
    }

    /// `memmove(d, s, size)`: every chunk is loaded before any is stored, so the copy is
    /// right however the objects overlap (what LLVM's memmove expansion does; a
    /// forward copy would read bytes it had already overwritten).
    fn memmove(&mut self, d: Value, s: Value, size: u64, align: u32) {
        let parts = chunks(size, align);
        let mut loaded = Vec::with_capacity(parts.len());
        for &(off, ty) in &parts {
            let (a, o) = self.at_offset(s, off);
            loaded.push(self.b.load(ty, ty, Ext::Zero, MemFlags::default(), a, o));
        }
        for (&(off, _), v) in parts.iter().zip(loaded) {
            let (a, o) = self.at_offset(d, off);
            self.b.store(MemFlags::default(), v, a, o);
        }
    }

    /// `(address, offset)` for byte `off` of `base`: the offset in the instruction
    /// when it fits an `i16`, else added to the address.
    fn at_offset(&mut self, base: Value, off: u64) -> (Value, i16) {
        match i16::try_from(off) {
            Ok(o) => (base, o),
            Err(_) => {
                let k = self
                    .b
                    .iconst(Type::I64, i64::try_from(off).unwrap_or(i64::MAX));
                (self.b.iadd(base, k), 0)
            }
        }
    }

    fn builtin(&mut self, e: &Expr, bi: &Builtin, args: &[Expr]) -> Option<Value> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.value(a));
        }
        self.at(e.span);
        let arg = |i: usize| vals.get(i).copied();
        match bi {
            Builtin::Memcpy(n) => {
                let (d, s) = (arg(0)?, arg(1)?);
                let align = self.known_align(&args[0]).min(self.known_align(&args[1]));
                if *n > 0 {
                    self.b
                        .memcpy(d, s, u32::try_from(*n).unwrap_or(u32::MAX), align);
                }
                Some(d)
            }
            Builtin::Memmove(n) => {
                let (d, s) = (arg(0)?, arg(1)?);
                let align = self.known_align(&args[0]).min(self.known_align(&args[1]));
                self.memmove(d, s, *n, align);
                Some(d)
            }
            Builtin::Memset(n) => {
                let d = arg(0)?;
                let align = self.known_align(&args[0]);
                let size = u32::try_from(*n).unwrap_or(u32::MAX);
                match args
                    .get(1)
                    .map(|a| crate::sema::consteval::eval_int(self.tt(), a))
                {
                    Some(Some(v)) if *n > 0 => {
                        self.b.memset(d, v as u8, size, align);
                    }
                    Some(None) if *n > 0 => {
                        let byte = arg(1)?;
                        self.memset_variable(d, byte, size, align);
                    }
                    _ => {}
                }
                Some(d)
            }
            Builtin::Memcmp(n) => {
                let (a, c) = (arg(0)?, arg(1)?);
                // Byte by byte: the first difference decides (as unsigned chars).
                let done = self.b.create_block();
                let res = self.b.append_block_param(done, Type::I32);
                for i in 0..*n {
                    let off = i16::try_from(i).ok();
                    let (pa, pc, o) = match off {
                        Some(o) => (a, c, o),
                        None => {
                            let k = self.b.iconst(Type::I64, i as i64);
                            (self.b.iadd(a, k), self.b.iadd(c, k), 0)
                        }
                    };
                    let x = self
                        .b
                        .load(Type::I32, Type::I8, Ext::Zero, MemFlags::default(), pa, o);
                    let y = self
                        .b
                        .load(Type::I32, Type::I8, Ext::Zero, MemFlags::default(), pc, o);
                    let d = self.b.isub(x, y);
                    let next = self.b.create_block();
                    self.b.brif(d, done, vec![d], next, vec![]);
                    self.b.seal_block(next);
                    self.b.switch_to_block(next);
                }
                let z = self.b.iconst(Type::I32, 0);
                self.b.jump(done, vec![z]);
                self.b.seal_block(done);
                self.b.switch_to_block(done);
                Some(res)
            }
            Builtin::Unreachable => {
                self.b.unreachable();
                None
            }
            Builtin::Bswap(bits) => {
                let v = arg(0)?;
                let op = match bits {
                    16 => Opcode::Bswap16,
                    32 => Opcode::Bswap32,
                    _ => Opcode::Bswap64,
                };
                Some(self.b.unary(op, v))
            }
            Builtin::Bits(op, bits) => Some(self.bit_op(*op, *bits, arg(0)?)),
            Builtin::Opaque => {
                let v = arg(0)?;
                Some(self.b.opaque(v))
            }
            Builtin::ConstantP => {
                let v = arg(0)?;
                Some(self.b.unary(Opcode::IsConstant, v))
            }
            Builtin::AtomicFetch(op) => {
                let (p, v) = (arg(0)?, arg(1)?);
                let t = self.ty(e.ty);
                let s = is_signed(self.tt(), args[1].ty);
                let v = self.resize(v, t, s);
                Some(self.b.atomic_rmw(atomic_op(*op), true, p, 0, v))
            }
            Builtin::AtomicOpFetch(op) => {
                // The fetching instruction returns the old value; the new one is
                // recomputed from it, as clang does.
                let (p, v) = (arg(0)?, arg(1)?);
                let t = self.ty(e.ty);
                let s = is_signed(self.tt(), args[1].ty);
                let v = self.resize(v, t, s);
                let old = self.b.atomic_rmw(atomic_op(*op), true, p, 0, v);
                let combine = match op {
                    AtomicOp::Add => Opcode::Iadd,
                    AtomicOp::Or => Opcode::Bor,
                    AtomicOp::And => Opcode::Band,
                    AtomicOp::Xor | AtomicOp::Xchg => Opcode::Bxor,
                };
                Some(self.b.binary(combine, old, v))
            }
            Builtin::AtomicCas => {
                let (p, old, new) = (arg(0)?, arg(1)?, arg(2)?);
                let t = self.ty(e.ty);
                let so = is_signed(self.tt(), args[1].ty);
                let sn = is_signed(self.tt(), args[2].ty);
                let old = self.resize(old, t, so);
                let new = self.resize(new, t, sn);
                Some(self.b.atomic_cas(p, 0, old, new))
            }
        }
    }

    /// `__sync_fetch_and_<op>(p, v)` whose value is unused: no fetch.
    pub fn atomic_no_fetch(&mut self, e: &Expr, op: AtomicOp, args: &[Expr]) {
        let (Some(pa), Some(va)) = (args.first(), args.get(1)) else {
            return;
        };
        let p = self.value(pa);
        let v = self.value(va);
        self.at(e.span);
        let t = self.ty(e.ty);
        let s = is_signed(self.tt(), va.ty);
        let v = self.resize(v, t, s);
        self.b.atomic_rmw(atomic_op(op), false, p, 0, v);
    }

    /// Branches to `t` when `e` is true, else to `f` (short-circuiting `&&`, `||`, `!`).
    pub fn cond_branch(&mut self, e: &Expr, t: Block, f: Block) {
        match &e.kind {
            ExprKind::LogAnd(a, b) => {
                let mid = self.b.create_block();
                self.cond_branch(a, mid, f);
                self.b.seal_block(mid);
                self.b.switch_to_block(mid);
                self.cond_branch(b, t, f);
            }
            ExprKind::LogOr(a, b) => {
                let mid = self.b.create_block();
                self.cond_branch(a, t, mid);
                self.b.seal_block(mid);
                self.b.switch_to_block(mid);
                self.cond_branch(b, t, f);
            }
            ExprKind::Unary(UnOp::LogNot, a) => self.cond_branch(a, f, t),
            ExprKind::Cast(CastKind::ToBool, a) => self.cond_branch(a, t, f),
            // A widening conversion keeps the truth value: test the narrower value.
            ExprKind::Cast(CastKind::Int | CastKind::NoOp, a)
                if self.tt().size_of(a.ty).unwrap_or(8) <= self.tt().size_of(e.ty).unwrap_or(0)
                    && self.tt().is_scalar(a.ty) =>
            {
                self.cond_branch(a, t, f)
            }
            ExprKind::Cmp(..) => {
                // The compare feeds the branch directly (codegen fuses icmp + brif into
                // one conditional jump on the compared registers: verifier-friendly).
                let c = self.value(e);
                self.b.brif(c, t, vec![], f, vec![]);
            }
            _ => {
                let v = self.value(e);
                self.at(e.span);
                self.b.brif(v, t, vec![], f, vec![]);
            }
        }
    }

    /// The address of an lvalue (or of an aggregate rvalue).
    pub fn addr_of(&mut self, e: &Expr) -> Value {
        match self.lvalue(e) {
            Place::Mem { addr, off, .. } => self.add_off(addr, off),
            Place::Var(l) => {
                // Sema marks address-taken locals; a register local reaching here is
                // spilled to a fresh slot so the address is still valid.
                let size = self.tt().size_of(e.ty).unwrap_or(8).max(1);
                let slot = self
                    .b
                    .func
                    .create_stack_slot(u32::try_from(size).unwrap_or(8), 8);
                let v = self.load_place(Place::Var(l), e.ty);
                let a = self.b.stack_addr(slot, 0);
                self.b.store(MemFlags::default(), v, a, 0);
                a
            }
        }
    }

    fn add_off(&mut self, addr: Value, off: i64) -> Value {
        if off == 0 {
            addr
        } else {
            let k = self.b.iconst(Type::I64, off);
            self.b.iadd(addr, k)
        }
    }

    /// Lowers an lvalue to a place.
    pub fn lvalue(&mut self, e: &Expr) -> Place {
        let volatile = self.tt().canon(e.ty).quals.is_volatile;
        let mem = |addr, align: Option<u64>| Place::Mem {
            addr,
            off: 0,
            volatile,
            bits: None,
            align: align.unwrap_or(1).clamp(1, 8),
        };
        let natural = self.tt().align_of(e.ty);
        match &e.kind {
            ExprKind::Local(l) => match self.storage(*l) {
                Some(Storage::Var(_)) => Place::Var(*l),
                Some(Storage::Slot(s)) => {
                    let a = self.b.stack_addr(s, 0);
                    mem(a, natural)
                }
                Some(Storage::Ptr(a)) => mem(a, natural),
                Some(Storage::Global(g)) => {
                    self.events.push(Event::Global(g));
                    let name = self.prog.global(g).name.clone();
                    let r = self.b.func.import_global(&name);
                    let a = self.b.global_addr(r, 0);
                    mem(a, natural)
                }
                None => {
                    let a = self.b.iconst(Type::I64, 0);
                    mem(a, natural)
                }
            },
            ExprKind::Global(g) => {
                self.events.push(Event::Global(*g));
                let name = self.prog.global(*g).name.clone();
                let r = self.b.func.import_global(&name);
                let a = self.b.global_addr(r, 0);
                mem(a, natural)
            }
            ExprKind::Deref(p) => {
                let a = self.value(p);
                mem(a, natural)
            }
            ExprKind::Member { base, field } => {
                let bp = self.lvalue(base);
                let (addr, off, bvol, balign) = match bp {
                    Place::Mem {
                        addr,
                        off,
                        volatile,
                        align,
                        ..
                    } => (addr, off, volatile, align),
                    Place::Var(_) => {
                        let a = self.addr_of(base);
                        (a, 0, false, 1)
                    }
                };
                let volatile = volatile || bvol;
                match field.bit_width {
                    None => Place::Mem {
                        addr,
                        off: off + field.byte_offset() as i64,
                        volatile,
                        bits: None,
                        align: align_at(balign, field.byte_offset()),
                    },
                    Some(width) => {
                        let signed = is_signed(self.tt(), field.ty);
                        // clang's access unit, where the base is aligned enough for it
                        // (the verifier rejects misaligned stack and map accesses).
                        if let Some(u) = field.access {
                            let start = (field.bit_offset - u.shift) / 8;
                            if align_at(balign, start) >= u.bytes {
                                return Place::Mem {
                                    addr,
                                    off: off + start as i64,
                                    volatile,
                                    bits: Some(BitField {
                                        unit_bytes: u.bytes as u32,
                                        bytewise: false,
                                        shift: u.shift as u32,
                                        width,
                                        signed,
                                    }),
                                    align: u.bytes,
                                };
                            }
                        }
                        let unit = self.tt().size_of(field.ty).unwrap_or(4).max(1);
                        let rec_size = self.tt().size_of(base.ty).unwrap_or(0);
                        let bo = field.bit_offset;
                        let start = bo / (unit * 8) * unit;
                        let shift = bo - start * 8;
                        let fits = shift + u64::from(width) <= unit * 8
                            && start + unit <= rec_size
                            && align_at(balign, start) >= unit;
                        if fits {
                            Place::Mem {
                                addr,
                                off: off + start as i64,
                                volatile,
                                bits: Some(BitField {
                                    unit_bytes: unit as u32,
                                    bytewise: false,
                                    shift: shift as u32,
                                    width,
                                    signed,
                                }),
                                align: unit,
                            }
                        } else {
                            let start = bo / 8;
                            let shift = bo % 8;
                            let n = (shift + u64::from(width)).div_ceil(8);
                            Place::Mem {
                                addr,
                                off: off + start as i64,
                                volatile,
                                bits: Some(BitField {
                                    unit_bytes: n as u32,
                                    bytewise: true,
                                    shift: shift as u32,
                                    width,
                                    signed,
                                }),
                                align: 1,
                            }
                        }
                    }
                }
            }
            ExprKind::CompoundLit(l, init) => {
                self.init_local(*l, init);
                let le = Expr::new(ExprKind::Local(*l), e.ty, e.span);
                self.lvalue(&le)
            }
            _ => {
                // An aggregate rvalue (assignment, call, ?:, statement expression): its
                // value is its address.
                let a = self.value(e);
                mem(a, natural)
            }
        }
    }

    /// Normalizes a memory offset into BPF's signed 16-bit `off` field.
    pub(super) fn mem_at(&mut self, addr: Value, off: i64) -> (Value, i16) {
        match i16::try_from(off) {
            Ok(o) => (addr, o),
            Err(_) => (self.add_off(addr, off), 0),
        }
    }

    /// Reads a place as a value of C type `qt`.
    pub fn load_place(&mut self, p: Place, qt: QualType) -> Value {
        let t = self.ty(qt);
        match p {
            Place::Var(l) => match self.storage(l) {
                Some(Storage::Var(var)) => self.b.use_var(var),
                _ => self.b.iconst(t, 0),
            },
            Place::Mem {
                addr,
                off,
                volatile,
                bits: None,
                align,
            } => {
                if align < u64::from(t.bytes()) {
                    return self.load_bytes(addr, off, volatile, t);
                }
                let (a, o) = self.mem_at(addr, off);
                self.b.load(t, t, Ext::Zero, MemFlags { volatile }, a, o)
            }
            Place::Mem {
                addr,
                off,
                volatile,
                bits: Some(bf),
                ..
            } => {
                let unit = self.load_unit(addr, off, volatile, bf);
                let x = if bf.signed {
                    let l = self
                        .b
                        .iconst(Type::I64, i64::from(64 - bf.shift - bf.width));
                    let r = self.b.iconst(Type::I64, i64::from(64 - bf.width));
                    let x = self.b.binary(Opcode::Ishl, unit, l);
                    self.b.binary(Opcode::Sshr, x, r)
                } else {
                    let x = if bf.shift > 0 {
                        let s = self.b.iconst(Type::I64, i64::from(bf.shift));
                        self.b.binary(Opcode::Ushr, unit, s)
                    } else {
                        unit
                    };
                    let m = self.b.iconst(Type::I64, mask(bf.width) as i64);
                    self.b.binary(Opcode::Band, x, m)
                };
                self.resize(x, t, bf.signed)
            }
        }
    }

    /// Loads a value of type `t` one byte at a time (little-endian), for places whose
    /// alignment is below the access size.
    fn load_bytes(&mut self, addr: Value, off: i64, volatile: bool, t: Type) -> Value {
        let bf = BitField {
            unit_bytes: t.bytes(),
            bytewise: true,
            shift: 0,
            width: t.bits(),
            signed: false,
        };
        let v = self.load_unit(addr, off, volatile, bf);
        self.resize(v, t, false)
    }

    /// Stores `v` one byte at a time (little-endian).
    fn store_bytes_of(&mut self, addr: Value, off: i64, volatile: bool, v: Value) {
        let t = self.vty(v);
        let bf = BitField {
            unit_bytes: t.bytes(),
            bytewise: true,
            shift: 0,
            width: t.bits(),
            signed: false,
        };
        let w = self.resize(v, Type::I64, false);
        self.store_unit(addr, off, volatile, bf, w);
    }

    /// Loads a bit-field's storage unit as an `i64`.
    fn load_unit(&mut self, addr: Value, off: i64, volatile: bool, bf: BitField) -> Value {
        let flags = MemFlags { volatile };
        if !bf.bytewise {
            let t = Type::from_bytes(u64::from(bf.unit_bytes)).unwrap_or(Type::I64);
            let (a, o) = self.mem_at(addr, off);
            return self.b.load(Type::I64, t, Ext::Zero, flags, a, o);
        }
        let mut acc: Option<Value> = None;
        for i in 0..bf.unit_bytes {
            let (a, o) = self.mem_at(addr, off + i64::from(i));
            let byte = self.b.load(Type::I64, Type::I8, Ext::Zero, flags, a, o);
            let part = if i == 0 {
                byte
            } else {
                let s = self.b.iconst(Type::I64, i64::from(8 * i));
                self.b.binary(Opcode::Ishl, byte, s)
            };
            acc = Some(match acc {
                None => part,
                Some(p) => self.b.binary(Opcode::Bor, p, part),
            });
        }
        match acc {
            Some(v) => v,
            None => self.b.iconst(Type::I64, 0),
        }
    }

    /// Writes an `i64` storage unit back.
    fn store_unit(&mut self, addr: Value, off: i64, volatile: bool, bf: BitField, v: Value) {
        let flags = MemFlags { volatile };
        if !bf.bytewise {
            let t = Type::from_bytes(u64::from(bf.unit_bytes)).unwrap_or(Type::I64);
            let v = self.resize(v, t, false);
            let (a, o) = self.mem_at(addr, off);
            self.b.store(flags, v, a, o);
            return;
        }
        for i in 0..bf.unit_bytes {
            let part = if i == 0 {
                v
            } else {
                let s = self.b.iconst(Type::I64, i64::from(8 * i));
                self.b.binary(Opcode::Ushr, v, s)
            };
            let byte = self.b.ireduce(Type::I8, part);
            let (a, o) = self.mem_at(addr, off + i64::from(i));
            self.b.store(flags, byte, a, o);
        }
    }

    /// Writes a value of C type `qt` to a place.
    pub fn store_place(&mut self, p: Place, qt: QualType, v: Value) {
        let t = self.ty(qt);
        let v = self.resize(v, t, is_signed(self.tt(), qt));
        match p {
            Place::Var(l) => {
                if let Some(Storage::Var(var)) = self.storage(l) {
                    self.b.def_var(var, v);
                }
            }
            Place::Mem {
                addr,
                off,
                volatile,
                bits: None,
                align,
            } => {
                if align < u64::from(t.bytes()) {
                    self.store_bytes_of(addr, off, volatile, v);
                    return;
                }
                let (a, o) = self.mem_at(addr, off);
                self.b.store(MemFlags { volatile }, v, a, o);
            }
            Place::Mem {
                addr,
                off,
                volatile,
                bits: Some(bf),
                ..
            } => {
                let unit = self.load_unit(addr, off, volatile, bf);
                let m = mask(bf.width) << bf.shift;
                let keep = self.b.iconst(Type::I64, !m as i64);
                let kept = self.b.binary(Opcode::Band, unit, keep);
                let w = self.resize(v, Type::I64, false);
                let fm = self.b.iconst(Type::I64, mask(bf.width) as i64);
                let w = self.b.binary(Opcode::Band, w, fm);
                let w = if bf.shift > 0 {
                    let s = self.b.iconst(Type::I64, i64::from(bf.shift));
                    self.b.binary(Opcode::Ishl, w, s)
                } else {
                    w
                };
                let nu = self.b.binary(Opcode::Bor, kept, w);
                self.store_unit(addr, off, volatile, bf, nu);
            }
        }
    }

    /// Runs a local's initializer.
    pub fn init_local(&mut self, l: LocalId, init: &Init) {
        let Some(local) = self.func.locals.get(l.0 as usize) else {
            return;
        };
        let qt = local.ty;
        match self.storage(l) {
            Some(Storage::Var(var)) => {
                let v = match init {
                    Init::Expr(e) => {
                        let v = self.value(e);
                        self.convert(v, e.ty, qt)
                    }
                    Init::List(items) => match items.first().map(|i| &i.value) {
                        Some(InitValue::Expr(e)) => {
                            let v = self.value(e);
                            self.convert(v, e.ty, qt)
                        }
                        _ => {
                            let t = self.ty(qt);
                            self.b.iconst(t, 0)
                        }
                    },
                };
                self.b.def_var(var, v);
            }
            Some(Storage::Slot(slot)) => {
                let addr = self.b.stack_addr(slot, 0);
                self.init_mem(addr, qt, init);
            }
            _ => {}
        }
    }

    /// Initializes the object of type `qt` at `addr`.
    pub fn init_mem(&mut self, addr: Value, qt: QualType, init: &Init) {
        match init {
            Init::Expr(e) => {
                if self.tt().is_aggregate(qt) {
                    let src = self.value(e);
                    self.copy_agg(addr, src, qt);
                } else {
                    let v = self.value(e);
                    let v = self.convert(v, e.ty, qt);
                    let p = Place::Mem {
                        addr,
                        off: 0,
                        volatile: false,
                        bits: None,
                        align: self.tt().align_of(qt).unwrap_or(1),
                    };
                    self.store_place(p, qt, v);
                }
            }
            Init::List(items) => {
                let size = self.tt().size_of(qt).unwrap_or(0);
                let align = self.tt().align_of(qt).unwrap_or(1).clamp(1, 8);
                // Zero the object first unless the items cover every byte (the verifier
                // rejects reads of uninitialized stack, and C zero-fills the rest).
                if !covers(self.tt(), items, size) && size > 0 {
                    self.b.memset(
                        addr,
                        0,
                        u32::try_from(size).unwrap_or(u32::MAX),
                        u32::try_from(align).unwrap_or(1),
                    );
                }
                for it in items {
                    let off = it.byte_offset as i64;
                    match &it.value {
                        InitValue::Expr(e) => {
                            if self.tt().is_aggregate(it.ty) {
                                let src = self.value(e);
                                let dst = self.add_off(addr, off);
                                self.copy_agg(dst, src, it.ty);
                                continue;
                            }
                            let v = self.value(e);
                            let v = self.convert(v, e.ty, it.ty);
                            let p = match (it.bitfield, it.access) {
                                // Through the unit reads use, where it is aligned enough
                                // (the verifier rejects misaligned stack accesses).
                                (Some((bit, width)), Some(u))
                                    if (off as u64 * 8 + u64::from(bit)) >= u.shift
                                        && align_at(
                                            align,
                                            (off as u64 * 8 + u64::from(bit) - u.shift) / 8,
                                        ) >= u.bytes =>
                                {
                                    let start = (off as u64 * 8 + u64::from(bit) - u.shift) / 8;
                                    Place::Mem {
                                        addr,
                                        off: start as i64,
                                        volatile: false,
                                        bits: Some(BitField {
                                            unit_bytes: u.bytes as u32,
                                            bytewise: false,
                                            shift: u.shift as u32,
                                            width,
                                            signed: false,
                                        }),
                                        align: u.bytes,
                                    }
                                }
                                (bits, _) => Place::Mem {
                                    addr,
                                    off,
                                    volatile: false,
                                    bits: bits.map(|(shift, width)| BitField {
                                        unit_bytes: (shift + width).div_ceil(8),
                                        bytewise: true,
                                        shift,
                                        width,
                                        signed: false,
                                    }),
                                    align: align_at(align, off as u64),
                                },
                            };
                            self.store_place(p, it.ty, v);
                        }
                        InitValue::Bytes(bytes) => self.store_bytes(addr, off, bytes),
                    }
                }
            }
        }
    }

    /// Stores constant bytes, 8/4/2/1 at a time where the offset allows.
    fn store_bytes(&mut self, addr: Value, off: i64, bytes: &[u8]) {
        let mut i = 0usize;
        while i < bytes.len() {
            let at = off + i as i64;
            let rest = bytes.len() - i;
            let n = [8usize, 4, 2, 1]
                .into_iter()
                .find(|&n| n <= rest && at % n as i64 == 0)
                .unwrap_or(1);
            let mut v: u64 = 0;
            for (k, b) in bytes[i..i + n].iter().enumerate() {
                v |= u64::from(*b) << (8 * k);
            }
            let t = Type::from_bytes(n as u64).unwrap_or(Type::I8);
            let c = self.b.iconst(t, v as i64);
            let (a, o) = self.mem_at(addr, at);
            self.b.store(MemFlags::default(), c, a, o);
            i += n;
        }
    }
}

/// The alignment known at `base + off` when `base` is aligned to `base_align`.
fn align_at(base_align: u64, off: u64) -> u64 {
    if off == 0 {
        base_align
    } else {
        base_align.min(1u64 << off.trailing_zeros().min(3))
    }
}

fn mask(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// True when non-bit-field items write every byte of an object of `size` bytes.
fn covers(tt: &crate::types::TypeTable, items: &[crate::sema::tast::InitItem], size: u64) -> bool {
    if size > 4096 {
        return false;
    }
    let mut seen = vec![false; size as usize];
    for it in items {
        if it.bitfield.is_some() {
            return false;
        }
        let n = match &it.value {
            InitValue::Bytes(b) => b.len() as u64,
            InitValue::Expr(_) => tt.size_of(it.ty).unwrap_or(0),
        };
        for k in it.byte_offset..(it.byte_offset + n).min(size) {
            seen[k as usize] = true;
        }
    }
    seen.iter().all(|&b| b)
}

/// The alignment the pointer `e` is known to have (1 to 8): that of the object whose
/// address it takes, else that of its pointee type.
pub(super) fn known_align(tt: &crate::types::TypeTable, e: &Expr) -> u32 {
    let mut cur = e;
    while let ExprKind::Cast(_, inner) = &cur.kind {
        cur = inner;
    }
    let a = match &cur.kind {
        ExprKind::Decay(arr) => tt.align_of(arr.ty),
        ExprKind::AddrOf(lv) => tt.align_of(lv.ty),
        _ => tt.pointee(cur.ty).and_then(|p| tt.align_of(p)),
    };
    u32::try_from(a.unwrap_or(1).clamp(1, 8)).unwrap_or(1)
}

/// The pieces of a `size`-byte block at alignment `align`, widest first where the
/// alignment allows (at most 8 bytes; the verifier rejects misaligned stack and map
/// accesses): `(byte offset, type of the piece)`.
fn chunks(size: u64, align: u32) -> Vec<(u64, Type)> {
    let max = u64::from(align.clamp(1, 8));
    let mut out = Vec::new();
    let mut off = 0u64;
    while off < size {
        let mut w = max;
        while w > size - off || !off.is_multiple_of(w) {
            w /= 2;
        }
        let w = w.max(1);
        out.push((off, Type::from_bytes(w).unwrap_or(Type::I8)));
        off += w;
    }
    out
}
