//! Constants clang keeps in the object although, in the end, no instruction reads them:
//! the string literal or constant array a `__builtin_memcmp` compares with. Clang
//! leaves the `memcmp` call alone until instruction selection (BPF's `ExpandMemCmp`
//! turns it into loads then, and folds the loads from the constant), long after
//! GlobalDCE decided which globals stay; ours expands it while lowering, so the global
//! is marked `keep`.
//!
//! Not kept, as InstCombine's `optimizeMemCmpBCmpCommon` expands those early: sizes 0
//! and 1, both sides constant, and 4 or 8 bytes when the other side is known to be
//! aligned to the size (one integer load each; the test that the result is only
//! compared with zero is not made here).
//!
//! Invariant: only functions that are emitted count (an unused static inline
//! function's `memcmp` keeps nothing).

use std::collections::BTreeSet;

use super::expr::known_align;
use crate::sema::tast::{Builtin, Expr, ExprKind, GlobalId, GlobalKind, Program};

/// The constant globals a `memcmp` of an emitted function compares with.
pub fn memcmp_operands(prog: &Program) -> BTreeSet<GlobalId> {
    let mut out = BTreeSet::new();
    for f in prog.funcs.iter().filter(|f| f.emitted) {
        if let Some(body) = &f.body {
            let mut exprs = Vec::new();
            body.exprs(&mut exprs);
            exprs.into_iter().for_each(|e| walk(prog, e, &mut out));
        }
    }
    out
}

fn walk(prog: &Program, e: &Expr, out: &mut BTreeSet<GlobalId>) {
    if let ExprKind::Builtin(Builtin::Memcmp(n), args) = &e.kind
        && let [a, b] = args.as_slice()
    {
        let ga = constant_global(prog, a);
        let gb = constant_global(prog, b);
        let aligned_word =
            |other: &Expr| matches!(n, 4 | 8) && u64::from(known_align(&prog.types, other)) >= *n;
        if *n >= 2 {
            match (ga, gb) {
                (Some(_), Some(_)) => {}
                (Some(g), None) if !aligned_word(b) => {
                    out.insert(g);
                }
                (None, Some(g)) if !aligned_word(a) => {
                    out.insert(g);
                }
                _ => {}
            }
        }
    }
    e.children().for_each(|c| walk(prog, c, out));
}

/// The global `e` points to, when it is a string literal or a `const` object.
fn constant_global(prog: &Program, e: &Expr) -> Option<GlobalId> {
    let mut cur = e;
    while let ExprKind::Cast(_, inner) | ExprKind::Decay(inner) | ExprKind::AddrOf(inner) =
        &cur.kind
    {
        cur = inner;
    }
    let ExprKind::Global(g) = cur.kind else {
        return None;
    };
    let global = prog.global(g);
    let tt = &prog.types;
    let mut constant = global.kind == GlobalKind::Str || tt.canon(global.ty).quals.is_const;
    let mut ty = global.ty;
    while let Some(e) = tt.array_elem(ty) {
        constant |= tt.canon(e).quals.is_const;
        ty = e;
    }
    (constant && !global.is_extern).then_some(g)
}
