//! The data-flow graph: instructions' operands, values (results and block parameters)
//! and their types, and block parameter lists.
//!
//! Invariants: each instruction has at most one result; a value is defined exactly
//! once (instruction result or block parameter) unless it is an alias, and aliases are
//! removed (`resolve_all_aliases`) before a function is handed to another stage.
//! `ValueDef::Param(b, i)` always matches `blocks[b].params[i]`.

use cranelift_entity::packed_option::PackedOption;
use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

use crate::entities::{Block, Inst, Value};
use crate::instructions::InstData;
use crate::opcodes::ResultRule;
use crate::types::Type;

/// Where a value comes from.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ValueDef {
    /// The result of an instruction.
    Result(Inst),
    /// Parameter number `.1` of a block.
    Param(Block, usize),
    /// Stands for another value (made by SSA construction and the passes while they
    /// replace values; removed by `resolve_all_aliases`).
    Alias(Value),
}

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct ValueData {
    pub ty: Type,
    pub def: ValueDef,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BlockData {
    pub params: Vec<Value>,
}

#[derive(Clone, Debug, Default)]
pub struct DataFlowGraph {
    pub insts: PrimaryMap<Inst, InstData>,
    results: SecondaryMap<Inst, PackedOption<Value>>,
    pub values: PrimaryMap<Value, ValueData>,
    pub blocks: PrimaryMap<Block, BlockData>,
    /// Some value became an alias since operands were last resolved: every pass
    /// resolves at its start, and most find nothing to do.
    aliases_pending: bool,
}

impl DataFlowGraph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn make_block(&mut self) -> Block {
        self.blocks.push(BlockData::default())
    }

    pub fn block_params(&self, block: Block) -> &[Value] {
        &self.blocks[block].params
    }

    pub fn append_block_param(&mut self, block: Block, ty: Type) -> Value {
        let idx = self.blocks[block].params.len();
        let v = self.values.push(ValueData {
            ty,
            def: ValueDef::Param(block, idx),
        });
        self.blocks[block].params.push(v);
        v
    }

    /// Removes parameter `idx` of `block` (the caller fixes the branch arguments and
    /// the uses of the removed value).
    pub fn remove_block_param(&mut self, block: Block, idx: usize) {
        let params = &mut self.blocks[block].params;
        if idx >= params.len() {
            return;
        }
        params.remove(idx);
        let rest: Vec<Value> = params[idx..].to_vec();
        for (i, v) in rest.into_iter().enumerate() {
            // A parameter already turned into an alias stays one.
            if let ValueDef::Param(..) = self.values[v].def {
                self.values[v].def = ValueDef::Param(block, idx + i);
            }
        }
    }

    /// The type of a result for `data` with controlling type `ctrl` (the `.T` suffix),
    /// following the opcode table's `ResultRule`; None if there is no result.
    pub fn result_type(&self, data: &InstData, ctrl: Option<Type>) -> Option<Type> {
        let operand = |i: usize| data.fixed_operand(i).map(|v| self.value_type(v));
        match data.opcode().result_rule() {
            ResultRule::None => None,
            ResultRule::Suffix | ResultRule::OptSuffix => ctrl,
            ResultRule::Arg0 => operand(0),
            ResultRule::Arg1 => operand(1),
            ResultRule::I32 => Some(Type::I32),
            ResultRule::I64 => Some(Type::I64),
        }
    }

    /// Adds an instruction (not yet in the layout) and its result, if any.
    pub fn make_inst(&mut self, data: InstData, ctrl: Option<Type>) -> (Inst, Option<Value>) {
        let ty = self.result_type(&data, ctrl);
        let inst = self.insts.push(data);
        let result = ty.map(|ty| {
            let v = self.values.push(ValueData {
                ty,
                def: ValueDef::Result(inst),
            });
            self.results[inst] = v.into();
            v
        });
        (inst, result)
    }

    /// Attaches a fresh result of type `ty` to `inst`, replacing any previous one.
    pub fn make_inst_result(&mut self, inst: Inst, ty: Type) -> Value {
        let v = self.values.push(ValueData {
            ty,
            def: ValueDef::Result(inst),
        });
        self.results[inst] = v.into();
        v
    }

    /// Makes `inst` have no result (its old result must be unused or aliased).
    pub fn clear_inst_result(&mut self, inst: Inst) {
        self.results[inst] = None.into();
    }

    pub fn inst_result(&self, inst: Inst) -> Option<Value> {
        self.results[inst].expand()
    }

    pub fn value_type(&self, v: Value) -> Type {
        self.values[v].ty
    }

    pub fn value_def(&self, v: Value) -> ValueDef {
        self.values[v].def
    }

    pub fn value_is_valid(&self, v: Value) -> bool {
        self.values.is_valid(v)
    }

    /// Follows aliases to the defining value (cycles stop after as many steps as there
    /// are values).
    pub fn resolve_alias(&self, v: Value) -> Value {
        resolve_in(&self.values, v)
    }

    /// Turns `v` into an alias of `dest` (all uses of `v` now mean `dest`).
    pub fn change_to_alias(&mut self, v: Value, dest: Value) {
        let dest = self.resolve_alias(dest);
        if dest != v {
            self.values[v].def = ValueDef::Alias(dest);
            self.aliases_pending = true;
        }
    }

    /// Whether some value became an alias since operands were last resolved (the next
    /// pass's `resolve_all_aliases` then rewrites operands).
    pub fn aliases_pending(&self) -> bool {
        self.aliases_pending
    }

    /// Rewrites every operand of every instruction to its resolved value.
    pub fn resolve_all_aliases(&mut self) {
        if !self.aliases_pending {
            return;
        }
        let values = &self.values;
        for data in self.insts.values_mut() {
            data.map_values(|v| resolve_in(values, v));
        }
        self.aliases_pending = false;
    }

    /// A fresh copy of `inst`'s data with `f` applied to its value operands.
    pub fn map_inst_values(&mut self, inst: Inst, f: impl FnMut(Value) -> Value) {
        self.insts[inst].map_values(f);
    }
}

