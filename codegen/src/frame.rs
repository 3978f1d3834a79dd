//! Frame layout: the IR's stack slots, then the allocator's spill slots, all below `r10`.
//!
//! Invariants (verifier.rst, "Stack"): the frame is at most 512 bytes; every IR slot sits at
//! a multiple of its alignment; spill slots are 8-byte aligned 8-byte cells, because the
//! verifier only keeps the type of a spilled pointer in an aligned 8-byte slot. Offsets
//! are negative, relative to `r10`. BPF has no prologue: `r10` is fixed per frame and
//! r6–r9 belong to the frame, so nothing is saved.

/// The largest stack a BPF program (one frame) may use.
pub const MAX_FRAME_BYTES: u32 = 512;

/// Offsets of a function's stack objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// `r10`-relative offset of each IR stack slot (negative).
    pub slot_offs: Vec<i32>,
    /// Bytes used by IR slots, rounded up to 8.
    pub slots_bytes: u32,
    /// Number of spill slots (known after register allocation).
    pub spill_slots: u32,
}

impl Frame {
    /// Lays out slots given as `(size, align)` pairs. Slot 0 is nearest to `r10`.
    pub fn layout(slots: &[(u32, u32)]) -> Frame {
        let mut used: u64 = 0;
        let mut slot_offs = Vec::with_capacity(slots.len());
        for &(size, align) in slots {
            let align = u64::from(align.clamp(1, 8)).next_power_of_two();
            used += u64::from(size.max(1));
            used = used.div_ceil(align) * align;
            slot_offs.push(-(i32::try_from(used).unwrap_or(i32::MAX)));
        }
        let slots_bytes = u32::try_from(used.div_ceil(8) * 8).unwrap_or(u32::MAX);
        Frame {
            slot_offs,
            slots_bytes,
            spill_slots: 0,
        }
    }

    /// `r10`-relative offset of spill slot `i` (8-byte aligned).
    pub fn spill_off(&self, i: u32) -> i32 {
        let off = u64::from(self.slots_bytes) + 8 * (u64::from(i) + 1);
        -(i32::try_from(off).unwrap_or(i32::MAX))
    }

    /// Whole frame size in bytes.
    pub fn total_bytes(&self) -> u64 {
        u64::from(self.slots_bytes) + 8 * u64::from(self.spill_slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_aligned_and_spills_follow() {
        let mut f = Frame::layout(&[(4, 4), (1, 1), (8, 8), (3, 1)]);
        assert_eq!(f.slot_offs, vec![-4, -5, -16, -19]);
        assert_eq!(f.slots_bytes, 24);
        f.spill_slots = 2;
        assert_eq!(f.spill_off(0), -32);
        assert_eq!(f.spill_off(1), -40);
        assert_eq!(f.total_bytes(), 40);
    }
}
