//! Memo of `Isel::zbits` answers for block parameters, per (value, depth).
//!
//! `zbits` recurses through operands and block arguments up to a fixed depth; through
//! loops it is asked about the same block parameters again and again. Its answer
//! depends only on the function, the branches into each block (which are fixed once
//! selection starts) and the depth (the recursion stops at a fixed one), so remembering
//! it per (value, depth) gives the same answers.

use std::cell::RefCell;

use diag::fasthash::FastMap;
use ir::entities::{Block, Inst, Value};

/// The branches into each block (complete before selection starts, then fixed) and the
/// `zbits` answers, which follow from them and the function: kept together, since the
/// answers hold only as long as the branches do.
#[derive(Default)]
pub(crate) struct Incoming {
    pub(crate) branches: FastMap<Block, Vec<Inst>>,
    pub(crate) zmemo: ZMemo,
}

/// Remembered answers, by (value, depth).
#[derive(Default)]
pub(crate) struct ZMemo {
    known: RefCell<FastMap<(Value, u32), Option<u32>>>,
    /// Tests: remember nothing (the reference the memo is compared with).
    #[cfg(test)]
    pub(crate) off: std::cell::Cell<bool>,
}

impl ZMemo {
    /// The remembered answer for `v` at `depth`, if there is one.
    pub(crate) fn get(&self, v: Value, depth: u32) -> Option<Option<u32>> {
        #[cfg(test)]
        if self.off.get() {
            return None;
        }
        self.known.borrow().get(&(v, depth)).copied()
    }

    pub(crate) fn set(&self, v: Value, depth: u32, z: Option<u32>) {
        self.known.borrow_mut().insert((v, depth), z);
    }

    /// Every remembered answer (tests).
    #[cfg(test)]
    pub(crate) fn entries(&self) -> Vec<((Value, u32), Option<u32>)> {
        let mut all: Vec<_> = self.known.borrow().iter().map(|(k, z)| (*k, *z)).collect();
        all.sort();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::ZMemo;
    use cranelift_entity::EntityRef;
    use ir::entities::Value;

    #[test]
    fn remembers_each_answer_apart() {
        let m = ZMemo::default();
        let (a, b) = (Value::new(3), Value::new(0));
        assert_eq!(m.get(a, 2), None);
        m.set(a, 2, Some(0));
        m.set(a, 1, None);
        m.set(b, 8, Some(64));
        assert_eq!(m.get(a, 2), Some(Some(0)));
        assert_eq!(m.get(a, 1), Some(None));
        assert_eq!(m.get(a, 0), None);
        assert_eq!(m.get(b, 8), Some(Some(64)));
        assert_eq!(m.entries().len(), 3);
        m.off.set(true);
        assert_eq!(m.get(a, 2), None);
    }
}