/// Follows aliases from `v` to the defining value (cycles stop after as many steps as
/// there are values).
fn resolve_in(values: &PrimaryMap<Value, ValueData>, v: Value) -> Value {
    let mut cur = v;
    for _ in 0..=values.len() {
        match values.get(cur).map(|d| d.def) {
            Some(ValueDef::Alias(next)) => cur = next,
            _ => return cur,
        }
    }
    cur
}

/// Entry points for the text parser, which keeps the value numbers it reads.
impl DataFlowGraph {
    /// Makes values until `v` exists; new ones are undefined placeholders (an alias of
    /// themselves) until `attach_param`/`attach_result` defines them.
    pub fn ensure_value(&mut self, v: Value) {
        while self.values.len() <= v.index() {
            let next = Value::new(self.values.len());
            self.values.push(ValueData {
                ty: Type::I64,
                def: ValueDef::Alias(next),
            });
            self.aliases_pending = true;
        }
    }

    /// True if `v` is a placeholder made by `ensure_value` and not yet defined.
    pub fn is_placeholder(&self, v: Value) -> bool {
        matches!(self.values.get(v).map(|d| d.def), Some(ValueDef::Alias(a)) if a == v)
    }

    /// Makes blocks until `b` exists.
    pub fn ensure_block(&mut self, b: Block) {
        while self.blocks.len() <= b.index() {
            self.blocks.push(BlockData::default());
        }
    }

    /// Defines the placeholder `v` as the next parameter of `block`.
    pub fn attach_param(&mut self, block: Block, v: Value, ty: Type) {
        let idx = self.blocks[block].params.len();
        self.values[v] = ValueData {
            ty,
            def: ValueDef::Param(block, idx),
        };
        self.blocks[block].params.push(v);
    }

    /// Defines the placeholder `v` as the result of `inst`.
    pub fn attach_result(&mut self, inst: Inst, v: Value, ty: Type) {
        self.values[v] = ValueData {
            ty,
            def: ValueDef::Result(inst),
        };
        self.results[inst] = v.into();
    }

    /// Adds an instruction without a result (the parser attaches results itself).
    pub fn push_inst(&mut self, data: InstData) -> Inst {
        self.insts.push(data)
    }
}
