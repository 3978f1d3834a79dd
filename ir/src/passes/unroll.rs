//! Full unrolling of loops whose trip count is a small constant, as clang -O2 does:
//! the body is copied once per iteration and the loop disappears. For BPF this matters
//! twice: the induction variable folds into constant offsets (a load from a constant
//! table becomes a constant, see `constglobal`), and the verifier walks straight-line
//! code once instead of simulating every iteration (verifier.rst: a bounded loop is
//! verified by following each iteration's state, which costs far more verified
//! instructions than the unrolled code).
//!
//! Loops handled: natural loops with one latch whose terminator is a `brif` between
//! the header and an exit block (the rotated shape the frontend emits: guard, body,
//! test at the bottom), entered from exactly one block outside the loop; other exits
//! (an early `return` or `break`) are fine, their users of loop values reached through
//! exit-block parameters (`exit_params`). The trip
//! count is found by evaluating, iteration by iteration, the header parameters that
//! start as constants and evolve through pure arithmetic (`eval.rs` semantics), until
//! the latch condition leaves the loop. Nothing is guessed: if the condition depends
//! on anything else the loop stays. Besides constants, the simulation knows addresses:
//! a global's or a stack slot's plus a constant offset ([`Known`]), so a loop that
//! walks a pointer over a fixed array (`for (p = a; p < a + 4; p++)`) has a trip count
//! too. Addresses of one object compare as their offsets do (C17 6.5.8p5; an object
//! never wraps around the address space), and their difference is a constant.
//!
//! Size rule (clang's full-unroll threshold at -O2 is 150 LLVM instructions for the
//! unrolled code): `trip count × body size <= UNROLL_BUDGET`, where the body size
//! counts the instructions that are not free constants or addresses.
//!
//! Invariants: each copy's latch ends in a `jump` (to the next copy's header, or to
//! the exit after the last iteration), so the unrolled code is loop-free apart from
//! inner loops that were copied whole; values defined in the loop and used after it
//! are renamed to the last copy (when the latch is the loop's only exit, so the last
//! copy dominates every such use; behind other exits they arrive as parameters). Verifier note: the copies keep every
//! check in front of the access it guards (code is copied, never moved).

use std::collections::BTreeSet;

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, DominatorTree};
use crate::dfg::ValueDef;
use crate::entities::{Block, GlobalRef, Inst, StackSlot, Value};
use crate::eval;
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::module::GlobalData;
use crate::opcodes::Opcode;
use crate::passes::constglobal::read_constant;

/// Largest unrolled size (trip count × body size) accepted.
pub const UNROLL_BUDGET: usize = 150;
/// Most iterations simulated while looking for the trip count.
const MAX_TRIP: usize = 128;
/// Most loops unrolled in one function per run (each unroll may grow the function).
const MAX_UNROLLS: usize = 16;

/// Unrolls every eligible loop, innermost first; returns true if any was unrolled.
pub fn run(f: &mut Function) -> bool {
    run_with_globals(f, &[])
}

