//! The locations load elimination knows at one point, grouped by base.
//!
//! One flat list made every store test every known location (quadratic in a block of
//! many stores: big_stack.bpf.c spent 2.4M instructions here). Whether two locations
//! may overlap depends on their bases alone unless the bases are equal (see
//! [`super::may_overlap`]), so a store tests one location per other base, and the
//! entries of its own base one by one. Only the order within a base is observable
//! (a load of part of a known value takes the first that contains it, and that one
//! has the load's base; keys are unique), and it is kept: the answers are those of
//! the flat list.

use super::{Base, Key, Known, PrivateSlots, may_overlap};
use crate::entities::Value;

/// Known locations: per base, in the order they became known.
#[derive(Clone, Default)]
pub(super) struct KnownSet {
    groups: Vec<Group>,
}

#[derive(Clone)]
struct Group {
    base: Base,
    entries: Vec<Known>,
}

impl KnownSet {
    /// The known locations of base `base`, oldest first.
    pub(super) fn of_base(&self, base: Base) -> &[Known] {
        self.groups
            .iter()
            .find(|g| g.base == base)
            .map_or(&[], |g| &g.entries)
    }

    /// The value known at exactly `key`.
    pub(super) fn value_at(&self, key: &Key) -> Option<Value> {
        self.of_base(key.addr)
            .iter()
            .find(|e| e.key == *key)
            .map(|e| e.value)
    }

    pub(super) fn push(&mut self, e: Known) {
        match self.groups.iter_mut().find(|g| g.base == e.key.addr) {
            Some(g) => g.entries.push(e),
            None => self.groups.push(Group {
                base: e.key.addr,
                entries: vec![e],
            }),
        }
    }

    pub(super) fn clear(&mut self) {
        self.groups.clear();
    }

    /// Forgets every location a store to `w` may overlap.
    pub(super) fn forget_overlapping(&mut self, w: &Key, private: &PrivateSlots) {
        self.groups.retain_mut(|g| {
            if g.base == w.addr {
                g.entries.retain(|e| !may_overlap(&e.key, w, private));
            } else if g
                .entries
                .first()
                .is_some_and(|e| may_overlap(&e.key, w, private))
            {
                // Another base: the answer is the same for every entry.
                return false;
            }
            !g.entries.is_empty()
        });
    }

    /// Keeps the locations `other` knows with the same value.
    pub(super) fn retain_common(&mut self, other: &KnownSet) {
        self.groups.retain_mut(|g| {
            let theirs = other.of_base(g.base);
            g.entries
                .retain(|e| theirs.iter().any(|o| o.key == e.key && o.value == e.value));
            !g.entries.is_empty()
        });
    }

    /// Marks every location as carried through a merge (not to be cut into parts).
    pub(super) fn whole_only(&mut self) {
        for g in &mut self.groups {
            for e in &mut g.entries {
                e.parts = false;
            }
        }
    }

    /// Every known location, group by group (tests).
    #[cfg(test)]
    fn all(&self) -> Vec<Known> {
        self.groups
            .iter()
            .flat_map(|g| g.entries.iter().copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Base, Key, Known, PrivateSlots, may_overlap};
    use super::KnownSet;
    use crate::entities::{GlobalRef, StackSlot, Value};
    use crate::types::{Ext, Type};
    use cranelift_entity::{EntityRef, SecondaryMap};

    fn known(addr: Base, offset: i64, mem: Type, value: usize) -> Known {
        Known {
            key: Key {
                addr,
                offset,
                mem,
                ext: Ext::Zero,
                ty: mem,
            },
            value: Value::new(value),
            parts: true,
        }
    }

    /// A flat list and a `KnownSet` given the same pushes and stores know the same
    /// locations, in the same order within each base.
    #[test]
    fn stores_forget_what_the_flat_list_forgets() {
        let mut private: SecondaryMap<StackSlot, bool> = SecondaryMap::new();
        private[StackSlot::new(1)] = true;
        let private = PrivateSlots(private);
        let bases = [
            Base::Stack(StackSlot::new(0)),
            Base::Stack(StackSlot::new(1)),
            Base::Global(GlobalRef::new(0)),
            Base::Value(Value::new(7)),
            Base::Value(Value::new(8)),
        ];
        let types = [Type::I8, Type::I32, Type::I64];
        let mut flat: Vec<Known> = Vec::new();
        let mut set = KnownSet::default();
        // A fixed pseudo-random walk over pushes and stores.
        let mut x: u32 = 12345;
        for n in 0..2000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let r = (x >> 8) as usize;
            let e = known(bases[r % 5], (r / 5 % 24) as i64, types[r / 120 % 3], n);
            if (r / 360).is_multiple_of(3) {
                flat.retain(|k| !may_overlap(&k.key, &e.key, &private));
                set.forget_overlapping(&e.key, &private);
            }
            flat.push(e);
            set.push(e);
            for b in bases {
                let want: Vec<Known> = flat.iter().copied().filter(|k| k.key.addr == b).collect();
                assert_eq!(set.of_base(b), &want[..]);
            }
            let first = flat.iter().find(|k| k.key == e.key).map(|k| k.value);
            assert_eq!(set.value_at(&e.key), first);
        }
        assert_eq!(set.all().len(), flat.len());
    }

    #[test]
    fn merging_keeps_what_both_know() {
        let s = Base::Stack(StackSlot::new(0));
        let g = Base::Global(GlobalRef::new(0));
        let mut a = KnownSet::default();
        let mut b = KnownSet::default();
        a.push(known(s, 0, Type::I32, 1));
        a.push(known(g, 0, Type::I32, 2));
        a.push(known(s, 4, Type::I32, 3));
        b.push(known(s, 4, Type::I32, 3));
        b.push(known(g, 0, Type::I32, 9));
        b.push(known(s, 0, Type::I32, 1));
        a.retain_common(&b);
        a.whole_only();
        let mut want = vec![known(s, 0, Type::I32, 1), known(s, 4, Type::I32, 3)];
        for w in &mut want {
            w.parts = false;
        }
        assert_eq!(a.all(), want);
        assert_eq!(a.of_base(g), &[]);
    }
}
