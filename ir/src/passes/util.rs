//! Small helpers shared by the passes: constants, use counts, replacing an
//! instruction by a value or a constant, inserting one.
//!
//! Invariants: replacements keep the replaced value's type; removed instructions leave
//! the layout but stay in the DFG (entities are never reused).

use cranelift_entity::SecondaryMap;

use crate::cfg::EdgeLists;
use crate::dfg::ValueDef;
use crate::entities::{Block, Inst, Value, map_of_len};
use crate::function::Function;
use crate::instructions::InstData;
use crate::types::Type;

/// The constant a value holds, if it is the result of an `iconst`.
pub fn const_value(f: &Function, v: Value) -> Option<i64> {
    let v = f.dfg.resolve_alias(v);
    match f.dfg.value_def(v) {
        // A CO-RE relocated constant is only known at load time.
        ValueDef::Result(inst) if f.core_relocs.contains_key(&inst) => None,
        ValueDef::Result(inst) => match f.dfg.insts[inst] {
            InstData::Iconst { imm } => Some(imm),
            _ => None,
        },
        _ => None,
    }
}

/// The defining instruction of `v` (aliases resolved), unless it is a CO-RE constant.
pub fn def(f: &Function, v: Value) -> Option<(Inst, &InstData)> {
    match f.dfg.value_def(f.dfg.resolve_alias(v)) {
        ValueDef::Result(i) if !f.core_relocs.contains_key(&i) => Some((i, &f.dfg.insts[i])),
        _ => None,
    }
}

/// How many times each value is used by instructions in the layout (aliases resolved).
pub fn use_counts(f: &Function) -> SecondaryMap<Value, u32> {
    let mut uses: SecondaryMap<Value, u32> = map_of_len(f.dfg.values.len());
    for &b in f.layout.blocks() {
        for &i in f.layout.block_insts(b) {
            for v in f.dfg.insts[i].operands() {
                uses[f.dfg.resolve_alias(v)] += 1;
            }
        }
    }
    uses
}

/// The blocks that use each value: the block of each user instruction (a branch
/// argument counts for the branching block), each block once per value, in layout
/// order. All lists in one array (a list per value was an allocation per value).
pub fn use_blocks(f: &Function) -> EdgeLists<Block, Value> {
    let mut pairs: Vec<(Value, Block)> = Vec::new();
    let mut last: SecondaryMap<Value, Option<Block>> = map_of_len(f.dfg.values.len());
    for &b in f.layout.blocks() {
        for &i in f.layout.block_insts(b) {
            for v in f.dfg.insts[i].operands() {
                let v = f.dfg.resolve_alias(v);
                if last[v] != Some(b) {
                    last[v] = Some(b);
                    pairs.push((v, b));
                }
            }
        }
    }
    EdgeLists::from_pairs(f.dfg.values.len(), &pairs)
}

/// Makes `inst` an `iconst` of its result type holding `imm`.
pub fn replace_with_const(f: &mut Function, inst: Inst, imm: i64) {
    if let Some(r) = f.dfg.inst_result(inst) {
        let ty = f.dfg.value_type(r);
        f.dfg.insts[inst] = InstData::Iconst { imm: ty.sext(imm) };
    }
}

/// Replaces the result of `inst` by `v` everywhere and removes `inst`.
pub fn replace_with_value(f: &mut Function, inst: Inst, v: Value) {
    if let Some(r) = f.dfg.inst_result(inst) {
        f.dfg.change_to_alias(r, v);
    }
    f.layout.remove_inst(inst);
}

/// Every instruction in the layout, in order.
pub fn all_insts(f: &Function) -> Vec<Inst> {
    let blocks = f.layout.blocks();
    let count = blocks.iter().map(|&b| f.layout.block_insts(b).len()).sum();
    let mut all = Vec::with_capacity(count);
    for &b in blocks {
        all.extend_from_slice(f.layout.block_insts(b));
    }
    all
}

/// Drops CO-RE relocations of instructions no longer in the layout, so codegen sees
/// only live ones.
pub fn prune_core_relocs(f: &mut Function) {
    let layout = &f.layout;
    f.core_relocs.retain(|&i, _| layout.inst_block(i).is_some());
}

/// Inserts a new instruction computing `data` (of type `ty`) before `inst`, at its
/// source location; returns its result.
pub fn emit_before(f: &mut Function, inst: Inst, data: InstData, ty: Type) -> Value {
    let (i, r) = f.dfg.make_inst(data, Some(ty));
    f.layout.insert_inst_before(i, inst);
    f.srclocs[i] = f.srclocs[inst];
    match r {
        Some(r) => r,
        None => f.dfg.make_inst_result(i, ty),
    }
}
