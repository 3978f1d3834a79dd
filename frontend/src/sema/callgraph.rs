//! The recursion check: BPF has no recursion (the verifier rejects call cycles), so a
//! cycle in the direct call graph (`f` → `f`, or `f` → `g` → `f`) is a compile error at
//! the call that closes the cycle (E0307), never a program the kernel refuses later.
//!
//! Invariant: the walk visits functions and call sites in id/source order, so the
//! reported call is deterministic.

use super::tast::{
    Callee, Expr, ExprKind, FuncId, Init, InitValue, Linkage, Program, Stmt, StmtKind,
};
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
    match i {
        Init::Expr(e) => expr_func_refs(e, out),
        Init::List(items) => {
            for it in items {
                if let InitValue::Expr(e) = &it.value {
                    expr_func_refs(e, out);
                }
            }
        }
    }
}

/// Functions named anywhere in a statement (calls included).
fn stmt_func_refs(s: &Stmt, out: &mut Vec<FuncId>) {
    let mut exprs: Vec<&Expr> = Vec::new();
    collect_stmt_exprs(s, &mut exprs);
    for e in exprs {
        expr_func_refs(e, out);
    }
}

fn collect_stmt_exprs<'a>(s: &'a Stmt, out: &mut Vec<&'a Expr>) {
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => out.push(e),
        StmtKind::Decl(_, Some(init)) => match init {
            Init::Expr(e) => out.push(e),
            Init::List(items) => {
                for it in items {
                    if let InitValue::Expr(e) = &it.value {
                        out.push(e);
                    }
                }
            }
        },
        StmtKind::Block(ss) => ss.iter().for_each(|s| collect_stmt_exprs(s, out)),
        StmtKind::If(c, t, e) => {
            out.push(c);
            collect_stmt_exprs(t, out);
            if let Some(e) = e {
                collect_stmt_exprs(e, out);
            }
        }
        StmtKind::While(c, b) | StmtKind::DoWhile(b, c) => {
            out.push(c);
            collect_stmt_exprs(b, out);
        }
        StmtKind::For {
            init,
            cond,
            step,
            body,
        } => {
            init.iter().for_each(|s| collect_stmt_exprs(s, out));
            if let Some(c) = cond {
                out.push(c);
            }
            if let Some(c) = step {
                out.push(c);
            }
            collect_stmt_exprs(body, out);
        }
        StmtKind::Switch { cond, body, .. } => {
            out.push(cond);
            collect_stmt_exprs(body, out);
        }
        StmtKind::Label(_, b) => collect_stmt_exprs(b, out),
        _ => {}
    }
}

