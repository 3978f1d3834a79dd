//! Lowering of statements into blocks: structured control flow, `goto`/labels, and
//! `switch` as a chain of compares (BPF has no indirect jumps, so no jump tables).
//!
//! Invariants: a block is sealed as soon as all its predecessors are known (loop
//! headers after their back edge); label blocks, which `goto` may reach from anywhere,
//! are sealed when the function is finished. Case ranges (`case 1 ... 5:`) compare
//! `(x - lo) <=u (hi - lo)`.

use super::func::FnLower;
use crate::sema::tast::{Stmt, StmtKind};
use ir::IntCC;

impl FnLower<'_, '_> {
    pub fn stmt(&mut self, s: &Stmt) {
        self.at(s.span);
        match &s.kind {
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Decl(l, init) => {
                // A constant initializer of an aggregate: `constinit.rs`.
                if let Some(init) = init
                    && !self.init_decl_const(*l, init)
                {
                    self.init_local(*l, init);
                }
            }
            StmtKind::Block(ss) => {
                for s in ss {
                    self.stmt(s);
                }
            }
            StmtKind::If(c, t, e) => {
                let tb = self.b.create_block();
                let end = self.b.create_block();
                let eb = if e.is_some() {
                    self.b.create_block()
                } else {
                    end
                };
                self.cond_branch(c, tb, eb);
                self.b.seal_block(tb);
                self.b.switch_to_block(tb);
                self.stmt(t);
                self.jump_open(end);
                if let Some(e) = e {
                    self.b.seal_block(eb);
                    self.b.switch_to_block(eb);
                    self.stmt(e);
                    self.jump_open(end);
                }
                self.b.seal_block(end);
                self.b.switch_to_block(end);
            }
            // Loops are rotated as clang rotates them at -O2: a guard before the
            // loop, then the body, then the test at the bottom jumping back. Each
            // iteration runs (and the verifier walks) one branch instead of a test
            // plus a jump back.
            StmtKind::While(c, body) => {
                let bb = self.b.create_block();
                let cb = self.b.create_block();
                let exit = self.b.create_block();
                self.cond_branch(c, bb, exit);
                self.b.switch_to_block(bb);
                self.breaks.push(exit);
                self.continues.push(cb);
                self.stmt(body);
                self.breaks.pop();
                self.continues.pop();
                self.jump_open(cb);
                self.b.seal_block(cb);
                self.b.switch_to_block(cb);
                self.at(c.span);
                self.cond_branch(c, bb, exit);
                self.b.seal_block(bb);
                self.b.seal_block(exit);
                self.b.switch_to_block(exit);
            }
            StmtKind::DoWhile(body, c) => {
                let bb = self.b.create_block();
                let cb = self.b.create_block();
                let exit = self.b.create_block();
                self.b.jump(bb, vec![]);
                self.b.switch_to_block(bb);
                self.breaks.push(exit);
                self.continues.push(cb);
                self.stmt(body);
                self.breaks.pop();
                self.continues.pop();
                self.jump_open(cb);
                self.b.seal_block(cb);
                self.b.switch_to_block(cb);
                self.cond_branch(c, bb, exit);
                self.b.seal_block(bb);
                self.b.seal_block(exit);
                self.b.switch_to_block(exit);
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                for s in init {
                    self.stmt(s);
                }
                let bb = self.b.create_block();
                let sb = self.b.create_block();
                let exit = self.b.create_block();
                match cond {
                    Some(c) => self.cond_branch(c, bb, exit),
                    None => {
                        self.b.jump(bb, vec![]);
                    }
                }
                self.b.switch_to_block(bb);
                self.breaks.push(exit);
                self.continues.push(sb);
                self.stmt(body);
                self.breaks.pop();
                self.continues.pop();
                self.jump_open(sb);
                self.b.seal_block(sb);
                self.b.switch_to_block(sb);
                if let Some(st) = step {
                    self.rvalue(st);
                }
                match cond {
                    Some(c) => self.cond_branch(c, bb, exit),
                    None => {
                        self.b.jump(bb, vec![]);
                    }
                }
                self.b.seal_block(bb);
                self.b.seal_block(exit);
                self.b.switch_to_block(exit);
            }
            StmtKind::Break => {
                if let Some(&b) = self.breaks.last() {
                    self.b.jump(b, vec![]);
                }
            }
            StmtKind::Continue => {
                if let Some(&b) = self.continues.last() {
                    self.b.jump(b, vec![]);
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => {
                        let v = self.rvalue(e);
                        self.at(s.span);
                        v
                    }
                    None => None,
                };
                if let (Some(dst), Some(e), Some(src)) = (self.sret, e, v) {
                    // An aggregate result goes to the caller's slot (`byvalue.rs`).
                    self.copy_agg(dst, src, e.ty);
                }
                let want = self.b.func.sig.ret;
                let v = match (v, want) {
                    (Some(v), Some(t)) => {
                        let signed = e
                            .as_ref()
                            .is_some_and(|e| super::func::is_signed(self.tt(), e.ty));
                        Some(self.resize(v, t, signed))
                    }
                    (None, Some(t)) => Some(self.b.iconst(t, 0)),
                    (_, None) => None,
                };
                self.b.ret(v);
            }
            StmtKind::Switch {
                cond,
                cases,
                default,
                body,
            } => {
                let v = self.value(cond);
                let exit = self.b.create_block();
                let dflt = match default {
                    Some(l) => self.label_block(*l),
                    None => exit,
                };
                let signed = super::func::is_signed(self.tt(), cond.ty);
                let mut sorted: Vec<(i128, i128, ir::Block)> = Vec::with_capacity(cases.len());
                for &(lo, hi, label) in cases {
                    let target = self.label_block(label);
                    sorted.push((lo, hi, target));
                }
                sorted.sort_by_key(|c| c.0);
                self.switch_dispatch(v, signed, &sorted, dflt);
                self.breaks.push(exit);
                // The body starts unreachable: only case labels enter it.
                let start = self.b.create_block();
                self.b.seal_block(start);
                self.b.switch_to_block(start);
                self.stmt(body);
                self.breaks.pop();
                self.jump_open(exit);
                self.b.seal_block(exit);
                self.b.switch_to_block(exit);
            }
            StmtKind::Label(l, inner) => {
                let blk = self.label_block(*l);
                self.jump_open(blk);
                self.b.switch_to_block(blk);
                self.stmt(inner);
            }
            StmtKind::Goto(l) => {
                let blk = self.label_block(*l);
                self.b.jump(blk, vec![]);
            }
            StmtKind::Null => {}
        }
    }

