//! Structs and unions passed and returned by value: which calling convention each
//! function uses, and the errors for what BPF cannot express.
//!
//! Follows clang-19's BPF target (`BPFABIInfo` in clang's `Targets/BPF.cpp`, the
//! `pass by value not supported` / `aggregate returns are not supported` /
//! `stack arguments are not supported` / `too many arguments` errors of LLVM's
//! `BPFISelLowering.cpp`) and `abi.rst` (arguments in r1-r5, the result in r0):
//!
//! - A function clang always inlines (here: a defined `static` function that is not
//!   `noinline`, not a program, not `used` and whose address is not taken) may take
//!   and return aggregates of any size. We lower those through hidden pointers (the
//!   caller passes a private copy of each aggregate argument, and a return slot as the
//!   first argument) and force inlining at every level, -O0 included, so that SROA and
//!   mem2reg remove the memory again. (clang at -O0 inlines only `always_inline`
//!   functions and rejects aggregate returns of the others; we inline them all.)
//! - A call that stays a call: an aggregate argument of at most 16 bytes travels in
//!   one (up to 8 bytes) or two registers, its bytes in memory order (little-endian);
//!   an empty one takes no register; a larger one is passed as a pointer (`byval`),
//!   which BPF's call lowering rejects at the call site, while a definition with such a
//!   parameter reads it through the pointer. Every argument register counts towards
//!   the limit of 5. An aggregate result comes back through a hidden pointer argument
//!   (`sret`), which clang accepts only for calls to functions defined elsewhere: a
//!   definition that returns an aggregate without being inlined is an error.
//! - Calls to helpers follow the call rules; an aggregate helper result is an error.

use super::tast::{Callee, Expr, ExprKind, Func, FuncId, Linkage, Program};
use crate::types::{QualType, TypeTable};
use diag::{Diagnostic, Diagnostics, codes};

/// How one argument travels.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArgAbi {
    /// A scalar in one register.
    Scalar,
    /// An empty aggregate: no register.
    Ignore,
    /// An aggregate of at most 16 bytes in this many registers (1 or 2).
    Regs(u8),
    /// The address of a private copy (inlined callees; `byval` otherwise).
    Ptr,
}

impl ArgAbi {
    /// Argument registers this argument takes.
    pub fn regs(self) -> usize {
        match self {
            ArgAbi::Ignore => 0,
            ArgAbi::Regs(n) => usize::from(n),
            ArgAbi::Scalar | ArgAbi::Ptr => 1,
        }
    }
}

/// Largest aggregate passed in registers (two 64-bit registers).
pub const MAX_REG_AGGREGATE_BYTES: u64 = 16;

/// How an argument of type `qt` travels to a callee that is (or is not) inlined.
pub fn arg_abi(tt: &TypeTable, qt: QualType, inlined: bool) -> ArgAbi {
    if !is_record(tt, qt) {
        return ArgAbi::Scalar;
    }
    if inlined {
        return ArgAbi::Ptr;
    }
    match tt.size_of(qt).unwrap_or(0) {
        0 => ArgAbi::Ignore,
        1..=8 => ArgAbi::Regs(1),
        9..=MAX_REG_AGGREGATE_BYTES => ArgAbi::Regs(2),
        _ => ArgAbi::Ptr,
    }
}

/// True for struct and union types (arrays never travel by value: they decay).
pub fn is_record(tt: &TypeTable, qt: QualType) -> bool {
    tt.is_aggregate(qt) && tt.size_of(qt).is_some() && !tt.is_array(qt)
}

/// True when `f` takes or returns a struct or union by value.
fn has_record_by_value(prog: &Program, f: &Func) -> bool {
    let tt = &prog.types;
    tt.func_type(f.ty)
        .is_some_and(|ft| is_record(tt, ft.ret) || ft.params.iter().any(|p| is_record(tt, *p)))
}

/// True when every call of `f` is inlined, so aggregates pass through hidden pointers
/// (see the module header for which functions).
pub fn inlined(prog: &Program, id: FuncId) -> bool {
    let f = prog.func(id);
    f.body.is_some()
        && f.linkage == Linkage::Internal
        && !f.attrs.noinline
        && !f.attrs.used
        && !f.addr_taken
        && f.section.as_deref().is_none_or(|s| s == ".text")
        && has_record_by_value(prog, f)
}