fn expr_func_refs(e: &Expr, out: &mut Vec<FuncId>) {
    match &e.kind {
        ExprKind::Func(f) => out.push(*f),
        ExprKind::Call { callee, args } => {
            if let Callee::Direct(f) = callee {
                out.push(*f);
            }
            args.iter().for_each(|a| expr_func_refs(a, out));
        }
        ExprKind::Builtin(_, args) => args.iter().for_each(|a| expr_func_refs(a, out)),
        ExprKind::Int(_) | ExprKind::Local(_) | ExprKind::Global(_) => {}
        ExprKind::Deref(a)
        | ExprKind::Load(a)
        | ExprKind::Decay(a)
        | ExprKind::AddrOf(a)
        | ExprKind::Cast(_, a)
        | ExprKind::Unary(_, a)
        | ExprKind::IncDec { lhs: a, .. }
        | ExprKind::Member { base: a, .. } => expr_func_refs(a, out),
        ExprKind::Binary(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::LogAnd(a, b)
        | ExprKind::LogOr(a, b)
        | ExprKind::Comma(a, b)
        | ExprKind::Assign(a, b)
        | ExprKind::PtrAdd { ptr: a, idx: b, .. }
        | ExprKind::PtrDiff { lhs: a, rhs: b, .. }
        | ExprKind::CompoundAssign { lhs: a, rhs: b, .. } => {
            expr_func_refs(a, out);
            expr_func_refs(b, out);
        }
        ExprKind::Cond(a, b, c) => {
            expr_func_refs(a, out);
            expr_func_refs(b, out);
            expr_func_refs(c, out);
        }
        ExprKind::StmtExpr(ss, v) => {
            ss.iter().for_each(|s| stmt_func_refs(s, out));
            if let Some(v) = v {
                expr_func_refs(v, out);
            }
        }
        ExprKind::CompoundLit(_, init) => init_func_refs(init, out),
        ExprKind::CoreFieldAddr { base, .. } => expr_func_refs(base, out),
        ExprKind::CoreConst(_) => {}
    }
}

fn stmt_calls(s: &Stmt, out: &mut Vec<(FuncId, Span)>) {
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => expr_calls(e, out),
        StmtKind::Decl(_, Some(init)) => init_calls(init, out),
        StmtKind::Block(ss) => ss.iter().for_each(|s| stmt_calls(s, out)),
        StmtKind::If(c, t, e) => {
            expr_calls(c, out);
            stmt_calls(t, out);
            if let Some(e) = e {
                stmt_calls(e, out);
            }
        }
        StmtKind::While(c, b) => {
            expr_calls(c, out);
            stmt_calls(b, out);
        }
        StmtKind::DoWhile(b, c) => {
            stmt_calls(b, out);
            expr_calls(c, out);
        }
        StmtKind::For {
            init,
            cond,
            step,
            body,
        } => {
            init.iter().for_each(|s| stmt_calls(s, out));
            if let Some(c) = cond {
                expr_calls(c, out);
            }
            if let Some(c) = step {
                expr_calls(c, out);
            }
            stmt_calls(body, out);
        }
        StmtKind::Switch { cond, body, .. } => {
            expr_calls(cond, out);
            stmt_calls(body, out);
        }
        StmtKind::Label(_, b) => stmt_calls(b, out),
        StmtKind::Decl(_, None)
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Return(None)
        | StmtKind::Goto(_)
        | StmtKind::Null => {}
    }
}

fn init_calls(i: &Init, out: &mut Vec<(FuncId, Span)>) {
    match i {
        Init::Expr(e) => expr_calls(e, out),
        Init::List(items) => {
            for it in items {
                if let InitValue::Expr(e) = &it.value {
                    expr_calls(e, out);
                }
            }
        }
    }
}

fn expr_calls(e: &Expr, out: &mut Vec<(FuncId, Span)>) {
    match &e.kind {
        ExprKind::Call { callee, args } => {
            if let Callee::Direct(f) = callee {
                out.push((*f, e.span));
            }
            args.iter().for_each(|a| expr_calls(a, out));
        }
        ExprKind::Builtin(_, args) => args.iter().for_each(|a| expr_calls(a, out)),
        ExprKind::Int(_) | ExprKind::Local(_) | ExprKind::Global(_) | ExprKind::Func(_) => {}
        ExprKind::Deref(a)
        | ExprKind::Load(a)
        | ExprKind::Decay(a)
        | ExprKind::AddrOf(a)
        | ExprKind::Cast(_, a)
        | ExprKind::Unary(_, a)
        | ExprKind::IncDec { lhs: a, .. }
        | ExprKind::Member { base: a, .. } => expr_calls(a, out),
        ExprKind::Binary(_, a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::LogAnd(a, b)
        | ExprKind::LogOr(a, b)
        | ExprKind::Comma(a, b)
        | ExprKind::Assign(a, b)
        | ExprKind::PtrAdd { ptr: a, idx: b, .. }
        | ExprKind::PtrDiff { lhs: a, rhs: b, .. }
        | ExprKind::CompoundAssign { lhs: a, rhs: b, .. } => {
            expr_calls(a, out);
            expr_calls(b, out);
        }
        ExprKind::Cond(a, b, c) => {
            expr_calls(a, out);
            expr_calls(b, out);
            expr_calls(c, out);
        }
        ExprKind::StmtExpr(ss, v) => {
            ss.iter().for_each(|s| stmt_calls(s, out));
            if let Some(v) = v {
                expr_calls(v, out);
            }
        }
        ExprKind::CompoundLit(_, init) => init_calls(init, out),
        ExprKind::CoreFieldAddr { base, .. } => expr_calls(base, out),
        ExprKind::CoreConst(_) => {}
    }
}
