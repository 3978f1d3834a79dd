//! Local scheduling for register pressure: within each block, a pure computation
//! (constant, address, arithmetic, comparison, conversion, select) or a non-volatile
//! load moves down to just before its first user, pulling the movable instructions that
//! compute its operands along. C written as "read every field, then compute"
//! (`struct s x = { p[0], p[1], ... }; ... use x ...`) otherwise keeps every loaded
//! value live from its load to its use, and BPF has only r6-r9 across calls and ten
//! registers in all: the values spill to the stack. LLVM's selection DAG reorders a
//! block the same way.
//!
//! What may move (a "movable" instruction), all in one block `b`:
//! - its result is used in `b` and is not live out of `b` (a value used by later blocks
//!   stays where it is);
//! - at most one of its operands would live longer for the move: the others are
//!   constants or stay live up to its first user anyway (used there or later in `b`,
//!   or live out). The one may be the result of a movable instruction, which then
//!   moves along; otherwise the operand's life grows as much as the result's shrinks.
//!
//! A load never moves past an instruction that may write what it reads (store, call,
//! atomic, memcpy/memset, volatile load): before each such instruction, the loads still
//! waiting above it are placed first. A store to a private stack slot (one whose
//! address is only ever used directly as the address of loads and stores, so no other
//! pointer can reach it) holds back only the loads of that slot: a local struct that
//! stays in memory does not pin the packet loads around its initialization. Everything else keeps its order, so side effects happen
//! exactly as before, each instruction still runs once per run of `b`, and no operand
//! is used above its definition (operands are placed before their users).
//!
//! Verifier note: nothing leaves its block, so a packet load stays below the bounds
//! check that guards it (the branch that ends a dominating block).

use cranelift_entity::{EntityRef, SecondaryMap};

use crate::cfg::ControlFlowGraph;
use crate::entities::{Inst, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::sink::{is_sinkable, writes_memory};
use crate::passes::util::const_value;

/// Returns true if any block's order changed.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    let live_out = live_out_sets(f);
    let private = private_slot_addrs(f);
    let mut scratch = Positions::new(f);
    let mut changed = false;
    for &b in &f.layout.blocks().to_vec() {
        let insts = f.layout.block_insts(b).to_vec();
        let order = scratch.record(f, &insts, |pos| {
            schedule_block(f, &insts, pos, &live_out[b.index()], &private)
        });
        if order != insts {
            f.layout.set_block_insts(b, order);
            changed = true;
        }
    }
    changed
}

/// Pure or a plain load: free to run later in its block. Constants and addresses too
/// (a constant placed at its first user is one value fewer to keep in a register).
fn can_move(data: &InstData) -> bool {
    is_sinkable(data)
        || matches!(
            data,
            InstData::Iconst { .. }
                | InstData::StackAddr { .. }
                | InstData::GlobalAddr { .. }
                | InstData::FuncAddr { .. }
        )
}

/// Per `stack_addr` result: its slot, when that slot is private (`loadelim`'s
/// definition: every `stack_addr` of it is used only as the address operand of loads
/// and stores).
fn private_slot_addrs(f: &Function) -> SecondaryMap<Value, Option<StackSlot>> {
    // No slot, no `stack_addr` (see `sroa::run`).
    if f.stack_slots.is_empty() {
        return SecondaryMap::new();
    }
    let private = crate::passes::loadelim::private_slots(f);
    let mut addr_slot: SecondaryMap<Value, Option<StackSlot>> = map_of_len(f.dfg.values.len());
    for i in crate::passes::util::all_insts(f) {
        if let (InstData::StackAddr { slot, .. }, Some(r)) = (&f.dfg.insts[i], f.dfg.inst_result(i))
            && private.contains(slot)
        {
            addr_slot[r] = Some(*slot);
        }
    }
    addr_slot
}

/// The private slot an instruction reads or writes through a direct address, if any.
fn private_slot_of(
    data: &InstData,
    private: &SecondaryMap<Value, Option<StackSlot>>,
) -> Option<StackSlot> {
    match data {
        InstData::Load { addr, .. } => private[*addr],
        InstData::Store { args, .. } => private[args[1]],
        _ => None,
    }
}

/// True when store `w` and load `r` use the same address value at offsets whose byte
/// ranges do not overlap (`*(u32 *)(p + 32) = x` cannot change `p[5]`).
fn disjoint(f: &Function, w: &InstData, r: &InstData) -> bool {
    let (
        InstData::Store {
            args: [val, waddr],
            offset: woff,
            ..
        },
        InstData::Load {
            mem,
            addr: raddr,
            offset: roff,
            ..
        },
    ) = (w, r)
    else {
        return false;
    };
    let wlen = i64::from(f.dfg.value_type(*val).bytes());
    let rlen = i64::from(mem.bytes());
    let (woff, roff) = (i64::from(*woff), i64::from(*roff));
    waddr == raddr && (woff + wlen <= roff || roff + rlen <= woff)
}

