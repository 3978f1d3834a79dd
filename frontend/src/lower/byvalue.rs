//! Lowering of structs and unions passed and returned by value, with the calling
//! convention `sema/byvalue.rs` chooses (clang-19's BPF ABI; `abi.rst`):
//!
//! - Callees that are always inlined take a pointer to a private copy of each
//!   aggregate argument and, when they return an aggregate, a pointer to the caller's
//!   return slot as a hidden first argument. After inlining, SROA and mem2reg turn the
//!   copies back into registers.
//! - Other calls pass an aggregate of at most 16 bytes in one or two 64-bit registers
//!   holding its bytes in memory order (clang coerces it to `iN`/`[2 x i64]`); the
//!   callee stores them into an 8-byte aligned slot. Larger ones (definitions only:
//!   calls are errors) and `sret` results of extern functions go through pointers.
//!
//! Verifier: stack accesses must be aligned to their size (`check_ptr_alignment` is
//! strict for the stack), so the caller assembles each register from loads no wider
//! than the aggregate's alignment, and the callee's slot is 8-byte aligned and padded
//! to whole registers so that it can store each register with one aligned store.

use super::func::{FnLower, Storage};
use crate::sema::byvalue::{ArgAbi, arg_abi, inlined, is_record};
use crate::sema::tast::{Callee, Expr, ExprKind, FuncId, Program};
use crate::types::{QualType, TypeTable};
use ir::{Ext, MemFlags, Signature, Type, Value};

/// A function's calling convention.
#[derive(Clone, Debug)]
pub(super) struct FuncAbi {
    /// One entry per C parameter.
    pub params: Vec<ArgAbi>,
    /// The result goes through a hidden pointer, passed first.
    pub sret: bool,
    /// Every call is inlined (the IR function is `always_inline`).
    pub inlined: bool,
}

/// The convention of a defined or declared function.
pub(super) fn func_abi(prog: &Program, id: FuncId) -> FuncAbi {
    let tt = &prog.types;
    let inl = inlined(prog, id);
    match tt.func_type(prog.func(id).ty) {
        Some(ft) => FuncAbi {
            params: ft.params.iter().map(|p| arg_abi(tt, *p, inl)).collect(),
            sret: is_record(tt, ft.ret),
            inlined: inl,
        },
        None => FuncAbi {
            params: Vec::new(),
            sret: false,
            inlined: inl,
        },
    }
}

/// The IR signature of a function type under `abi`.
pub(super) fn signature(tt: &TypeTable, fn_ty: QualType, abi: &FuncAbi) -> Signature {
    let Some(ft) = tt.func_type(fn_ty) else {
        return Signature::new(Vec::new(), None);
    };
    let mut params = Vec::new();
    if abi.sret {
        params.push(Type::I64);
    }
    for (p, a) in ft.params.iter().zip(&abi.params) {
        match a {
            ArgAbi::Scalar => params.push(super::func::scalar_ty(tt, *p)),
            ArgAbi::Ignore => {}
            ArgAbi::Regs(n) => params.extend((0..*n).map(|_| Type::I64)),
            ArgAbi::Ptr => params.push(Type::I64),
        }
    }
    let ret = (!tt.is_void(ft.ret) && !abi.sret).then(|| super::func::scalar_ty(tt, ft.ret));
    Signature::new(params, ret)
}

/// Where the incoming IR parameter values of each C parameter start.
fn param_starts(abi: &FuncAbi) -> Vec<usize> {
    let mut at = usize::from(abi.sret);
    abi.params
        .iter()
        .map(|a| {
            let s = at;
            at += a.regs();
            s
        })
        .collect()
}

impl FnLower<'_, '_> {
    /// The storage of C parameter `idx` when its convention dictates one (aggregates),
    /// or `None` for the usual storage of a local.
    pub(super) fn param_storage(
        &mut self,
        abi: &FuncAbi,
        idx: usize,
        ty: QualType,
        vals: &[Value],
    ) -> Option<Storage> {
        let start = *param_starts(abi).get(idx)?;
        match abi.params.get(idx)? {
            ArgAbi::Ptr => vals.get(start).map(|&v| Storage::Ptr(v)),
            ArgAbi::Regs(n) => {
                // Whole registers, 8-byte aligned: one aligned store each (verifier).
                let size = self.tt().size_of(ty).unwrap_or(8).next_multiple_of(8);
                let slot = self
                    .b
                    .func
                    .create_stack_slot(u32::try_from(size.max(8 * u64::from(*n))).unwrap_or(16), 8);
                Some(Storage::Slot(slot))
            }
            ArgAbi::Scalar | ArgAbi::Ignore => None,
        }
    }