    /// Jumps to `b` unless the current block already ended (after `return`, `break`,
    /// `goto`...): no edges from dead code, so no block parameters fed by it.
    fn jump_open(&mut self, b: ir::Block) {
        if self.b.is_filled() {
            return;
        }
        if self.b.is_unreachable() {
            self.b.unreachable();
        } else {
            self.b.jump(b, vec![]);
        }
    }

    /// An expression statement. A `__sync_fetch_and_<op>` (or `__sync_<op>_and_fetch`)
    /// whose result is unused
    /// becomes a non-fetching atomic (BPF's original `lock` add/or/and/xor, which
    /// every cpu version has; the fetch forms need -mcpu=v3), as clang emits it.
    fn expr_stmt(&mut self, e: &crate::sema::tast::Expr) {
        use crate::sema::tast::{Builtin, CastKind, ExprKind};
        let inner = match &e.kind {
            ExprKind::Cast(CastKind::ToVoid, x) => x.as_ref(),
            _ => e,
        };
        if let ExprKind::Builtin(Builtin::AtomicFetch(op) | Builtin::AtomicOpFetch(op), args) =
            &inner.kind
            && *op != crate::sema::tast::AtomicOp::Xchg
        {
            self.atomic_no_fetch(inner, *op, args);
            return;
        }
        self.rvalue(e);
    }

    /// Dispatches `v` to the case blocks (sorted, non-overlapping ranges): a binary
    /// search on the case values for large switches, then chains of compares. BPF has
    /// no indirect jump, so there are no jump tables.
    fn switch_dispatch(
        &mut self,
        v: ir::Value,
        signed: bool,
        cases: &[(i128, i128, ir::Block)],
        dflt: ir::Block,
    ) {
        let t = self.b.func.dfg.value_type(v);
        if cases.len() > 4 {
            let mid = cases.len() / 2;
            let (lo_half, hi_half) = cases.split_at(mid);
            let k = self.b.iconst(t, hi_half[0].0 as i64);
            let cc = if signed { IntCC::Slt } else { IntCC::Ult };
            let c = self.b.icmp(cc, v, k);
            let left = self.b.create_block();
            let right = self.b.create_block();
            self.b.brif(c, left, vec![], right, vec![]);
            for (blk, half) in [(left, lo_half), (right, hi_half)] {
                self.b.seal_block(blk);
                self.b.switch_to_block(blk);
                self.switch_dispatch(v, signed, half, dflt);
            }
            return;
        }
        for &(lo, hi, target) in cases {
            let next = self.b.create_block();
            let c = if lo == hi {
                let k = self.b.iconst(t, lo as i64);
                self.b.icmp(IntCC::Eq, v, k)
            } else {
                let k = self.b.iconst(t, lo as i64);
                let d = self.b.isub(v, k);
                let span = self.b.iconst(t, (hi - lo) as i64);
                self.b.icmp(IntCC::Ule, d, span)
            };
            self.b.brif(c, target, vec![], next, vec![]);
            self.b.seal_block(next);
            self.b.switch_to_block(next);
        }
        self.b.jump(dflt, vec![]);
    }
}
