//! CFG simplification: `brif` with two identical targets becomes `jump`; jumps through
//! empty blocks are threaded to their final target; an edge whose block arguments
//! decide the target block's `brif` goes straight to the side it takes ("jump
//! threading": `p = NULL; if (c) p = q; if (p) ...`, and a condition tested again on
//! a path that tested it already); a block that is the only
//! predecessor of its `jump` target absorbs it; blocks unreachable from the entry are
//! removed.
//!
//! Invariants: the entry block stays first and is never a branch target; block
//! parameters of a merged block become aliases of the jump's arguments. Verifier
//! note: no instruction is moved across a branch, so checks keep guarding accesses.

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, EdgeLists, reverse_post_order};
use crate::entities::{Block, Inst, Value, map_of_len};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::passes::util::use_counts;

/// Returns true if anything changed.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    // The CFG as the last step that changed something left it: each step reads it, and
    // only a step that changed the function makes the next one compute it again (the
    // last round, which changes nothing, computes it once).
    let mut cfg = None;
    loop {
        let mut round = false;
        for step in [
            fold_same_target_brif,
            thread_jumps,
            thread_known_branches,
            fold_known_branches,
            merge_blocks,
            remove_unreachable,
        ] {
            if step(f, &mut cfg) {
                cfg = None;
                round = true;
            }
        }
        if !round {
            break;
        }
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    crate::passes::util::prune_core_relocs(f);
    changed
}

/// The CFG of `f` in `cached`, computed if it is not there.
fn cfg_of<'a>(f: &Function, cached: &'a mut Option<ControlFlowGraph>) -> &'a ControlFlowGraph {
    cached.get_or_insert_with(|| ControlFlowGraph::compute(f))
}

fn terminator(f: &Function, b: Block) -> Option<Inst> {
    f.layout
        .last_inst(b)
        .filter(|&i| f.dfg.insts[i].is_terminator())
}

fn same_call(f: &Function, a: &BlockCall, b: &BlockCall) -> bool {
    a.block == b.block
        && a.args.len() == b.args.len()
        && a.args
            .iter()
            .zip(&b.args)
            .all(|(&x, &y)| f.dfg.resolve_alias(x) == f.dfg.resolve_alias(y))
}

fn fold_same_target_brif(f: &mut Function, _: &mut Option<ControlFlowGraph>) -> bool {
    let mut changed = false;
    for b in f.layout.blocks().to_vec() {
        let Some(t) = terminator(f, b) else { continue };
        if let InstData::Brif {
            then_dest,
            else_dest,
            ..
        } = &f.dfg.insts[t]
            && same_call(f, then_dest, else_dest)
        {
            let dest = then_dest.clone();
            f.dfg.insts[t] = InstData::Jump { dest };
            changed = true;
        }
    }
    changed
}

/// Destination `d` of branch `inst` if it still goes to `b` (a pass works from the
/// edge list of its start: edges moved since are skipped).
fn edge_into(f: &Function, inst: Inst, d: usize, b: Block) -> Option<BlockCall> {
    f.dfg.insts[inst]
        .branch_targets()
        .nth(d)
        .map(|e| (*e).clone())
        .filter(|e| e.block == b)
}

/// The jump of `b` when it holds nothing else and is not the entry block.
fn lone_jump(f: &Function, b: Block) -> Option<(Inst, &BlockCall)> {
    match f.layout.block_insts(b) {
        [t] if Some(b) != f.entry_block() => match &f.dfg.insts[*t] {
            InstData::Jump { dest } => Some((*t, dest)),
            _ => None,
        },
        _ => None,
    }
}

