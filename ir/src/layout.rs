//! The order of blocks in a function and of instructions in each block.
//!
//! Invariants: a block appears at most once in the block order; an instruction is in
//! at most one block and `inst_block` says which. The first block is the entry block.
//! The last instruction of a block is its terminator once the function is complete
//! (checked by the verifier, not here).

use cranelift_entity::SecondaryMap;
use cranelift_entity::packed_option::PackedOption;

use crate::entities::{Block, Inst};

#[derive(Clone, Debug, Default)]
pub struct Layout {
    blocks: Vec<Block>,
    inserted: SecondaryMap<Block, bool>,
    insts: SecondaryMap<Block, Vec<Inst>>,
    inst_block: SecondaryMap<Inst, PackedOption<Block>>,
}

impl Layout {
    pub fn new() -> Self {
        Self::default()
    }

    /// Blocks in layout order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub fn entry_block(&self) -> Option<Block> {
        self.blocks.first().copied()
    }

    pub fn is_block_inserted(&self, block: Block) -> bool {
        self.inserted[block]
    }

    pub fn append_block(&mut self, block: Block) {
        if !self.inserted[block] {
            self.inserted[block] = true;
            self.blocks.push(block);
        }
    }

    /// Inserts `block` right after `after` (at the end if `after` is not in the layout).
    pub fn insert_block_after(&mut self, block: Block, after: Block) {
        if self.inserted[block] {
            return;
        }
        self.inserted[block] = true;
        match self.blocks.iter().position(|&b| b == after) {
            Some(i) => self.blocks.insert(i + 1, block),
            None => self.blocks.push(block),
        }
    }

    /// Inserts `new` (blocks not yet in the layout) right after `after`, in order, in
    /// one step (the inliner adds many blocks at once).
    pub fn insert_blocks_after(&mut self, new: &[Block], after: Block) {
        let fresh: Vec<Block> = new.iter().copied().filter(|&b| !self.inserted[b]).collect();
        for &b in &fresh {
            self.inserted[b] = true;
        }
        let at = match self.blocks.iter().position(|&b| b == after) {
            Some(i) => i + 1,
            None => self.blocks.len(),
        };
        self.blocks.splice(at..at, fresh);
    }

    /// Removes `block` and its instructions from the layout.
    pub fn remove_block(&mut self, block: Block) {
        if !self.inserted[block] {
            return;
        }
        self.inserted[block] = false;
        self.blocks.retain(|&b| b != block);
        for inst in std::mem::take(&mut self.insts[block]) {
            self.inst_block[inst] = None.into();
        }
    }

    /// Replaces the block order (every block must already be inserted; used by passes
    /// that reorder blocks).
    pub fn set_block_order(&mut self, order: Vec<Block>) {
        for &b in &self.blocks {
            self.inserted[b] = false;
        }
        for &b in &order {
            self.inserted[b] = true;
        }
        self.blocks = order;
    }

    /// Instructions of `block` in order.
    pub fn block_insts(&self, block: Block) -> &[Inst] {
        &self.insts[block]
    }

    /// Replaces the instruction list of `block`.
    pub fn set_block_insts(&mut self, block: Block, insts: Vec<Inst>) {
        for &inst in &self.insts[block] {
            // An instruction already moved to another block keeps its new home.
            if self.inst_block[inst].expand() == Some(block) {
                self.inst_block[inst] = None.into();
            }
        }
        for &inst in &insts {
            self.inst_block[inst] = block.into();
        }
        self.insts[block] = insts;
    }

    pub fn append_inst(&mut self, inst: Inst, block: Block) {
        self.insts[block].push(inst);
        self.inst_block[inst] = block.into();
    }

    /// Inserts `inst` at position `idx` of `block` (clamped to the end).
    pub fn insert_inst(&mut self, inst: Inst, block: Block, idx: usize) {
        let list = &mut self.insts[block];
        let idx = idx.min(list.len());
        list.insert(idx, inst);
        self.inst_block[inst] = block.into();
    }

    /// Inserts `inst` right before `before` (which must be in the layout).
    pub fn insert_inst_before(&mut self, inst: Inst, before: Inst) {
        if let Some(block) = self.inst_block(before) {
            let idx = self.insts[block]
                .iter()
                .position(|&i| i == before)
                .unwrap_or(0);
            self.insert_inst(inst, block, idx);
        }
    }

    pub fn remove_inst(&mut self, inst: Inst) {
        if let Some(block) = self.inst_block[inst].expand() {
            self.insts[block].retain(|&i| i != inst);
            self.inst_block[inst] = None.into();
        }
    }

    pub fn inst_block(&self, inst: Inst) -> Option<Block> {
        self.inst_block[inst].expand()
    }

    pub fn first_inst(&self, block: Block) -> Option<Inst> {
        self.insts[block].first().copied()
    }

    pub fn last_inst(&self, block: Block) -> Option<Inst> {
        self.insts[block].last().copied()
    }
}