/// [`run`], knowing the module's data (`globals`): a load from a constant global (a
/// table) at an offset that only depends on induction variables folds to a constant
/// once the loop is unrolled, so it costs nothing in the size rule (clang unrolls such
/// table walks whole and the table disappears; kept, it is a map clang's object lacks
/// and the verifier walks the loop). The simulation reads such loads too, so a loop
/// whose exit depends on a constant table's contents (`while (s[i])` over a string
/// literal) has a trip count.
pub fn run_with_globals(f: &mut Function, globals: &[GlobalData]) -> bool {
    // A function without loops needs neither the dominator tree nor the loop search
    // below; one look at the branches shows it (bench-compile suite: this pass 9.9M ->
    // 8.6M instructions).
    if forward_only(f) {
        f.dfg.resolve_all_aliases();
        return false;
    }
    let mut changed = false;
    let mut tried: BTreeSet<Block> = BTreeSet::new();
    for _ in 0..MAX_UNROLLS {
        f.dfg.resolve_all_aliases();
        let cfg = ControlFlowGraph::compute(f);
        let dt = DominatorTree::compute(f, &cfg);
        let mut loops = find_loops(f, &cfg, &dt);
        // Innermost (smallest) first; ties in layout order of the header.
        loops.sort_by_key(|l| l.blocks.len());
        let mut done = false;
        for l in loops {
            if tried.contains(&l.header) {
                continue;
            }
            tried.insert(l.header);
            if let Some(plan) = plan(f, &cfg, &l, globals) {
                if plan.exit_params && !exit_params(f, &cfg, &dt, &l) {
                    continue;
                }
                unroll(f, &l, &plan);
                done = true;
                break;
            }
        }
        if !done {
            break;
        }
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    changed
}

/// True if every branch goes to a block later in the layout: then the CFG has no
/// cycle, so no loop. (A backward branch does not mean a loop; `find_loops` decides.)
fn forward_only(f: &Function) -> bool {
    // Per block: its position in the layout, plus one (0: not in the layout).
    let mut pos: SecondaryMap<Block, u32> = crate::entities::map_of_len(f.dfg.blocks.len());
    for (n, &b) in (1u32..).zip(f.layout.blocks()) {
        pos[b] = n;
    }
    f.layout.blocks().iter().all(|&b| {
        let Some(term) = f.layout.last_inst(b) else {
            return true;
        };
        f.dfg.insts[term]
            .branch_targets()
            .all(|d| pos[d.block] > pos[b])
    })
}

/// A natural loop with a single latch.
#[derive(Debug)]
struct Loop {
    header: Block,
    latch: Block,
    /// Loop blocks in layout order (the header included).
    blocks: Vec<Block>,
}

fn find_loops(f: &Function, cfg: &ControlFlowGraph, dt: &DominatorTree) -> Vec<Loop> {
    let mut out = Vec::new();
    for &h in f.layout.blocks() {
        if !dt.is_reachable(h) {
            continue;
        }
        let latches: Vec<Block> = cfg
            .pred_blocks(h)
            .into_iter()
            .filter(|&p| dt.is_reachable(p) && dt.dominates(h, p))
            .collect();
        let [latch] = latches[..] else { continue };
        // Body: blocks that reach the latch without passing through the header.
        let mut inside: BTreeSet<Block> = BTreeSet::new();
        inside.insert(h);
        let mut work = vec![latch];
        while let Some(b) = work.pop() {
            if inside.insert(b) {
                work.extend(
                    cfg.pred_blocks(b)
                        .into_iter()
                        .filter(|&p| dt.is_reachable(p)),
                );
            }
        }
        let blocks = f
            .layout
            .blocks()
            .iter()
            .copied()
            .filter(|b| inside.contains(b))
            .collect();
        out.push(Loop {
            header: h,
            latch,
            blocks,
        });
    }
    out
}

/// What `unroll` needs: the trip count and the latch's exit edge.
struct Plan {
    trips: usize,
    /// Index (0 or 1) of the latch `brif` destination that leaves the loop.
    exit_idx: usize,
    /// The block outside the loop whose branch enters the header.
    preheader: Block,
    /// Values of the loop are used outside it behind an exit other than the latch's:
    /// they must first reach their users as parameters of the exit block
    /// ([`exit_params`]).
    exit_params: bool,
}

fn plan(f: &Function, cfg: &ControlFlowGraph, l: &Loop, globals: &[GlobalData]) -> Option<Plan> {
    let in_loop = |b: Block| l.blocks.contains(&b);
    // One entry edge, from one block outside the loop.
    let outside: Vec<&(Block, Inst, usize)> = cfg.preds[l.header]
        .iter()
        .filter(|(p, _, _)| !in_loop(*p))
        .collect();
    let [&(preheader, entry_branch, entry_idx)] = outside[..] else {
        return None;
    };
    // The latch: `brif c, header(..), exit(..)` (either order).
    let latch_term = f.layout.last_inst(l.latch)?;
    let InstData::Brif {
        cond,
        then_dest,
        else_dest,
    } = &f.dfg.insts[latch_term]
    else {
        return None;
    };
    let exit_idx = match (then_dest.block == l.header, else_dest.block == l.header) {
        (true, false) if !in_loop(else_dest.block) => 1,
        (false, true) if !in_loop(then_dest.block) => 0,
        _ => return None,
    };
    let back = if exit_idx == 1 { then_dest } else { else_dest };
    // Other exits are fine only if nothing defined in the loop is used outside it.
    let exits = l
        .blocks
        .iter()
        .map(|&b| cfg.succs[b].iter().filter(|&&s| !in_loop(s)).count())
        .sum::<usize>();
    let exit_params = exits != 1 && loop_values_used_outside(f, l);
    let entry_args = f.dfg.insts[entry_branch]
        .branch_targets()
        .nth(entry_idx)
        .map(|d| d.args.clone())?;
    let params = f.dfg.block_params(l.header).to_vec();
    let mut state: Vec<Option<Known>> = {
        let mut ev = Evaluator {
            f,
            globals,
            in_loop: &l.blocks,
            params: &[],
            state: &[],
            memo: SecondaryMap::new(),
            depth: 0,
        };
        entry_args.iter().map(|&a| ev.eval(a)).collect()
    };
    if state.len() != params.len() || state.iter().all(Option::is_none) {
        return None;
    }
    // Simulate up to MAX_TRIP iterations; parameters known in every one of them are
    // the induction variables.
    let mut induction: Vec<Option<Known>> = state.clone();
    for trip in 1..=MAX_TRIP {
        let mut ev = Evaluator {
            f,
            globals,
            in_loop: &l.blocks,
            params: &params,
            state: &state,
            memo: SecondaryMap::new(),
            depth: 0,
        };
        let c = ev.eval_const(*cond)?;
        let taken = f.dfg.value_type(*cond).zext(c) != 0;
        let leaves = if exit_idx == 0 { taken } else { !taken };
        if leaves {
            let size = body_size(f, l, &params, &induction, globals).max(1);
            return (trip * size <= UNROLL_BUDGET).then_some(Plan {
                trips: trip,
                exit_idx,
                preheader,
                exit_params,
            });
        }
        let next: Vec<Option<Known>> = back.args.iter().map(|&a| ev.eval(a)).collect();
        for (known, n) in induction.iter_mut().zip(&next) {
            if n.is_none() {
                *known = None;
            }
        }
        state = next;
    }
    None
}

/// Instructions that cost something once unrolled: not constants and addresses (they
/// fold into immediates and offsets), not arithmetic on induction variables (it folds
/// to constants; `induction` holds their entry values, None for other parameters), and
/// not loads from a constant table at such an offset.
fn body_size(
    f: &Function,
    l: &Loop,
    params: &[Value],
    induction: &[Option<Known>],
    globals: &[GlobalData],
) -> usize {
    let mut ev = Evaluator {
        f,
        globals,
        in_loop: &l.blocks,
        params,
        state: induction,
        memo: SecondaryMap::new(),
        depth: 0,
    };
    l.blocks
        .iter()
        .flat_map(|&b| f.layout.block_insts(b))
        .filter(|&&i| match &f.dfg.insts[i] {
            InstData::Iconst { .. } | InstData::StackAddr { .. } | InstData::GlobalAddr { .. } => {
                false
            }
            InstData::Load { addr, .. } => !table_addr(f, &mut ev, *addr, globals),
            _ => f.dfg.inst_result(i).is_none_or(|r| ev.eval(r).is_none()),
        })
        .count()
}

/// Whether `v` is a constant table's address plus an offset known once unrolled.
fn table_addr(f: &Function, ev: &mut Evaluator, v: Value, globals: &[GlobalData]) -> bool {
    match ev.eval(v) {
        Some(Known {
            base: Some(Base::Global(g)),
            ..
        }) => f
            .global_refs
            .get(g)
            .is_some_and(|name| globals.iter().any(|d| d.name == *name && d.constant)),
        _ => false,
    }
}

fn loop_values_used_outside(f: &Function, l: &Loop) -> bool {
    let mut defined: BTreeSet<Value> = BTreeSet::new();
    for &b in &l.blocks {
        defined.extend(f.dfg.block_params(b).iter().copied());
        for &i in f.layout.block_insts(b) {
            defined.extend(f.dfg.inst_result(i));
        }
    }
    f.layout
        .blocks()
        .iter()
        .filter(|b| !l.blocks.contains(b))
        .flat_map(|&b| f.layout.block_insts(b))
        .any(|&i| {
            f.dfg.insts[i]
                .operands()
                .any(|v| defined.contains(&f.dfg.resolve_alias(v)))
        })
}

/// Makes every use of a loop value outside the loop go through a parameter of the
/// exit block it sits behind (LLVM's LCSSA form): for each such use, the exit block is
/// the first block outside the loop on its dominator-tree path from the header; every
/// predecessor of that block must be in the loop, and each branch into it passes the
/// value. After unrolling, each copy's branch passes its own copy of the value (a
/// rule's field read in the iteration that matched). Returns false, changing nothing,
/// when some use is not behind such an exit block.
fn exit_params(f: &mut Function, cfg: &ControlFlowGraph, dt: &DominatorTree, l: &Loop) -> bool {
    let in_loop = |b: Block| l.blocks.contains(&b);
    let mut defined: BTreeSet<Value> = BTreeSet::new();
    for &b in &l.blocks {
        defined.extend(f.dfg.block_params(b).iter().copied());
        for &i in f.layout.block_insts(b) {
            defined.extend(f.dfg.inst_result(i));
        }
    }
    // Exit block → the loop values used behind it, in first-use order.
    let mut wanted: Vec<(Block, Vec<Value>)> = Vec::new();
    for &b in f.layout.blocks() {
        if in_loop(b) || !dt.is_reachable(b) {
            continue;
        }
        for &i in f.layout.block_insts(b) {
            for v in f.dfg.insts[i].operands() {
                let v = f.dfg.resolve_alias(v);
                if !defined.contains(&v) {
                    continue;
                }
                // Climb the dominator tree to the block right below the loop.
                let mut e = b;
                while let Some(up) = dt.idom(e).filter(|&u| !in_loop(u)) {
                    e = up;
                }
                let entered_from_loop = dt.idom(e).is_some_and(in_loop)
                    && cfg.pred_blocks(e).iter().all(|&p| in_loop(p));
                if !entered_from_loop {
                    return false;
                }
                match wanted.iter_mut().find(|(x, _)| *x == e) {
                    Some((_, vs)) if !vs.contains(&v) => vs.push(v),
                    Some(_) => {}
                    None => wanted.push((e, vec![v])),
                }
            }
        }
    }
    for (e, vals) in wanted {
        let params: Vec<Value> = vals
            .iter()
            .map(|&v| {
                let ty = f.dfg.value_type(v);
                f.dfg.append_block_param(e, ty)
            })
            .collect();
        for &b in &l.blocks {
            let Some(term) = f.layout.last_inst(b) else {
                continue;
            };
            for d in f.dfg.insts[term].branch_dests_mut() {
                if d.block == e {
                    d.args.extend(vals.iter().copied());
                }
            }
        }
        let behind: Vec<Block> = f
            .layout
            .blocks()
            .iter()
            .copied()
            .filter(|&b| dt.is_reachable(b) && dt.dominates(e, b))
            .collect();
        for b in behind {
            for i in f.layout.block_insts(b).to_vec() {
                let mut data = f.dfg.insts[i].clone();
                data.map_values(|v| {
                    let v = f.dfg.resolve_alias(v);
                    vals.iter().position(|&x| x == v).map_or(v, |k| params[k])
                });
                f.dfg.insts[i] = data;
            }
        }
    }
    true
}

/// Evaluates pure values of one iteration from the header parameters' constants.
/// The object an address points into: its start is unknown until load time, but
/// fixed while the loop runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Base {
    Global(GlobalRef),
    Slot(StackSlot),
}