fn thread_jumps(f: &mut Function, cached: &mut Option<ControlFlowGraph>) -> bool {
    // Only blocks that hold nothing but a jump qualify (few, after the first round):
    // the use counts and the CFG are needed only when there is one.
    if !f.layout.blocks().iter().any(|&b| lone_jump(f, b).is_some()) {
        return false;
    }
    let uses = use_counts(f);
    let cfg = cfg_of(f, cached);
    let mut changed = false;
    for b in f.layout.blocks().to_vec() {
        let Some((t, dest)) = lone_jump(f, b).map(|(t, d)| (t, d.clone())) else {
            continue;
        };
        if dest.block == b {
            continue;
        }
        let params = f.dfg.block_params(b).to_vec();
        // The block's parameters must not be used past it (only in its own jump).
        let escapes = params.iter().any(|&p| {
            let own = dest
                .args
                .iter()
                .filter(|&&a| f.dfg.resolve_alias(a) == p)
                .count();
            uses[p] as usize != own
        });
        if escapes {
            continue;
        }
        for &(_, inst, d) in &cfg.preds[b] {
            if inst == t {
                continue;
            }
            let Some(edge) = edge_into(f, inst, d, b) else {
                continue;
            };
            if edge.args.len() != params.len() {
                continue;
            }
            let args = dest
                .args
                .iter()
                .map(|&a| {
                    let a = f.dfg.resolve_alias(a);
                    match params.iter().position(|&p| p == a) {
                        Some(i) => edge.args[i],
                        None => a,
                    }
                })
                .collect();
            if let Some(e) = f.dfg.insts[inst].branch_dests_mut().into_iter().nth(d) {
                *e = BlockCall::new(dest.block, args);
                changed = true;
            }
        }
    }
    changed
}

/// A block whose `brif` the edge into it may decide: the branch and the pure
/// arithmetic before it, on the block's parameters and constants. Its values
/// (parameters included) may be used outside it only in blocks it reaches through a
/// chain of blocks with one predecessor each ([`chained_blocks`]): an edge threaded
/// past it must not reach those.
struct Decidable {
    params: Vec<Value>,
    insts: Vec<Inst>,
    branch: Inst,
}

/// `b` as a [`Decidable`] when it ends in a `brif` after pure instructions only (the
/// cheap part of the test, which needs no use lists).
fn decidable(f: &Function, b: Block) -> Option<Decidable> {
    let (&branch, body) = f.layout.block_insts(b).split_last()?;
    let pure = body.iter().all(|&i| {
        matches!(
            f.dfg.insts[i],
            InstData::Iconst { .. }
                | InstData::Icmp { .. }
                | InstData::Binary { .. }
                | InstData::Unary { .. }
                | InstData::Convert { .. }
        )
    });
    if !pure || !matches!(f.dfg.insts[branch], InstData::Brif { .. }) {
        return None;
    }
    Some(Decidable {
        params: f.dfg.block_params(b).to_vec(),
        insts: body.to_vec(),
        branch,
    })
}

/// The blocks below `b` that use its values, with the single-predecessor chains that
/// lead to them from `b`; `None` if some use is elsewhere (then no edge into `b` may
/// skip it). Needed only once an edge is decided, which most blocks never are.
fn chained_blocks(
    f: &Function,
    cfg: &ControlFlowGraph,
    users: &EdgeLists<Block, Value>,
    b: Block,
    d: &Decidable,
) -> Option<std::collections::HashSet<Block>> {
    let defined = d
        .params
        .iter()
        .copied()
        .chain(d.insts.iter().filter_map(|&i| f.dfg.inst_result(i)));
    let mut chained = std::collections::HashSet::new();
    let mut outside: Vec<Block> = defined
        .flat_map(|v| users[v].iter().copied())
        .filter(|&u| u != b)
        .collect();
    outside.sort_unstable();
    outside.dedup();
    for u in outside {
        let mut at = u;
        let mut chain = Vec::new();
        loop {
            chain.push(at);
            match &cfg.preds[at] {
                [(p, _, _)] if *p == b => break,
                [(p, _, _)] if !chain.contains(p) && chain.len() < 64 => at = *p,
                _ => return None,
            }
        }
        chained.extend(chain);
    }
    Some(chained)
}

