//! The recursion check: BPF has no recursion (the verifier rejects call cycles), so a
//! cycle in the direct call graph (`f` → `f`, or `f` → `g` → `f`) is a compile error at
//! the call that closes the cycle (E0307), never a program the kernel refuses later.
//!
//! Invariant: the walk visits functions and call sites in id/source order, so the
//! reported call is deterministic.

use super::tast::{Callee, Expr, ExprKind, FuncId, Init, InitValue, Program, Stmt, StmtKind};
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
                    Some(1) => {
                        if reported.insert((span.file, span.start)) {
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
    }
}