/// Positions within the block being scheduled (usize::MAX: not in it, or not used in
/// it). Kept across blocks and cleared after each, so a function's blocks do not each
/// allocate maps as large as its value count.
struct Positions {
    /// Per instruction of the block: its index.
    pos_of: SecondaryMap<Inst, usize>,
    /// Per value: the index of its first and last user in the block.
    first_use: SecondaryMap<Value, usize>,
    last_use: SecondaryMap<Value, usize>,
}

impl Positions {
    /// Empty positions, sized for `f`'s instructions and values up front (growing as
    /// they are first written grew them at almost every write).
    fn new(f: &Function) -> Self {
        fn sized<K: EntityRef>(n: usize) -> SecondaryMap<K, usize> {
            let mut map = SecondaryMap::with_default(usize::MAX);
            map.resize(n);
            map
        }
        Positions {
            pos_of: sized(f.dfg.insts.len()),
            first_use: sized(f.dfg.values.len()),
            last_use: sized(f.dfg.values.len()),
        }
    }

    /// Fills the positions of block `insts`, runs `then` on them, and clears them.
    fn record<T>(&mut self, f: &Function, insts: &[Inst], then: impl FnOnce(&Self) -> T) -> T {
        for (p, &i) in insts.iter().enumerate() {
            self.pos_of[i] = p;
            for v in f.dfg.insts[i].operands() {
                if self.first_use[v] == usize::MAX {
                    self.first_use[v] = p;
                }
                self.last_use[v] = p;
            }
        }
        let out = then(self);
        for &i in insts {
            self.pos_of[i] = usize::MAX;
            for v in f.dfg.insts[i].operands() {
                self.first_use[v] = usize::MAX;
                self.last_use[v] = usize::MAX;
            }
        }
        out
    }
}

/// The new order of one block's instructions `insts`.
fn schedule_block(
    f: &Function,
    insts: &[Inst],
    positions: &Positions,
    live_out: &ValueSet,
    private: &SecondaryMap<Value, Option<StackSlot>>,
) -> Vec<Inst> {
    let n = insts.len();
    let Positions {
        pos_of,
        first_use,
        last_use,
    } = positions;
    // Per position: None if the instruction stays in order, else whether one operand
    // would live longer for the move.
    let mobility: Vec<Option<bool>> = insts
        .iter()
        .map(|&i| {
            let r = f.dfg.inst_result(i)?;
            if !can_move(&f.dfg.insts[i]) || first_use[r] == usize::MAX || live_out.contains(r) {
                return None;
            }
            // Operands whose life would run on to the new place: one at most, so that
            // the move never adds to the values live at once. (A movable instruction
            // has at most three operands: they are counted in place.)
            let dest = first_use[r];
            let mut seen = [None::<Value>; 3];
            let mut longer = 0;
            for o in f.dfg.insts[i].operands() {
                if seen.contains(&Some(o)) {
                    continue;
                }
                match seen.iter_mut().find(|s| s.is_none()) {
                    Some(slot) => *slot = Some(o),
                    None => return None,
                }
                let live_there =
                    live_out.contains(o) || (last_use[o] != usize::MAX && last_use[o] >= dest);
                if !(live_there || const_value(f, o).is_some()) {
                    longer += 1;
                }
            }
            (longer <= 1).then_some(longer == 1)
        })
        .collect();
    let movable: Vec<bool> = mobility.iter().map(Option::is_some).collect();
    if !movable.iter().any(|&m| m) {
        return insts.to_vec();
    }
    let mut out = Placement {
        placed: vec![false; n],
        order: Vec::with_capacity(n),
        stack: Vec::new(),
    };
    // Movable instructions not placed yet, in their original order.
    let mut waiting: Vec<usize> = Vec::new();
    for p in 0..n {
        let data = &f.dfg.insts[insts[p]];
        if movable[p] {
            waiting.push(p);
            continue;
        }
        let is_call = matches!(data, InstData::Call { .. } | InstData::CallHelper { .. });
        if writes_memory(data) {
            // A store to a private slot can only change loads of that slot.
            let only = private_slot_of(data, private);
            waiting.retain(|&w| {
                let held = match &f.dfg.insts[insts[w]] {
                    load @ InstData::Load { .. } => {
                        only.is_none_or(|s| private_slot_of(load, private) == Some(s))
                            && !disjoint(f, data, load)
                    }
                    // Across a call, a value that lengthens an operand's life would
                    // keep both in the few registers calls preserve (r6-r9).
                    _ => is_call && mobility[w] == Some(true),
                };
                if held {
                    out.place(f, insts, pos_of, &movable, w);
                }
                !held && !out.placed[w]
            });
        }
        out.place(f, insts, pos_of, &movable, p);
    }
    // Every movable instruction has a user in the block, so placing the others places
    // it. Should that ever fail, the block keeps its order rather than lose code.
    debug_assert_eq!(out.order.len(), n, "every instruction placed once");
    if out.order.len() == n {
        out.order
    } else {
        insts.to_vec()
    }
}