/// Reports what BPF's calling convention cannot express, in emitted code only (clang
/// never generates code for the rest).
pub fn check(prog: &Program, diags: &mut Diagnostics) {
    let tt = &prog.types;
    for (i, f) in prog.funcs.iter().enumerate() {
        if !f.emitted {
            continue;
        }
        let id = FuncId(u32::try_from(i).unwrap_or(u32::MAX));
        let inl = inlined(prog, id);
        if let Some(ft) = tt.func_type(f.ty)
            && !inl
        {
            if is_record(tt, ft.ret) {
                diags.push(
                    Diagnostic::error(
                        codes::E_BPF_AGGREGATE_BY_VALUE,
                        "aggregate returns are not supported",
                    )
                    .with_label(f.span, format!("'{}' returns '{}' by value", f.name, tt.display(ft.ret)))
                    .with_note("BPF returns a scalar in r0; only functions that are inlined (static, not noinline) may return structs; return through a pointer argument instead"),
                );
            }
            let regs: usize = ft
                .params
                .iter()
                .map(|p| arg_abi(tt, *p, false).regs())
                .sum();
            if regs > 5 && ft.params.len() <= 5 {
                diags.push(
                    Diagnostic::error(codes::E_BPF_TOO_MANY_PARAMS, "stack arguments are not supported")
                        .with_label(f.span, format!("the parameters of '{}' take {regs} registers", f.name))
                        .with_note("BPF passes arguments in r1-r5 only; a struct of 9 to 16 bytes takes two registers"),
                );
            }
        }
        if let Some(ft) = tt.func_type(f.ty)
            && inl
            && is_record(tt, ft.ret)
            && ft.params.len() == 5
        {
            // Not a clang rule: our return slot is a sixth argument until inlining.
            diags.push(
                Diagnostic::error(
                    codes::E_BPF_TOO_MANY_PARAMS,
                    format!(
                        "function '{}' returns '{}' by value and takes 5 parameters",
                        f.name,
                        tt.display(ft.ret)
                    ),
                )
                .with_label(f.span, "")
                .with_note("ebpfc passes the address of the result as a hidden sixth argument; take at most 4 parameters or return through a pointer"),
            );
        }
        if let Some(body) = &f.body {
            let mut exprs = Vec::new();
            body.exprs(&mut exprs);
            for e in exprs {
                check_calls(prog, e, diags);
            }
        }
    }
}

/// The call-site rules for every call in `e`.
fn check_calls(prog: &Program, e: &Expr, diags: &mut Diagnostics) {
    if let ExprKind::Call { callee, args } = &e.kind {
        let tt = &prog.types;
        let inl = matches!(callee, Callee::Direct(f) if inlined(prog, *f));
        if !inl {
            let mut regs = 0;
            for a in args {
                let abi = arg_abi(tt, a.ty, false);
                regs += abi.regs();
                if abi == ArgAbi::Ptr && is_record(tt, a.ty) {
                    diags.push(
                        Diagnostic::error(
                            codes::E_BPF_AGGREGATE_BY_VALUE,
                            "pass by value not supported",
                        )
                        .with_label(
                            a.span,
                            format!(
                                "'{}' is {} bytes; BPF passes at most {MAX_REG_AGGREGATE_BYTES} bytes by value, in two registers",
                                tt.display(a.ty),
                                tt.size_of(a.ty).unwrap_or(0)
                            ),
                        )
                        .with_note("pass a pointer instead, or make the callee static and inlinable"),
                    );
                }
            }
            if is_record(tt, e.ty) {
                regs += 1;
                if let Callee::Helper(_) = callee {
                    diags.push(
                        Diagnostic::error(
                            codes::E_BPF_AGGREGATE_BY_VALUE,
                            "aggregate returns are not supported",
                        )
                        .with_label(
                            e.span,
                            format!("this helper returns '{}' by value", tt.display(e.ty)),
                        )
                        .with_note("BPF helpers return a scalar in r0"),
                    );
                }
            }
            if regs > 5 && args.len() <= 5 {
                diags.push(
                    Diagnostic::error(codes::E_BPF_TOO_MANY_PARAMS, "too many arguments")
                        .with_label(e.span, format!("the arguments of this call take {regs} registers"))
                        .with_note("BPF passes arguments in r1-r5 only; a struct of 9 to 16 bytes takes two registers"),
                );
            }
        }
    }
    for c in e.children() {
        check_calls(prog, c, diags);
    }
}