/// The side (0: then, 1: else) `d`'s branch takes when its parameters are `args`,
/// if the constants among them decide it.
fn decided_side(
    f: &Function,
    d: &Decidable,
    args: &[Value],
    facts: &[(Value, bool)],
) -> Option<usize> {
    use crate::eval;
    use crate::passes::util::const_value;
    let mut known: std::collections::HashMap<Value, i64> = std::collections::HashMap::new();
    for (&p, &a) in d.params.iter().zip(args) {
        if let Some(c) = const_value(f, a) {
            known.insert(p, c);
        }
    }
    let get = |known: &std::collections::HashMap<Value, i64>, v: Value| {
        let v = f.dfg.resolve_alias(v);
        known.get(&v).copied().or_else(|| const_value(f, v))
    };
    for &i in &d.insts {
        let Some(r) = f.dfg.inst_result(i) else {
            continue;
        };
        if let Some(c) = eval::pure_inst(f, i, |v| get(&known, v)) {
            known.insert(r, c);
        }
    }
    let InstData::Brif { cond, .. } = f.dfg.insts[d.branch] else {
        return None;
    };
    let cond = f.dfg.resolve_alias(cond);
    if let Some(&(_, truth)) = facts.iter().find(|(v, _)| *v == cond) {
        return Some(if truth { 0 } else { 1 });
    }
    let c = get(&known, cond)?;
    let cty = f.dfg.value_type(cond);
    Some(if cty.zext(c) != 0 { 0 } else { 1 })
}

/// Sends each edge whose arguments decide its target's `brif` (see [`decidable`])
/// to the side taken, with the arguments that side gets. The target block stays for
/// its other edges (or goes, unreachable).
fn thread_known_branches(f: &mut Function, cached: &mut Option<ControlFlowGraph>) -> bool {
    let cfg = cfg_of(f, cached);
    // The use lists only once some edge is decided (in most functions none is).
    let mut users = None;
    let entry = f.entry_block();
    let mut changed = false;
    let mut gained = std::collections::HashSet::new();
    for b in f.layout.blocks().to_vec() {
        if Some(b) == entry || cfg.preds[b].is_empty() {
            continue;
        }
        let Some(d) = decidable(f, b) else {
            continue;
        };
        // The chained blocks, once an edge is decided (`None` inside: no edge may
        // skip the block).
        let mut below: Option<Option<std::collections::HashSet<Block>>> = None;
        for &(pred, inst, k) in &cfg.preds[b] {
            if pred == b {
                continue;
            }
            let Some(edge) = edge_into(f, inst, k, b).filter(|e| e.args.len() == d.params.len())
            else {
                continue;
            };
            let facts = edge_facts(f, cfg, &gained, pred, inst, k);
            let Some(side) = decided_side(f, &d, &edge.args, &facts) else {
                continue;
            };
            let Some(taken) = f.dfg.insts[d.branch]
                .branch_targets()
                .nth(side)
                .map(|c| (*c).clone())
            else {
                continue;
            };
            let chained = below.get_or_insert_with(|| {
                let users = users.get_or_insert_with(|| crate::passes::util::use_blocks(f));
                chained_blocks(f, cfg, users, b, &d)
            });
            let Some(chained) = chained else {
                break;
            };
            if taken.block == b || chained.contains(&taken.block) {
                continue;
            }
            let own = |a: Value| d.insts.iter().any(|&i| f.dfg.inst_result(i) == Some(a));
            let mut args = Vec::with_capacity(taken.args.len());
            for &a in &taken.args {
                let a = f.dfg.resolve_alias(a);
                match d.params.iter().position(|&p| p == a) {
                    Some(i) => args.push(edge.args[i]),
                    None if own(a) => break,
                    None => args.push(a),
                }
            }
            if args.len() != taken.args.len() {
                continue;
            }
            if let Some(e) = f.dfg.insts[inst].branch_dests_mut().into_iter().nth(k) {
                *e = BlockCall::new(taken.block, args);
                gained.insert(taken.block);
                changed = true;
            }
        }
    }
    changed
}

