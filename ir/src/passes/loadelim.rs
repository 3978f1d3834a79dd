//! Redundant load elimination and store-to-load forwarding: a non-volatile load that
//! reads what an earlier load (or store) already read (or wrote) at the same address,
//! offset and width, with no memory write in between on any path, is replaced by that
//! value. Knowledge flows along single-predecessor chains and through merges whose
//! predecessors all come first (a location is known there when every incoming path
//! knows it with the same value: a field read before an if/else and re-read after it
//! is read once). A narrower load inside a known value (not one carried through a
//! merge) becomes a shift and truncation of it (little-endian bytes, abi.rst), and an
//! extending load of exactly its bytes (`load.i64 zext.i32` after a 32-bit store) its
//! extension.
//!
//! Memory is modelled conservatively: any call, atomic or memory copy forgets every
//! known location; a store forgets the locations it may
//! overlap (the IR has no alias information for pointers held in values: a packet
//! pointer, a map value or a pointer into a stack slot may be anything, so a store
//! through one forgets all but private slots, and a store to a slot or global forgets
//! everything read through such pointers; only distinct stack slots and globals, or
//! disjoint byte ranges of one base, are known apart) and then records its own location.
//! A private slot is one whose address is only ever a load or store address operand
//! (never stored, passed, compared or computed with), so no other pointer reaches it.
//! A loop header starts knowing nothing.
//!
//! Verifier note: the reused value is the very value the load would produce, and it is
//! defined earlier on every path (its definition dominates the load), so no access
//! moves above the check that guards it; a null or bounds check simply applies to the
//! reused register. Keeping a field in a register across a branch also keeps its exact
//! value for the verifier where a store to a neighbouring field in the same 8-byte
//! stack slot would have turned a re-read into an unknown scalar (p04_bpf_loop:
//! `c->off++` after `c->odd++` made the callback's states diverge).
//!
//! Invariants: volatile loads are never removed or reused; results keep their types.

mod known;

use cranelift_entity::SecondaryMap;

use crate::cfg::{ControlFlowGraph, reverse_post_order};
use crate::dfg::ValueDef;
use crate::entities::Inst;
use crate::entities::{Block, GlobalRef, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::types::{Ext, Type};
use known::KnownSet;

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

/// A known location and the value it holds. `parts` is false for what a merge
/// carries in: such a value is reused only by a load of exactly its location, not cut
/// into narrower pieces (a byte load is one instruction, its extraction two or three,
/// and the longer-lived value costs registers).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Known {
    key: Key,
    value: Value,
    parts: bool,
}

/// Stack slots whose address is only ever the address operand of loads and stores:
/// no pointer held in a value (a packet or map pointer, a helper's argument) can
/// point into them, and no call can touch them.
pub(crate) fn private_slots(f: &Function) -> PrivateSlots {
    // No slot, no `stack_addr`: none is private (see `sroa::run`).
    if f.stack_slots.is_empty() {
        return PrivateSlots(SecondaryMap::new());
    }
    let insts = crate::passes::util::all_insts(f);
    let mut addr_of: SecondaryMap<Value, Option<StackSlot>> = map_of_len(f.dfg.values.len());
    // Per slot: whether some `stack_addr` takes its address (then whether one escapes).
    let mut addressed: SecondaryMap<StackSlot, bool> = map_of_len(f.stack_slots.len());
    let mut escaped: SecondaryMap<StackSlot, bool> = map_of_len(f.stack_slots.len());
    for &i in &insts {
        if let (InstData::StackAddr { slot, .. }, Some(r)) = (&f.dfg.insts[i], f.dfg.inst_result(i))
        {
            addr_of[r] = Some(*slot);
            addressed[*slot] = true;
        }
    }
    for &i in &insts {
        match &f.dfg.insts[i] {
            InstData::Load { .. } => {}
            InstData::Store { args: [v, _], .. } => {
                if let Some(s) = addr_of[*v] {
                    escaped[s] = true;
                }
            }
            other => {
                for v in other.operands() {
                    if let Some(s) = addr_of[v] {
                        escaped[s] = true;
                    }
                }
            }
        }
    }
    for (s, e) in escaped.iter() {
        if *e {
            addressed[s] = false;
        }
    }
    PrivateSlots(addressed)
}

/// The private slots of a function ([`private_slots`]).
pub(crate) struct PrivateSlots(SecondaryMap<StackSlot, bool>);

impl PrivateSlots {
    pub(crate) fn contains(&self, s: &StackSlot) -> bool {
        self.0[*s]
    }
}

/// True if a store to `w` may change what a load of `k` reads. Distinct stack slots
/// and globals never overlap; within one symbol, byte ranges decide; an address that
/// is some other value may point anywhere but into a private slot.
fn may_overlap(k: &Key, w: &Key, private: &PrivateSlots) -> bool {
    let ranges = || {
        let (k0, k1) = (k.offset, k.offset + i64::from(k.mem.bytes()));
        let (w0, w1) = (w.offset, w.offset + i64::from(w.mem.bytes()));
        k0 < w1 && w0 < k1
    };
    match (k.addr, w.addr) {
        (Base::Stack(a), Base::Stack(b)) => a == b && ranges(),
        (Base::Global(a), Base::Global(b)) => a == b && ranges(),
        (Base::Value(a), Base::Value(b)) => a != b || ranges(),
        (Base::Stack(s), Base::Value(_)) | (Base::Value(_), Base::Stack(s)) => {
            !private.contains(&s)
        }
        (Base::Stack(_), Base::Global(_)) | (Base::Global(_), Base::Stack(_)) => false,
        (Base::Value(_), Base::Global(_)) | (Base::Global(_), Base::Value(_)) => true,
    }
}

