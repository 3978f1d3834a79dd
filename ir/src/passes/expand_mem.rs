//! Expansion of `memcpy` and `memset` (constant sizes) into loads and stores.
//!
//! Each chunk uses the widest of 8/4/2/1 bytes that the alignment and the remaining
//! size allow, like clang does for small `__builtin_memcpy`/`__builtin_memset` on BPF
//! (there is no memcpy helper; the BPF verifier sees plain stack/map accesses).
//! Offsets beyond BPF's 16-bit `off` field get an explicit `iadd` of the base.
//!
//! A fill of 0 or 0xff bytes that starts at a stack slot's base raises the slot's
//! alignment to 8 first, as LLVM's `getMemsetStores` raises a frame object's
//! alignment (`DstAlignCanChange`), so that it is done with 8-byte immediate stores
//! (other 8-byte patterns need a 64-bit constant load, where two 4-byte immediate
//! stores do not). Copies keep their alignment: widened copies between slots defeat
//! store-to-load forwarding of the narrower fields written just before.
//!
//! Invariants: runs in every pipeline (-O0 included), so codegen never sees these two
//! opcodes; the new instructions take the location of the instruction they replace.

use crate::dfg::ValueDef;
use crate::entities::{Inst, StackSlot, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::passes::util::all_insts;
use crate::types::{Ext, MemFlags, Type};

/// Returns true if anything was expanded.
pub fn run(f: &mut Function) -> bool {
    let mut changed = false;
    for inst in all_insts(f) {
        match f.dfg.insts[inst].clone() {
            InstData::Memcpy {
                args: [dst, src],
                size,
                align,
            } => {
                for (off, ty) in chunks(size, align) {
                    let (s, so) = addr(f, inst, src, off);
                    let v = insert(
                        f,
                        inst,
                        InstData::Load {
                            mem: ty,
                            ext: Ext::Zero,
                            flags: MemFlags::default(),
                            addr: s,
                            offset: so,
                        },
                        Some(ty),
                    );
                    let (d, doff) = addr(f, inst, dst, off);
                    insert_store(f, inst, v, d, doff);
                }
                f.layout.remove_inst(inst);
                changed = true;
            }
            InstData::Memset {
                dst,
                byte,
                size,
                align,
            } => {
                // Only fills whose 8-byte pattern is an `imm32` (0, -1) gain: another
                // needs a 64-bit constant load, two 4-byte immediate stores do not.
                let wide_imm = byte == 0 || byte == 0xff;
                let align = if size >= 8 && wide_imm && slot_base(f, dst).is_some() {
                    raise_slot(f, dst);
                    8
                } else {
                    align
                };
                for (off, ty) in chunks(size, align) {
                    let pattern = u64::from(byte) * (u64::MAX / 255);
                    let c = insert(
                        f,
                        inst,
                        InstData::Iconst {
                            imm: ty.sext(pattern as i64),
                        },
                        Some(ty),
                    );
                    let (d, doff) = addr(f, inst, dst, off);
                    insert_store(f, inst, c, d, doff);
                }
                f.layout.remove_inst(inst);
                changed = true;
            }
            _ => {}
        }
    }
    changed
}

/// The slot when `v` is the address of a stack slot's first byte.
fn slot_base(f: &Function, v: Value) -> Option<StackSlot> {
    match f.dfg.value_def(f.dfg.resolve_alias(v)) {
        ValueDef::Result(i) => match f.dfg.insts[i] {
            InstData::StackAddr { slot, offset: 0 } => Some(slot),
            _ => None,
        },
        _ => None,
    }
}

/// Aligns the slot `v` is the base of to 8 bytes (BPF's stack alignment, the most a
/// slot may have).
fn raise_slot(f: &mut Function, v: Value) {
    if let Some(s) = slot_base(f, v) {
        let d = &mut f.stack_slots[s];
        d.align = d.align.max(8);
    }
}

/// (byte offset, access type) of each chunk.
fn chunks(size: u32, align: u32) -> Vec<(u32, Type)> {
    let max = align.clamp(1, 8);
    let mut out = Vec::new();
    let mut off = 0u32;
    while off < size {
        let left = size - off;
        let mut w = max;
        while w > left || !off.is_multiple_of(w) {
            w /= 2;
        }
        let ty = Type::from_bytes(u64::from(w)).unwrap_or(Type::I8);
        out.push((off, ty));
        off += w.max(1);
    }
    out
}

fn insert(f: &mut Function, before: Inst, data: InstData, ctrl: Option<Type>) -> Value {
    let (i, v) = f.dfg.make_inst(data, ctrl);
    let v = v.unwrap_or_else(|| f.dfg.make_inst_result(i, ctrl.unwrap_or(Type::I64)));
    f.layout.insert_inst_before(i, before);
    f.srclocs[i] = f.srclocs[before];
    v
}

fn insert_store(f: &mut Function, before: Inst, val: Value, addr: Value, offset: i16) {
    let (i, _) = f.dfg.make_inst(
        InstData::Store {
            flags: MemFlags::default(),
            args: [val, addr],
            offset,
        },
        None,
    );
    f.layout.insert_inst_before(i, before);
    f.srclocs[i] = f.srclocs[before];
}

/// `base + off` as (address, 16-bit offset).
fn addr(f: &mut Function, before: Inst, base: Value, off: u32) -> (Value, i16) {
    if let Ok(o) = i16::try_from(off) {
        return (base, o);
    }
    let c = insert(
        f,
        before,
        InstData::Iconst {
            imm: i64::from(off),
        },
        Some(Type::I64),
    );
    let a = insert(
        f,
        before,
        InstData::Binary {
            op: crate::opcodes::Opcode::Iadd,
            args: [base, c],
        },
        None,
    );
    (a, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_widths_follow_alignment_and_size() {
        let tys = |s, a| {
            chunks(s, a)
                .into_iter()
                .map(|(o, t)| (o, t.bytes()))
                .collect::<Vec<_>>()
        };
        assert_eq!(tys(16, 8), vec![(0, 8), (8, 8)]);
        assert_eq!(tys(7, 4), vec![(0, 4), (4, 2), (6, 1)]);
        assert_eq!(tys(3, 1), vec![(0, 1), (1, 1), (2, 1)]);
        assert_eq!(tys(12, 16), vec![(0, 8), (8, 4)]);
        assert_eq!(tys(0, 8), vec![]);
    }
}
