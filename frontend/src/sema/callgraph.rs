//! The recursion check: BPF has no recursion (the verifier rejects call cycles), so a
//! cycle in the direct call graph (`f` → `f`, or `f` → `g` → `f`) is a compile error at
//! the call that closes the cycle (E0307), never a program the kernel refuses later.
//!
//! Invariant: the walk visits functions and call sites in id/source order, so the
//! reported call is deterministic.

use super::tast::{Callee, Expr, ExprKind, FuncId, Init, Linkage, Program, Stmt};
use diag::{Diagnostic, Diagnostics, Span, codes};

/// Reports every call that closes a cycle in the call graph.
pub fn check_recursion(prog: &Program, diags: &mut Diagnostics) {
    let edges: Vec<Vec<(FuncId, Span)>> = prog
        .funcs
        .iter()
        .map(|f| {
            let mut calls = Vec::new();
            if let Some(body) = &f.body {
                stmt_calls(body, &mut calls);
            }
            calls
        })
        .collect();
    // Iterative DFS with colours: 0 = unvisited, 1 = on the stack, 2 = done.
    let mut colour = vec![0u8; edges.len()];
    let mut reported = std::collections::BTreeSet::new();
    for root in 0..edges.len() {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        colour[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(callee, span)) = edges[node].get(*next) {
                *next += 1;
                let c = callee.0 as usize;
                match colour.get(c).copied() {
                    Some(0) => {
                        colour[c] = 1;
                        stack.push((c, 0));
                    }
                    Some(1) if reported.insert((span.file, span.start)) => {
                        let name = &prog.funcs[c].name;
                        let mut d = Diagnostic::error(
                            codes::E_BPF_RECURSION,
                            format!("recursive call to '{name}' is not supported by BPF"),
                        )
                        .with_label(span, "this call closes a cycle in the call graph");
                        if c != node {
                            d = d.with_note(format!(
                                "'{}' is reached again through '{}'",
                                name, prog.funcs[node].name
                            ));
                        }
                        diags.push(d.with_note(
                            "the BPF verifier rejects recursion; rewrite it as a bounded loop",
                        ));
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}

/// Marks which defined functions are emitted (reachable from the roots: non-static
/// functions, `used` ones, functions named in global initializers) and which
/// functions are referenced from emitted code.
pub fn mark_emitted(prog: &mut Program) {
    let n = prog.funcs.len();
    let mut refs: Vec<Vec<FuncId>> = Vec::with_capacity(n);
    for f in &prog.funcs {
        let mut v = Vec::new();
        if let Some(b) = &f.body {
            stmt_func_refs(b, &mut v);
        }
        refs.push(v);
    }
    let mut seen = vec![false; n];
    let mut work: Vec<usize> = Vec::new();
    for (i, f) in prog.funcs.iter().enumerate() {
        let root = f.body.is_some() && (f.linkage != Linkage::Internal || f.attrs.used);
        if root {
            seen[i] = true;
            work.push(i);
        }
    }
    for g in &prog.globals {
        if let Some(init) = &g.init {
            let mut v = Vec::new();
            init_func_refs(init, &mut v);
            for f in v {
                let i = f.0 as usize;
                if i < n && !seen[i] {
                    seen[i] = true;
                    work.push(i);
                }
            }
        }
    }
    while let Some(i) = work.pop() {
        for f in refs[i].clone() {
            let j = f.0 as usize;
            if j < n && !seen[j] {
                seen[j] = true;
                work.push(j);
            }
        }
    }
    for (i, f) in prog.funcs.iter_mut().enumerate() {
        f.emitted = seen[i] && f.body.is_some();
        f.referenced = seen[i];
    }
}

fn init_func_refs(i: &Init, out: &mut Vec<FuncId>) {
    i.exprs().into_iter().for_each(|e| expr_func_refs(e, out));
}

/// Functions named anywhere in a statement (calls included).
fn stmt_func_refs(s: &Stmt, out: &mut Vec<FuncId>) {
    let mut exprs = Vec::new();
    s.exprs(&mut exprs);
    exprs.into_iter().for_each(|e| expr_func_refs(e, out));
}

fn expr_func_refs(e: &Expr, out: &mut Vec<FuncId>) {
    match &e.kind {
        ExprKind::Func(f) => out.push(*f),
        ExprKind::Call {
            callee: Callee::Direct(f),
            ..
        } => out.push(*f),
        _ => {}
    }
    e.children().for_each(|c| expr_func_refs(c, out));
}

/// Direct calls in a statement, with the span of each call, in source order.
fn stmt_calls(s: &Stmt, out: &mut Vec<(FuncId, Span)>) {
    let mut exprs = Vec::new();
    s.exprs(&mut exprs);
    exprs.into_iter().for_each(|e| expr_calls(e, out));
}

fn expr_calls(e: &Expr, out: &mut Vec<(FuncId, Span)>) {
    if let ExprKind::Call {
        callee: Callee::Direct(f),
        ..
    } = &e.kind
    {
        out.push((*f, e.span));
    }
    e.children().for_each(|c| expr_calls(c, out));
}
