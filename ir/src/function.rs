//! A function: signature, linkage, section, attributes, stack slots, the symbols it
//! refers to, its data-flow graph, block layout and per-instruction source locations.
//!
//! Invariants: at most 5 parameters (BPF calling convention: r1-r5, abi.rst); the entry
//! block's parameters are the function's parameters, with the signature's types; no
//! branch targets the entry block. `func_refs`/`global_refs` hold each name once.

use std::collections::BTreeMap;

use cranelift_entity::{PrimaryMap, SecondaryMap};

use crate::core::CoreReloc;

use crate::dfg::DataFlowGraph;
use crate::entities::{Block, DebugTypeId, FuncRef, GlobalRef, Inst, StackSlot, Value};
use crate::layout::Layout;
use crate::types::{FuncAttrs, Linkage, SourceLoc, Type};

/// Most arguments a BPF function takes (r1-r5).
pub const MAX_PARAMS: usize = 5;

/// Parameter and return types.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Signature {
    pub params: Vec<Type>,
    pub ret: Option<Type>,
}

impl Signature {
    pub fn new(params: Vec<Type>, ret: Option<Type>) -> Self {
        Signature { params, ret }
    }
}

/// A stack slot: `size` bytes aligned to `align` (a power of two, at most 8).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct StackSlotData {
    pub size: u32,
    pub align: u32,
    /// The constant global whose copy initializes the slot (`copy_of @g`), set by
    /// `constlocal` when the copy stays: clang keeps such a global in the object as
    /// long as the slot lives (its memcpy survives to instruction selection), so
    /// `drop_unused_globals` keeps it too.
    pub copy_of: Option<GlobalRef>,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub sig: Signature,
    pub linkage: Linkage,
    /// ELF section, e.g. "xdp", "kprobe/do_sys_open" or ".text".
    pub section: String,
    pub attrs: FuncAttrs,
    /// The `FuncProto` debug type of this function (for BTF FUNC), if known.
    pub debug_type: Option<DebugTypeId>,
    pub stack_slots: PrimaryMap<StackSlot, StackSlotData>,
    /// Function symbols used by `call`, `call_extern` and `func_addr`.
    pub func_refs: PrimaryMap<FuncRef, String>,
    /// Data symbols used by `global_addr`.
    pub global_refs: PrimaryMap<GlobalRef, String>,
    pub dfg: DataFlowGraph,
    pub layout: Layout,
    pub srclocs: SecondaryMap<Inst, SourceLoc>,
    /// CO-RE relocations attached to `iconst` instructions (see `core.rs`).
    pub core_relocs: BTreeMap<Inst, CoreReloc>,
}

impl Function {
    /// An empty function (no blocks yet) in section ".text" with local linkage.
    pub fn new(name: impl Into<String>, sig: Signature) -> Self {
        Function {
            name: name.into(),
            sig,
            linkage: Linkage::Local,
            section: ".text".to_string(),
            attrs: FuncAttrs::default(),
            debug_type: None,
            stack_slots: PrimaryMap::new(),
            func_refs: PrimaryMap::new(),
            global_refs: PrimaryMap::new(),
            dfg: DataFlowGraph::new(),
            layout: Layout::new(),
            srclocs: SecondaryMap::new(),
            core_relocs: BTreeMap::new(),
        }
    }

    pub fn entry_block(&self) -> Option<Block> {
        self.layout.entry_block()
    }

    /// The values of the function's parameters (the entry block's parameters).
    pub fn params(&self) -> &[Value] {
        match self.entry_block() {
            Some(b) => self.dfg.block_params(b),
            None => &[],
        }
    }

    pub fn create_stack_slot(&mut self, size: u32, align: u32) -> StackSlot {
        self.stack_slots.push(StackSlotData {
            size,
            align,
            copy_of: None,
        })
    }

    /// The reference to function symbol `name`, made on first use.
    pub fn import_func(&mut self, name: &str) -> FuncRef {
        match self.func_refs.iter().find(|(_, n)| n.as_str() == name) {
            Some((r, _)) => r,
            None => self.func_refs.push(name.to_string()),
        }
    }

    /// The reference to data symbol `name`, made on first use.
    pub fn import_global(&mut self, name: &str) -> GlobalRef {
        match self.global_refs.iter().find(|(_, n)| n.as_str() == name) {
            Some((r, _)) => r,
            None => self.global_refs.push(name.to_string()),
        }
    }

    /// Number of instructions in the layout (a size measure for the inliner).
    pub fn inst_count(&self) -> usize {
        self.layout
            .blocks()
            .iter()
            .map(|&b| self.layout.block_insts(b).len())
            .sum()
    }

    /// Symbols this function calls with `call` (for call graphs).
    pub fn callees(&self) -> Vec<String> {
        let mut out = Vec::new();
        for &b in self.layout.blocks() {
            for &i in self.layout.block_insts(b) {
                if let crate::instructions::InstData::Call {
                    op: crate::opcodes::Opcode::Call,
                    func,
                    ..
                } = &self.dfg.insts[i]
                {
                    let name = self.func_refs[*func].clone();
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out
    }
}
