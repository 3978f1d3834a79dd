//! Typed indices for everything a function or module refers to (cranelift-entity).
//!
//! Invariant: an entity is only meaningful together with the table that created it
//! (`Value` with its function's `DataFlowGraph`, `DebugTypeId` with its module's
//! `DebugTypes`...). Each prints with a fixed prefix that the text parser reads back.

use cranelift_entity::{EntityRef, SecondaryMap, entity_impl};

/// A basic block, printed `blockN`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(u32);
entity_impl!(Block, "block");

/// An SSA value (instruction result or block parameter), printed `vN`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(u32);
entity_impl!(Value, "v");

/// An instruction; not printed (instructions are named by their position).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Inst(u32);
entity_impl!(Inst, "inst");

/// A stack slot of the function's frame, printed `ssN`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackSlot(u32);
entity_impl!(StackSlot, "ss");

/// A function symbol used by this function (callee, callback, extern/kfunc); printed
/// `@name` through the function's `func_refs` table.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncRef(u32);
entity_impl!(FuncRef, "fn");

/// A data symbol used by this function (global variable, map, `__ksym`); printed `@name`
/// through the function's `global_refs` table.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalRef(u32);
entity_impl!(GlobalRef, "gv");

/// A type of the module's debug type table (for BTF), printed `tN`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DebugTypeId(u32);
entity_impl!(DebugTypeId, "t");

/// A source-level variable of the SSA builder (a C local whose address is not taken).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variable(u32);
entity_impl!(Variable, "var");

/// A map with an entry (the default) for each of the first `len` entities, sized once:
/// a map grown by indexing grows by one entry per new index.
pub fn map_of_len<K: EntityRef, V: Clone + Default>(len: usize) -> SecondaryMap<K, V> {
    let mut map = SecondaryMap::with_capacity(len);
    map.resize(len);
    map
}