/// The new order of a block as it is built.
struct Placement {
    /// Per position: already in `order`.
    placed: Vec<bool>,
    order: Vec<Inst>,
    /// Scratch for [`Placement::place`]: (position, how many of its operands are
    /// handled).
    stack: Vec<(usize, usize)>,
}

impl Placement {
    /// Places the instruction at position `p`, after the movable instructions of this
    /// block that compute its operands (in the order it reads them) not yet placed.
    /// With an explicit stack: a long expression chain is as deep as it is long.
    /// Operands are read in place (`operands().nth`: a movable instruction has at most
    /// three).
    fn place(
        &mut self,
        f: &Function,
        insts: &[Inst],
        pos_of: &SecondaryMap<Inst, usize>,
        movable: &[bool],
        p: usize,
    ) {
        if self.placed[p] {
            return;
        }
        self.placed[p] = true;
        self.stack.clear();
        self.stack.push((p, 0));
        while let Some((q, next)) = self.stack.last_mut() {
            let Some(v) = f.dfg.insts[insts[*q]].operands().nth(*next) else {
                self.order.push(insts[*q]);
                self.stack.pop();
                continue;
            };
            *next += 1;
            if let crate::dfg::ValueDef::Result(d) = f.dfg.value_def(v) {
                let r = pos_of[d];
                if r != usize::MAX && movable[r] && !self.placed[r] {
                    self.placed[r] = true;
                    self.stack.push((r, 0));
                }
            }
        }
    }
}

/// A set of values as a bit set over their indices.
#[derive(Clone, Default)]
struct ValueSet(Vec<u64>);

impl ValueSet {
    fn contains(&self, v: Value) -> bool {
        let i = v.index();
        self.0.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0)
    }
    fn insert(&mut self, v: Value) {
        let i = v.index();
        if self.0.len() <= i / 64 {
            self.0.resize(i / 64 + 1, 0);
        }
        self.0[i / 64] |= 1 << (i % 64);
    }
    /// Adds every member of `other`; true if that added any.
    fn union_with(&mut self, other: &ValueSet) -> bool {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut grew = false;
        for (w, &o) in self.0.iter_mut().zip(&other.0) {
            grew |= o & !*w != 0;
            *w |= o;
        }
        grew
    }
}

/// Per block (by index), the values live at its end: classic backward liveness, where
/// a branch argument is a use in the branching block and a block parameter is defined
/// at its block's start.
fn live_out_sets(f: &Function) -> Vec<ValueSet> {
    let cfg = ControlFlowGraph::compute(f);
    let blocks = f.layout.blocks().to_vec();
    let size = blocks.iter().map(|b| b.index() + 1).max().unwrap_or(0);
    // Per block: values used before any definition in it (upward-exposed), and defined.
    let mut gen_: Vec<ValueSet> = vec![ValueSet::default(); size];
    let mut kill: Vec<ValueSet> = vec![ValueSet::default(); size];
    for &b in &blocks {
        let (g, k) = (&mut gen_[b.index()], &mut kill[b.index()]);
        for &p in f.dfg.block_params(b) {
            k.insert(p);
        }
        for &i in f.layout.block_insts(b) {
            for v in f.dfg.insts[i].operands() {
                if !k.contains(v) {
                    g.insert(v);
                }
            }
            if let Some(r) = f.dfg.inst_result(i) {
                k.insert(r);
            }
        }
    }
    let mut live_in = gen_.clone();
    let mut live_out = vec![ValueSet::default(); size];
    let mut changed = true;
    while changed {
        changed = false;
        for &b in blocks.iter().rev() {
            let bi = b.index();
            let mut out = std::mem::take(&mut live_out[bi]);
            for &s in &cfg.succs[b] {
                out.union_with(&live_in[s.index()]);
            }
            // live_in(b) grows by what is live out of b and not defined in it.
            let (inn, kill_b) = (&mut live_in[bi].0, &kill[bi].0);
            if inn.len() < out.0.len() {
                inn.resize(out.0.len(), 0);
            }
            for (k, (w, &o)) in inn.iter_mut().zip(&out.0).enumerate() {
                let add = o & !kill_b.get(k).copied().unwrap_or(0);
                changed |= add & !*w != 0;
                *w |= add;
            }
            live_out[bi] = out;
        }
    }
    live_out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_set_members() {
        let mut s = ValueSet::default();
        let (a, b) = (Value::new(3), Value::new(130));
        s.insert(a);
        s.insert(b);
        assert!(s.contains(a) && s.contains(b) && !s.contains(Value::new(4)));
        let mut t = ValueSet::default();
        assert!(t.union_with(&s));
        assert!(!t.union_with(&s));
        assert!(t.contains(b));
    }
}