    /// Binds the incoming IR parameters to the C parameters' storage; returns the
    /// return-slot pointer of an `sret` function.
    pub(super) fn bind_params(&mut self, abi: &FuncAbi, vals: &[Value]) -> Option<Value> {
        let starts = param_starts(abi);
        for (i, p) in self.func.params.clone().iter().enumerate() {
            let (Some(a), Some(&start)) = (abi.params.get(i), starts.get(i)) else {
                continue;
            };
            match (a, self.storage(*p)) {
                (ArgAbi::Scalar, Some(Storage::Var(var))) => {
                    if let Some(&v) = vals.get(start) {
                        self.b.def_var(var, v);
                    }
                }
                (ArgAbi::Scalar, Some(Storage::Slot(slot))) => {
                    if let Some(&v) = vals.get(start) {
                        let addr = self.b.stack_addr(slot, 0);
                        self.b.store(MemFlags::default(), v, addr, 0);
                    }
                }
                (ArgAbi::Regs(n), Some(Storage::Slot(slot))) => {
                    let addr = self.b.stack_addr(slot, 0);
                    for w in 0..usize::from(*n) {
                        if let Some(&v) = vals.get(start + w) {
                            let off = i16::try_from(8 * w).unwrap_or(0);
                            self.b.store(MemFlags::default(), v, addr, off);
                        }
                    }
                }
                _ => {}
            }
        }
        if abi.sret {
            vals.first().copied()
        } else {
            None
        }
    }

    /// Lowers the arguments of a call; returns the IR arguments and, for an aggregate
    /// result, the caller's return slot (passed first; it is the call's value).
    pub(super) fn call_args(
        &mut self,
        callee: &Callee,
        args: &[Expr],
        ret_ty: QualType,
    ) -> (Vec<Value>, Option<Value>) {
        let inl = matches!(callee, Callee::Direct(f) if inlined(self.prog, *f));
        let mut vals = Vec::with_capacity(args.len() + 1);
        let sret = if is_record(self.tt(), ret_ty) {
            let a = self.temp_slot(ret_ty);
            vals.push(a);
            Some(a)
        } else {
            None
        };
        for a in args {
            match arg_abi(self.tt(), a.ty, inl) {
                ArgAbi::Scalar => vals.push(self.value(a)),
                ArgAbi::Ignore => {
                    self.value(a);
                }
                ArgAbi::Regs(n) => {
                    let addr = self.value(a);
                    self.at(a.span);
                    for w in 0..n {
                        let r = self.pack_reg(addr, a.ty, u64::from(w));
                        vals.push(r);
                    }
                }
                ArgAbi::Ptr => {
                    let src = self.value(a);
                    if let ExprKind::Call { .. } = a.kind {
                        // A call's result is a fresh slot already: no copy needed.
                        vals.push(src);
                    } else {
                        // The callee owns its parameter: give it a private copy.
                        self.at(a.span);
                        let dst = self.temp_slot(a.ty);
                        self.copy_agg(dst, src, a.ty);
                        vals.push(dst);
                    }
                }
            }
        }
        (vals, sret)
    }

    /// The address of a fresh stack slot for an object of type `qt`.
    fn temp_slot(&mut self, qt: QualType) -> Value {
        let size = self.tt().size_of(qt).unwrap_or(8).max(1);
        let align = self.tt().align_of(qt).unwrap_or(8).clamp(1, 8);
        let slot = self.b.func.create_stack_slot(
            u32::try_from(size).unwrap_or(u32::MAX),
            u32::try_from(align).unwrap_or(8),
        );
        self.b.stack_addr(slot, 0)
    }

    /// Register `word` (bytes `8*word..8*word+8`) of the aggregate of type `qt` at
    /// `addr`: zero-extending loads no wider than its alignment (the verifier rejects
    /// misaligned stack loads), combined little-endian.
    fn pack_reg(&mut self, addr: Value, qt: QualType, word: u64) -> Value {
        let size = self.tt().size_of(qt).unwrap_or(0);
        let align = self.tt().align_of(qt).unwrap_or(1).clamp(1, 8);
        let volatile = self.tt().canon(qt).quals.is_volatile;
        let lo = 8 * word;
        let hi = size.min(lo + 8);
        let mut acc: Option<Value> = None;
        let mut off = lo;
        while off < hi {
            // Piece sizes never grow, so each offset is a multiple of its piece size.
            let mut piece = align;
            while piece > hi - off {
                piece /= 2;
            }
            let mem = Type::from_bytes(piece).unwrap_or(Type::I8);
            let o = i16::try_from(off).unwrap_or(0);
            let mut v = self
                .b
                .load(Type::I64, mem, Ext::Zero, MemFlags { volatile }, addr, o);
            if off > lo {
                let sh = self
                    .b
                    .iconst(Type::I64, i64::try_from(8 * (off - lo)).unwrap_or(0));
                v = self.b.binary(ir::Opcode::Ishl, v, sh);
            }
            acc = Some(match acc {
                Some(a) => self.b.binary(ir::Opcode::Bor, a, v),
                None => v,
            });
            off += piece;
        }
        match acc {
            Some(v) => v,
            None => self.b.iconst(Type::I64, 0),
        }
    }
}
