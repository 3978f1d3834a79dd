//! Whole-slot rewriting of small stack slots accessed piecewise (bit-field structs,
//! byte arrays, small structs written field by field): every access to a slot of 2, 4
//! or 8 bytes whose address never escapes becomes a load of the whole slot plus a
//! shift and a truncation (for loads), or a read-modify-write of the whole slot with a
//! mask (for stores). Afterwards every access is a whole-slot access at offset 0, the
//! shape `mem2reg` promotes, and the slot lives in a register; constfold removes the
//! masking of bytes known to be zero. Clang's SROA does the same ("integer widening"
//! of an alloca).
//!
//! Conditions: all uses of the slot's addresses are the address operand of
//! non-volatile loads and stores at constant offsets inside the slot; at least one
//! access is narrower than the slot (otherwise there is nothing to do). Byte order is
//! little-endian (BPF on x86/arm64 here, abi.rst): byte `k` of the slot is bits
//! `8k..8k+7` of the wide value.
//!
//! Invariants: results keep their types; only rewritten slots change; the stack slot
//! itself stays (dce/compaction drop it once mem2reg promoted it).

use cranelift_entity::SecondaryMap;

use crate::entities::{Inst, StackSlot, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::opcodes::Opcode;
use crate::passes::util::{all_insts, use_counts};
use crate::types::{Ext, MemFlags, SourceLoc, Type};

/// Returns true if any slot was rewritten.
pub fn run(f: &mut Function) -> bool {
    f.dfg.resolve_all_aliases();
    // No slot, no `stack_addr`: nothing to do (see `sroa::run`).
    if f.stack_slots.is_empty() {
        return false;
    }
    let insts = all_insts(f);
    // Per slot: `bad` once disqualified, `narrow` once an access is not whole-slot.
    let mut bad: SecondaryMap<StackSlot, bool> = map_of_len(f.stack_slots.len());
    let mut narrow: SecondaryMap<StackSlot, bool> = map_of_len(f.stack_slots.len());
    let mut addr_of: SecondaryMap<Value, Option<(StackSlot, i64)>> = map_of_len(f.dfg.values.len());
    for &i in &insts {
        if let InstData::StackAddr { slot, offset } = f.dfg.insts[i]
            && let Some(r) = f.dfg.inst_result(i)
        {
            addr_of[r] = Some((slot, i64::from(offset)));
        }
    }
    let mut addr_uses: SecondaryMap<Value, u32> = map_of_len(f.dfg.values.len());
    let slot_size = |f: &Function, s: StackSlot| f.stack_slots.get(s).map_or(0, |d| d.size);
    for &i in &insts {
        match f.dfg.insts[i] {
            InstData::Load {
                mem,
                flags,
                addr,
                offset,
                ..
            } => {
                if let Some((slot, base)) = addr_of[addr] {
                    addr_uses[addr] += 1;
                    let start = base + i64::from(offset);
                    let size = i64::from(slot_size(f, slot));
                    if flags.volatile || start < 0 || start + i64::from(mem.bytes()) > size {
                        bad[slot] = true;
                    }
                    if i64::from(mem.bytes()) != size {
                        narrow[slot] = true;
                    }
                }
            }
            InstData::Store {
                flags,
                args: [v, addr],
                offset,
            } => {
                if let Some((slot, _)) = addr_of[v] {
                    // The address itself is stored: it escapes.
                    bad[slot] = true;
                }
                if let Some((slot, base)) = addr_of[addr] {
                    addr_uses[addr] += 1;
                    let start = base + i64::from(offset);
                    let size = i64::from(slot_size(f, slot));
                    let w = i64::from(f.dfg.value_type(v).bytes());
                    if flags.volatile || start < 0 || start + w > size {
                        bad[slot] = true;
                    }
                    if w != size {
                        narrow[slot] = true;
                    }
                }
            }
            _ => {}
        }
    }
    // Only a slot accessed piecewise and not yet disqualified may be rewritten; usually
    // there is none, and the use counts below are not needed (bench-compile suite:
    // this pass 6.4M -> 4.1M instructions).
    if !f.stack_slots.keys().any(|s| narrow[s] && !bad[s]) {
        return false;
    }
    // Any other use of an address (call argument, arithmetic...) lets it escape.
    let uses = use_counts(f);
    for (v, a) in addr_of.iter() {
        if let Some((slot, _)) = a
            && uses[v] != addr_uses[v]
        {
            bad[*slot] = true;
        }
    }
    let mut changed = false;
    for &i in &insts {
        let (addr, offset) = match f.dfg.insts[i] {
            InstData::Load { addr, offset, .. } => (addr, offset),
            InstData::Store {
                args: [_, addr],
                offset,
                ..
            } => (addr, offset),
            _ => continue,
        };
        let Some((slot, base)) = addr_of[addr] else {
            continue;
        };
        let Some(wide) = Type::from_bytes(u64::from(slot_size(f, slot))) else {
            continue;
        };
        if bad[slot] || !narrow[slot] || wide == Type::I8 {
            continue;
        }
        let shift = u32::try_from(base + i64::from(offset)).unwrap_or(0) * 8;
        rewrite(f, i, slot, wide, shift);
        changed = true;
    }
    f.dfg.resolve_all_aliases();
    // The old, narrow addresses are unused now; mem2reg wants only `stack_addr ss, 0`.
    if changed {
        let uses = use_counts(f);
        for i in all_insts(f) {
            if let InstData::StackAddr { slot, .. } = f.dfg.insts[i]
                && narrow[slot]
                && !bad[slot]
                && f.dfg.inst_result(i).is_some_and(|r| uses[r] == 0)
            {
                f.layout.remove_inst(i);
            }
        }
    }
    changed
}

/// Emits instructions before `at`.
struct Emitter {
    at: Inst,
    loc: SourceLoc,
}

impl Emitter {
    fn emit(&self, f: &mut Function, data: InstData, ty: Type) -> Value {
        let (i, r) = f.dfg.make_inst(data, Some(ty));
        f.layout.insert_inst_before(i, self.at);
        f.srclocs[i] = self.loc;
        match r {
            Some(r) => r,
            None => f.dfg.make_inst_result(i, ty),
        }
    }

    fn iconst(&self, f: &mut Function, ty: Type, imm: i64) -> Value {
        self.emit(f, InstData::Iconst { imm: ty.sext(imm) }, ty)
    }

    fn binary(&self, f: &mut Function, op: Opcode, x: Value, y: Value, ty: Type) -> Value {
        self.emit(f, InstData::Binary { op, args: [x, y] }, ty)
    }

    fn convert(&self, f: &mut Function, op: Opcode, x: Value, ty: Type) -> Value {
        self.emit(f, InstData::Convert { op, arg: x }, ty)
    }

    fn load_whole(&self, f: &mut Function, slot: StackSlot, wide: Type) -> (Value, Value) {
        let a = self.emit(f, InstData::StackAddr { slot, offset: 0 }, Type::I64);
        let w = self.emit(
            f,
            InstData::Load {
                mem: wide,
                ext: Ext::Zero,
                flags: MemFlags::default(),
                addr: a,
                offset: 0,
            },
            wide,
        );
        (a, w)
    }
}

fn rewrite(f: &mut Function, i: Inst, slot: StackSlot, wide: Type, shift: u32) {
    let e = Emitter {
        at: i,
        loc: f.srclocs[i],
    };
    match f.dfg.insts[i].clone() {
        InstData::Load { mem, ext, .. } => {
            let Some(r) = f.dfg.inst_result(i) else {
                return;
            };
            let ty = f.dfg.value_type(r);
            let (_, w) = e.load_whole(f, slot, wide);
            let mut v = w;
            if shift != 0 {
                let k = e.iconst(f, wide, i64::from(shift));
                v = e.binary(f, Opcode::Ushr, v, k, wide);
            }
            if mem.bits() < wide.bits() {
                v = e.convert(f, Opcode::Ireduce, v, mem);
            }
            if ty.bits() > mem.bits() {
                let op = match ext {
                    Ext::Sign => Opcode::Sextend,
                    Ext::Zero => Opcode::Uextend,
                };
                v = e.convert(f, op, v, ty);
            } else if ty.bits() < mem.bits() {
                v = e.convert(f, Opcode::Ireduce, v, ty);
            }
            f.dfg.change_to_alias(r, v);
            f.layout.remove_inst(i);
        }
        InstData::Store {
            flags,
            args: [val, _],
            ..
        } => {
            let vty = f.dfg.value_type(val);
            let (a, new) = if vty == wide {
                let a = e.emit(f, InstData::StackAddr { slot, offset: 0 }, Type::I64);
                (a, val)
            } else {
                let (a, w) = e.load_whole(f, slot, wide);
                let mut z = e.convert(f, Opcode::Uextend, val, wide);
                if shift != 0 {
                    let k = e.iconst(f, wide, i64::from(shift));
                    z = e.binary(f, Opcode::Ishl, z, k, wide);
                }
                let keep = !(vty.mask() << shift) & wide.mask();
                let m = e.iconst(f, wide, keep as i64);
                let kept = e.binary(f, Opcode::Band, w, m, wide);
                (a, e.binary(f, Opcode::Bor, kept, z, wide))
            };
            f.dfg.insts[i] = InstData::Store {
                flags,
                args: [new, a],
                offset: 0,
            };
        }
        _ => {}
    }
}