/// A `brif` whose condition a branch above already decided (the block is reached from
/// that branch through single-predecessor blocks, see [`edge_facts`]) becomes a `jump`.
fn fold_known_branches(f: &mut Function, cached: &mut Option<ControlFlowGraph>) -> bool {
    let cfg = cfg_of(f, cached);
    let none = std::collections::HashSet::new();
    let mut changed = false;
    for b in f.layout.blocks().to_vec() {
        let Some(t) = terminator(f, b) else { continue };
        let InstData::Brif {
            cond,
            then_dest,
            else_dest,
        } = f.dfg.insts[t].clone()
        else {
            continue;
        };
        let [(p, i, k)] = &cfg.preds[b] else {
            continue;
        };
        if *p == b {
            continue;
        }
        let cond = f.dfg.resolve_alias(cond);
        let facts = edge_facts(f, cfg, &none, *p, *i, *k);
        if let Some(&(_, truth)) = facts.iter().find(|(v, _)| *v == cond) {
            let dest = if truth { then_dest } else { else_dest };
            f.dfg.insts[t] = InstData::Jump { dest };
            changed = true;
        }
    }
    changed
}

/// Branch conditions whose truth is known on an edge (destination `k` of `inst`, the
/// branch ending `block`): that branch's own condition when it is a two-way `brif`,
/// then those of the `brif`s that led into `block` through single-predecessor blocks,
/// a few steps up. The walk stops at a block that gained a predecessor during this
/// pass (`gained`): the edge list in `cfg` is from its start.
fn edge_facts(
    f: &Function,
    cfg: &ControlFlowGraph,
    gained: &std::collections::HashSet<Block>,
    mut block: Block,
    mut inst: Inst,
    mut k: usize,
) -> Vec<(Value, bool)> {
    let mut facts = Vec::new();
    for _ in 0..8 {
        if let InstData::Brif {
            cond,
            then_dest,
            else_dest,
        } = &f.dfg.insts[inst]
            && then_dest.block != else_dest.block
        {
            facts.push((f.dfg.resolve_alias(*cond), k == 0));
        }
        if gained.contains(&block) {
            break;
        }
        match &cfg.preds[block] {
            [(p, i, d)] if *p != block && edge_into(f, *i, *d, block).is_some() => {
                (block, inst, k) = (*p, *i, *d);
            }
            _ => break,
        }
    }
    facts
}

fn merge_blocks(f: &mut Function, cached: &mut Option<ControlFlowGraph>) -> bool {
    let mut changed = false;
    let entry = f.entry_block();
    let mut counts: SecondaryMap<Block, u32> = map_of_len(f.dfg.blocks.len());
    let cfg = cfg_of(f, cached);
    for &b in f.layout.blocks() {
        counts[b] = u32::try_from(cfg.preds[b].len()).unwrap_or(u32::MAX);
    }
    for b in f.layout.blocks().to_vec() {
        if !f.layout.is_block_inserted(b) {
            continue;
        }
        // (The terminator is looked at in place: a copy of every block's would allocate
        // its argument lists.)
        while let Some(t) = terminator(f, b)
            && let InstData::Jump { dest } = &f.dfg.insts[t]
        {
            let c = dest.block;
            if c == b || Some(c) == entry || counts[c] != 1 || !f.layout.is_block_inserted(c) {
                break;
            }
            if f.dfg.block_params(c).len() != dest.args.len() {
                break;
            }
            let args = dest.args.clone();
            let params = f.dfg.block_params(c).to_vec();
            for (&p, &a) in params.iter().zip(&args) {
                f.dfg.change_to_alias(p, a);
            }
            while !f.dfg.block_params(c).is_empty() {
                f.dfg.remove_block_param(c, 0);
            }
            let mut insts = f.layout.block_insts(b).to_vec();
            insts.pop();
            insts.extend_from_slice(f.layout.block_insts(c));
            f.layout.remove_block(c);
            f.layout.set_block_insts(b, insts);
            changed = true;
        }
    }
    changed
}

fn remove_unreachable(f: &mut Function, cached: &mut Option<ControlFlowGraph>) -> bool {
    let cfg = cfg_of(f, cached);
    let mut reachable: SecondaryMap<Block, bool> = map_of_len(f.dfg.blocks.len());
    for b in reverse_post_order(f, cfg) {
        reachable[b] = true;
    }
    let dead: Vec<Block> = f
        .layout
        .blocks()
        .iter()
        .copied()
        .filter(|&b| !reachable[b])
        .collect();
    for &b in &dead {
        f.layout.remove_block(b);
    }
    !dead.is_empty()
}
