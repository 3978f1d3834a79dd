//! Constant-global folding (clang does it at -O1 and above): a non-volatile load from a
//! `const`, non-`volatile` global with a known initializer, at a constant byte offset,
//! becomes the constant it reads. Afterwards a local constant global that nothing
//! reads any more is dropped (`drop_unused`), so `.rodata` exists only when code still
//! reads it, as in clang's objects.
//!
//! Not folded, on purpose:
//! - `const volatile` globals: libbpf's read-only configuration, rewritten by the
//!   loader before the program runs (libbpf-overview.rst, "global variables"), so
//!   the loads must stay;
//! - weak globals (another object may supply the definition);
//! - bytes covered by a data relocation (a pointer whose value the linker decides);
//! - loads outside the global's bytes (left to the program, as clang leaves them).
//!
//! Invariants: a folded load keeps its result type; the value read is the
//! little-endian initializer bytes (BPF objects here are little-endian, abi.rst),
//! widened by the load's `ext`. Only globals of `Local` linkage are dropped.

use crate::dfg::ValueDef;
use crate::entities::{Inst, Value};
use crate::function::Function;
use crate::instructions::InstData;
use crate::module::{DataInit, GlobalData, Module};
use crate::passes::util::{all_insts, replace_with_const};
use crate::types::{Ext, Linkage, Type};

/// Folds loads from constant globals in every function; returns true if any changed.
pub fn run(m: &mut Module) -> bool {
    let globals = &m.globals;
    let mut changed = false;
    for f in &mut m.functions {
        let mut folded = false;
        for inst in all_insts(f) {
            if let Some(imm) = folded_load(f, globals, inst) {
                replace_with_const(f, inst, imm);
                folded = true;
            }
        }
        f.dfg.resolve_all_aliases();
        // What was read (a table unrolled in the stage before) folds on in the same
        // round: the round's constfold ran before this pass.
        if folded {
            crate::passes::constfold::run(f);
            changed = true;
        }
    }
    changed
}

/// The constant that load `inst` reads, if it reads a foldable constant global.
fn folded_load(f: &Function, globals: &[GlobalData], inst: Inst) -> Option<i64> {
    let InstData::Load {
        mem,
        ext,
        flags,
        addr,
        offset,
    } = f.dfg.insts[inst]
    else {
        return None;
    };
    if flags.volatile {
        return None;
    }
    let result_ty = f.dfg.value_type(f.dfg.inst_result(inst)?);
    let (name, goff) = global_address(f, addr)?;
    let start = i64::from(goff).checked_add(i64::from(offset))?;
    read_constant(globals, name, start, mem, ext, result_ty)
}

/// What a load of `mem` bytes at byte `start` of the global `name` reads, widened by
/// `ext` to `to`, when the global is a foldable constant (see the module) and the bytes
/// lie inside it, clear of data relocations.
pub(crate) fn read_constant(
    globals: &[GlobalData],
    name: &str,
    start: i64,
    mem: Type,
    ext: Ext,
    to: Type,
) -> Option<i64> {
    let g = globals.iter().find(|g| g.name == name)?;
    if !g.constant || g.volatile || g.linkage == Linkage::Weak {
        return None;
    }
    let len = i64::from(mem.bytes());
    let size = i64::try_from(g.size).ok()?;
    if start < 0 || start.checked_add(len)? > size {
        return None;
    }
    // A relocated pointer slot overlapping the bytes read: its value is not known here.
    if g.relocs.iter().any(|r| {
        let r0 = i64::from(r.offset);
        r0 < start + len && start < r0 + 8
    }) {
        return None;
    }
    let raw = match &g.init {
        DataInit::Zero => 0u64,
        DataInit::Bytes(bytes) => {
            let lo = usize::try_from(start).ok()?;
            let hi = usize::try_from(start + len).ok()?;
            let slice = bytes.get(lo..hi)?;
            slice
                .iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
        }
    };
    Some(widen(raw, mem, ext, to))
}

/// The value of `raw` (`mem` bytes) as a load of type `to` with extension `ext` gives it.
fn widen(raw: u64, mem: Type, ext: Ext, to: Type) -> i64 {
    let v = match ext {
        Ext::Sign => mem.sext(raw as i64),
        Ext::Zero => (raw & mem.mask()) as i64,
    };
    to.sext(v)
}

/// `(symbol, byte offset)` when `addr` is a `global_addr`.
fn global_address(f: &Function, addr: Value) -> Option<(&str, i32)> {
    let addr = f.dfg.resolve_alias(addr);
    let ValueDef::Result(def) = f.dfg.value_def(addr) else {
        return None;
    };
    match f.dfg.insts[def] {
        InstData::GlobalAddr { global, offset } => {
            Some((f.global_refs.get(global)?.as_str(), offset))
        }
        _ => None,
    }
}

/// Drops local, non-volatile constant globals in read-only data sections that no
/// instruction in the layout, no data relocation and no live stack slot's `copy_of`
/// refers to any more (run after `dce` has removed the dead `global_addr`s; see
/// `constlocal` for `copy_of`), unless marked `keep`. Returns true if any was dropped.
pub fn drop_unused(m: &mut Module) -> bool {
    let before = m.globals.len();
    let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for f in &m.functions {
        let mut live_slots = std::collections::BTreeSet::new();
        for inst in all_insts(f) {
            match f.dfg.insts[inst] {
                InstData::GlobalAddr { global, .. } => {
                    if let Some(n) = f.global_refs.get(global) {
                        used.insert(n.clone());
                    }
                }
                InstData::StackAddr { slot, .. } => {
                    live_slots.insert(slot);
                }
                _ => {}
            }
        }
        for slot in live_slots {
            if let Some(n) = f.stack_slots[slot]
                .copy_of
                .and_then(|g| f.global_refs.get(g))
            {
                used.insert(n.clone());
            }
        }
    }
    for g in &m.globals {
        for r in &g.relocs {
            used.insert(r.symbol.clone());
        }
    }
    m.globals.retain(|g| {
        let droppable = g.linkage == Linkage::Local
            && g.constant
            && !g.volatile
            && g.section.starts_with(".rodata");
        !droppable || g.keep || used.contains(&g.name)
    });
    m.globals.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widen_follows_the_load_extension() {
        assert_eq!(widen(0xff, Type::I8, Ext::Zero, Type::I32), 255);
        assert_eq!(widen(0xff, Type::I8, Ext::Sign, Type::I32), -1);
        assert_eq!(widen(0x8000, Type::I16, Ext::Sign, Type::I64), -32768);
        assert_eq!(
            widen(0xffff_ffff, Type::I32, Ext::Zero, Type::I64),
            0xffff_ffff
        );
        // An i32 result keeps the i32 sign-extended form of the IR's `iconst`.
        assert_eq!(widen(0xffff_ffff, Type::I32, Ext::Zero, Type::I32), -1);
    }
}