/// A value the simulation knows: a constant (`base` None), or an address `off` bytes
/// into an object.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Known {
    base: Option<Base>,
    off: i64,
}

impl Known {
    fn constant(off: i64) -> Known {
        Known { base: None, off }
    }
}

struct Evaluator<'a> {
    f: &'a Function,
    /// The module's data, for loads from constant globals.
    globals: &'a [GlobalData],
    in_loop: &'a [Block],
    params: &'a [Value],
    state: &'a [Option<Known>],
    memo: SecondaryMap<Value, Option<Option<Known>>>,
    depth: u32,
}

impl Evaluator<'_> {
    fn eval(&mut self, v: Value) -> Option<Known> {
        let v = self.f.dfg.resolve_alias(v);
        if let Some(known) = self.memo[v] {
            return known;
        }
        if self.depth > 64 {
            return None;
        }
        self.depth += 1;
        let r = self.compute(v);
        self.depth -= 1;
        self.memo[v] = Some(r);
        r
    }

    /// `v` if it is known to be a constant (not an address).
    fn eval_const(&mut self, v: Value) -> Option<i64> {
        self.eval(v).filter(|k| k.base.is_none()).map(|k| k.off)
    }

    fn compute(&mut self, v: Value) -> Option<Known> {
        let f = self.f;
        match f.dfg.value_def(v) {
            ValueDef::Param(..) => {
                let i = self.params.iter().position(|&p| p == v)?;
                self.state.get(i).copied().flatten()
            }
            ValueDef::Alias(_) => None,
            ValueDef::Result(inst) => {
                if f.core_relocs.contains_key(&inst) {
                    return None;
                }
                let address = |base, offset: i32| {
                    Some(Known {
                        base: Some(base),
                        off: i64::from(offset),
                    })
                };
                match f.dfg.insts[inst] {
                    InstData::GlobalAddr { global, offset } => {
                        return address(Base::Global(global), offset);
                    }
                    InstData::StackAddr { slot, offset } => {
                        return address(Base::Slot(slot), offset);
                    }
                    _ => {}
                }
                // Outside the loop only constants and addresses are known.
                let inside = f
                    .layout
                    .inst_block(inst)
                    .is_some_and(|b| self.in_loop.contains(&b));
                if !inside && !matches!(f.dfg.insts[inst], InstData::Iconst { .. }) {
                    return None;
                }
                if let Some(known) = self.address_arith(inst) {
                    return known;
                }
                if let InstData::Load {
                    mem,
                    ext,
                    flags,
                    addr,
                    offset,
                } = f.dfg.insts[inst]
                {
                    return self.constant_load(mem, ext, flags.volatile, addr, offset, v);
                }
                eval::pure_inst(f, inst, |a| self.eval_const(a)).map(Known::constant)
            }
        }
    }

    /// A load of `v` from a constant global at a known offset: what it reads.
    fn constant_load(
        &mut self,
        mem: crate::types::Type,
        ext: crate::types::Ext,
        volatile: bool,
        addr: Value,
        offset: i16,
        v: Value,
    ) -> Option<Known> {
        if volatile {
            return None;
        }
        let Known {
            base: Some(Base::Global(g)),
            off,
        } = self.eval(addr)?
        else {
            return None;
        };
        let name = self.f.global_refs.get(g)?;
        let start = off.checked_add(i64::from(offset))?;
        let to = self.f.dfg.value_type(v);
        read_constant(self.globals, name, start, mem, ext, to).map(Known::constant)
    }

    /// Arithmetic on an address: `a + c`, `a - c` and `c + a` are addresses in the same
    /// object, `a - b` and compares of two addresses in one object work on their
    /// offsets. Some(None) for any other use of an address (unknown), None when no
    /// operand is an address (plain arithmetic, for `eval::pure_inst`).
    fn address_arith(&mut self, inst: Inst) -> Option<Option<Known>> {
        let f = self.f;
        let (op, cmp, x, y) = match f.dfg.insts[inst] {
            InstData::Binary { op, args: [x, y] } => (Some(op), None, x, y),
            InstData::Icmp { cond, args: [x, y] } => (None, Some(cond), x, y),
            _ => return None,
        };
        let (a, b) = (self.eval(x), self.eval(y));
        let is_addr = |k: Option<Known>| k.is_some_and(|k| k.base.is_some());
        if !is_addr(a) && !is_addr(b) {
            return None;
        }
        let (Some(a), Some(b)) = (a, b) else {
            return Some(None);
        };
        let same_object = a.base == b.base;
        Some(match (op, cmp) {
            (Some(Opcode::Iadd), _) if a.base.is_none() || b.base.is_none() => Some(Known {
                base: a.base.or(b.base),
                off: a.off.wrapping_add(b.off),
            }),
            (Some(Opcode::Isub), _) if b.base.is_none() => Some(Known {
                base: a.base,
                off: a.off.wrapping_sub(b.off),
            }),
            (Some(Opcode::Isub), _) if same_object => {
                Some(Known::constant(a.off.wrapping_sub(b.off)))
            }
            // Offsets into one object order as the addresses do.
            (_, Some(cond)) if same_object => Some(Known::constant(i64::from(eval::icmp(
                cond.signed(),
                crate::types::Type::I64,
                a.off,
                b.off,
            )))),
            _ => None,
        })
    }
}