/// Bytes `byte_off..byte_off + load.mem` of `v` (little-endian), widened to `load.ty`
/// as a load with `load.ext` would; the new instructions (not yet in the layout, the caller places
/// them where `at` was) are appended to `out`.
fn extract(
    f: &mut Function,
    at: Inst,
    out: &mut Vec<Inst>,
    v: Value,
    byte_off: u32,
    load: &Key,
) -> Value {
    let (mem, ext, ty) = (load.mem, load.ext, load.ty);
    let vt = f.dfg.value_type(v);
    let loc = f.srclocs[at];
    let mut emit = |f: &mut Function, data: InstData, t: Type| {
        let (i, r) = f.dfg.make_inst(data, Some(t));
        out.push(i);
        f.srclocs[i] = loc;
        match r {
            Some(r) => r,
            None => f.dfg.make_inst_result(i, t),
        }
    };
    let mut x = v;
    if byte_off != 0 {
        let k = emit(
            f,
            InstData::Iconst {
                imm: i64::from(byte_off * 8),
            },
            vt,
        );
        x = emit(
            f,
            InstData::Binary {
                op: Opcode::Ushr,
                args: [x, k],
            },
            vt,
        );
    }
    if vt != mem {
        x = emit(
            f,
            InstData::Convert {
                op: Opcode::Ireduce,
                arg: x,
            },
            mem,
        );
    }
    if ty.bits() > mem.bits() {
        let op = match ext {
            Ext::Sign => Opcode::Sextend,
            Ext::Zero => Opcode::Uextend,
        };
        x = emit(f, InstData::Convert { op, arg: x }, ty);
    }
    x
}

/// What block `b` knows on entry: its single predecessor's end state, or at a merge
/// whose predecessors all come before it in reverse post-order (no back edge), the
/// locations every predecessor knows with the same value. That value's definition
/// then dominates every predecessor, hence `b`; and no path into `b` wrote the
/// location after it was read. Loop headers start knowing nothing.
fn entry_state(
    preds: &[Block],
    b: Block,
    end_state: &SecondaryMap<Block, Option<KnownSet>>,
) -> KnownSet {
    let Some((&first, rest)) = preds.split_first() else {
        return KnownSet::default();
    };
    if preds.contains(&b) {
        return KnownSet::default();
    }
    let Some(mut known) = end_state[first].clone() else {
        return KnownSet::default();
    };
    for &p in rest {
        let Some(other) = &end_state[p] else {
            return KnownSet::default();
        };
        known.retain_common(other);
    }
    known.whole_only();
    known
}

/// Returns true if any load was replaced.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    let cfg = ControlFlowGraph::compute(f);
    // Blocks in reverse post-order (all that is needed of the dominator tree, which
    // cost 1.4M instructions over the bench-compile suite here).
    let rpo = reverse_post_order(f, &cfg);
    let private = private_slots(f);
    let mut end_state: SecondaryMap<Block, Option<KnownSet>> = map_of_len(f.dfg.blocks.len());
    let mut changed = false;
    for &b in &rpo {
        let preds = cfg.pred_blocks(b);
        let mut known = entry_state(&preds, b, &end_state);
        let insts = f.layout.block_insts(b).to_vec();
        let mut kept = Vec::with_capacity(insts.len());
        let mut replaced = false;
        for inst in insts {
            // Matched in place: a load's or store's fields are copied out, nothing else
            // is.
            match f.dfg.insts[inst] {
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
                    if let Some(v) = known.value_at(&key) {
                        f.dfg.change_to_alias(r, v);
                        replaced = true;
                        continue;
                    }
                    // Part of a wider known value: its bytes, shifted down; or all of
                    // a known value of the same width, read by an extending load.
                    let wider = known.of_base(key.addr).iter().find_map(|e| {
                        let (k, v) = (e.key, e.value);
                        if !e.parts || k.mem != k.ty {
                            return None;
                        }
                        let inside = k.offset <= key.offset
                            && key.offset + i64::from(mem.bytes())
                                <= k.offset + i64::from(k.mem.bytes());
                        let narrower = mem.bits() < k.mem.bits();
                        let widened = mem == k.mem && key.ty.bits() > mem.bits();
                        (inside && (narrower || widened))
                            .then(|| (v, u32::try_from(key.offset - k.offset).unwrap_or(0)))
                    });
                    match wider {
                        Some((v, byte_off)) => {
                            let part = extract(f, inst, &mut kept, v, byte_off, &key);
                            f.dfg.change_to_alias(r, part);
                            replaced = true;
                        }
                        None => {
                            known.push(Known {
                                key,
                                value: r,
                                parts: true,
                            });
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
                        known.forget_overlapping(&key, &private);
                        known.push(Known {
                            key,
                            value: f.dfg.resolve_alias(v),
                            parts: true,
                        });
                    }
                    kept.push(inst);
                }
                ref data => {
                    if data.has_side_effects() && !data.is_terminator() {
                        // Private slots are out of a call's reach, but values kept
                        // live across calls cost callee-saved registers and spills
                        // (builtins.bpf.c: +12 instructions), so calls still forget.
                        known.clear();
                    }
                    kept.push(inst);
                }
            }
        }
        // Most blocks keep every load: their list stays as it is.
        if replaced {
            f.layout.set_block_insts(b, kept);
            changed = true;
        }
        end_state[b] = Some(known);
    }
    f.dfg.resolve_all_aliases();
    changed
}
