//! Redundant load elimination and store-to-load forwarding over extended basic
//! blocks: a non-volatile load that reads what an earlier load (or store) in the same
//! block, or in the chain of single-predecessor blocks above it, already read (or
//! wrote) at the same address, offset and width, with no memory write in between, is
//! replaced by that value.
//!
//! Memory is modelled conservatively: any call, atomic or memory copy forgets every
//! known location; a store forgets the locations it may overlap (the IR has no alias
//! information for pointers held in values: a packet pointer, a map value or a
//! pointer into a stack slot may be anything, so a store through one forgets all, and
//! a store to a slot or global forgets everything read through such pointers; only
//! distinct stack slots and globals, or disjoint byte ranges of one, are known apart)
//! and then records its own location. A block with several predecessors starts
//! knowing nothing.
//!
//! Verifier note: the reused value is the very value the load would produce, and it is
//! defined earlier on every path (same block or a dominating single-predecessor
//! chain), so no access moves above the check that guards it; a null or bounds check
//! simply applies to the reused register.
//!
//! Invariants: volatile loads are never removed or reused; results keep their types.

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, DominatorTree};
use crate::dfg::ValueDef;
use crate::entities::{Block, GlobalRef, StackSlot, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::types::{Ext, Type};

/// A memory location as a load sees it: address, offset, width, extension and
/// result type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Key {
    addr: Base,
    offset: i64,
    mem: Type,
    ext: Ext,
    ty: Type,
}

/// The base of an address: a stack slot or global (every `stack_addr`/`global_addr`
/// of the same symbol is the same base, its offset moves into the key's), or any other
/// value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Base {
    Value(Value),
    Stack(StackSlot),
    Global(GlobalRef),
}

fn key(f: &Function, addr: Value, offset: i16, mem: Type, ext: Ext, ty: Type) -> Key {
    let addr = f.dfg.resolve_alias(addr);
    let (base, off) = match f.dfg.value_def(addr) {
        ValueDef::Result(i) => match f.dfg.insts[i] {
            InstData::StackAddr { slot, offset } => (Base::Stack(slot), i64::from(offset)),
            InstData::GlobalAddr { global, offset } => (Base::Global(global), i64::from(offset)),
            _ => (Base::Value(addr), 0),
        },
        _ => (Base::Value(addr), 0),
    };
    Key {
        addr: base,
        offset: off + i64::from(offset),
        mem,
        ext,
        ty,
    }
}

/// True if a store to `w` may change what a load of `k` reads. Distinct stack slots
/// and globals never overlap; within one symbol, byte ranges decide; an address that
/// is some other value may point anywhere.
fn may_overlap(k: &Key, w: &Key) -> bool {
    match (k.addr, w.addr) {
        (Base::Stack(a), Base::Stack(b)) if a != b => false,
        (Base::Global(a), Base::Global(b)) if a != b => false,
        (Base::Stack(_), Base::Global(_)) | (Base::Global(_), Base::Stack(_)) => false,
        (a, b) if a == b => {
            let (k0, k1) = (k.offset, k.offset + i64::from(k.mem.bytes()));
            let (w0, w1) = (w.offset, w.offset + i64::from(w.mem.bytes()));
            k0 < w1 && w0 < k1
        }
        _ => true,
    }
}

/// Returns true if any load was replaced.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    let cfg = ControlFlowGraph::compute(f);
    let dt = DominatorTree::compute(f, &cfg);
    let mut end_state: SecondaryMap<Block, Option<Vec<(Key, Value)>>> = SecondaryMap::new();
    let mut changed = false;
    for &b in dt.rpo() {
        let preds = cfg.pred_blocks(b);
        let mut known: Vec<(Key, Value)> = match preds[..] {
            [p] if p != b => end_state[p].clone().unwrap_or_default(),
            _ => Vec::new(),
        };
        let insts = f.layout.block_insts(b).to_vec();
        let mut kept = Vec::with_capacity(insts.len());
        for inst in insts {
            match f.dfg.insts[inst].clone() {
                InstData::Load {
                    mem,
                    ext,
                    flags,
                    addr,
                    offset,
                } if !flags.volatile => {
                    let Some(r) = f.dfg.inst_result(inst) else {
                        kept.push(inst);
                        continue;
                    };
                    let key = key(f, addr, offset, mem, ext, f.dfg.value_type(r));
                    match known.iter().find(|(k, _)| *k == key) {
                        Some(&(_, v)) => {
                            f.dfg.change_to_alias(r, v);
                            changed = true;
                        }
                        None => {
                            known.push((key, r));
                            kept.push(inst);
                        }
                    }
                }
                InstData::Store {
                    flags,
                    args: [v, addr],
                    offset,
                } => {
                    let ty = f.dfg.value_type(v);
                    let key = key(f, addr, offset, ty, Ext::Zero, ty);
                    if flags.volatile {
                        known.clear();
                    } else {
                        known.retain(|(k, _)| !may_overlap(k, &key));
                        known.push((key, f.dfg.resolve_alias(v)));
                    }
                    kept.push(inst);
                }
                data => {
                    if data.has_side_effects() && !data.is_terminator() {
                        known.clear();
                    }
                    kept.push(inst);
                }
            }
        }
        f.layout.set_block_insts(b, kept);
        end_state[b] = Some(known);
    }
    f.dfg.resolve_all_aliases();
    changed
}