/// Replaces the loop by `plan.trips` copies of its blocks.
fn unroll(f: &mut Function, l: &Loop, plan: &Plan) {
    let n = plan.trips;
    // Fresh blocks and parameters for every copy.
    let mut block_maps: Vec<SecondaryMap<Block, Option<Block>>> = Vec::with_capacity(n);
    let mut value_maps: Vec<SecondaryMap<Value, Option<Value>>> = Vec::with_capacity(n);
    let mut layout_order: Vec<Block> = Vec::new();
    for _ in 0..n {
        let mut bm: SecondaryMap<Block, Option<Block>> = SecondaryMap::new();
        let mut vm: SecondaryMap<Value, Option<Value>> = SecondaryMap::new();
        for &b in &l.blocks {
            let nb = f.dfg.make_block();
            bm[b] = Some(nb);
            layout_order.push(nb);
            for p in f.dfg.block_params(b).to_vec() {
                let ty = f.dfg.value_type(p);
                vm[p] = Some(f.dfg.append_block_param(nb, ty));
            }
        }
        block_maps.push(bm);
        value_maps.push(vm);
    }
    // Instructions: results first, operands after (uses may precede definitions in
    // layout order).
    let mut copies: Vec<(usize, Inst, Inst)> = Vec::new();
    for (k, bm) in block_maps.iter().enumerate() {
        for &b in &l.blocks {
            let Some(nb) = bm[b] else { continue };
            for &i in f.layout.block_insts(b).to_vec().iter() {
                let ni = f.dfg.push_inst(InstData::Unreachable);
                if let Some(r) = f.dfg.inst_result(i) {
                    let ty = f.dfg.value_type(r);
                    value_maps[k][r] = Some(f.dfg.make_inst_result(ni, ty));
                }
                f.layout.append_inst(ni, nb);
                f.srclocs[ni] = f.srclocs[i];
                if let Some(r) = f.core_relocs.get(&i).cloned() {
                    f.core_relocs.insert(ni, r);
                }
                copies.push((k, i, ni));
            }
        }
    }
    let latch_term = f.layout.last_inst(l.latch);
    for &(k, i, ni) in &copies {
        let vm = &value_maps[k];
        let bm = &block_maps[k];
        let mut data = f.dfg.insts[i].clone();
        data.map_values(|v| {
            let v = f.dfg.resolve_alias(v);
            vm[v].unwrap_or(v)
        });
        if Some(i) == latch_term {
            // The latch's condition is known for every iteration: go on or leave.
            if let InstData::Brif {
                then_dest,
                else_dest,
                ..
            } = data
            {
                let (back, exit) = if plan.exit_idx == 1 {
                    (then_dest, else_dest)
                } else {
                    (else_dest, then_dest)
                };
                let dest = match block_maps.get(k + 1).and_then(|m| m[l.header]) {
                    Some(next_header) => BlockCall::new(next_header, back.args),
                    None => exit,
                };
                data = InstData::Jump { dest };
            }
        } else {
            for d in data.branch_dests_mut() {
                if let Some(nb) = bm[d.block] {
                    d.block = nb;
                }
            }
        }
        f.dfg.insts[ni] = data;
    }
    // The preheader enters the first copy.
    if let (Some(term), Some(first)) = (f.layout.last_inst(plan.preheader), block_maps[0][l.header])
    {
        for d in f.dfg.insts[term].branch_dests_mut() {
            if d.block == l.header {
                d.block = first;
            }
        }
    }
    // Uses after the loop see the last iteration's values.
    if let Some(last) = value_maps.last() {
        let outside: Vec<Inst> = f
            .layout
            .blocks()
            .iter()
            .filter(|b| !l.blocks.contains(b))
            .flat_map(|&b| f.layout.block_insts(b).to_vec())
            .collect();
        for i in outside {
            let mut data = f.dfg.insts[i].clone();
            data.map_values(|v| {
                let v = f.dfg.resolve_alias(v);
                last[v].unwrap_or(v)
            });
            f.dfg.insts[i] = data;
        }
    }
    // Layout: the copies take the loop's place.
    let first_pos = f
        .layout
        .blocks()
        .iter()
        .position(|b| l.blocks.contains(b))
        .unwrap_or(f.layout.blocks().len());
    let mut order: Vec<Block> = f
        .layout
        .blocks()
        .iter()
        .copied()
        .filter(|b| !l.blocks.contains(b))
        .collect();
    let at = first_pos.min(order.len());
    order.splice(at..at, layout_order);
    for &b in &l.blocks {
        f.layout.remove_block(b);
    }
    f.layout.set_block_order(order);
    crate::passes::util::prune_core_relocs(f);
}
