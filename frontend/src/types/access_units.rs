//! Bit-field access units: which bytes a read or write of a bit-field loads and stores.
//!
//! C leaves this to the implementation; we follow clang-19's choice for the BPF target
//! (`CGRecordLowering::accumulateBitFields`) so that neighbouring bit-fields share one
//! access unit, as in clang's output. A struct whose bit-fields are all accessed through
//! the same units can then be split into scalars (a unit per declared type would make
//! overlapping accesses, e.g. an `int:2` unit inside a `long long:40` unit, and keep the
//! struct in memory).
//!
//! The rule: a *span* is a run of bit-fields sharing bytes (a bit-field starting mid-byte
//! joins the previous one). Spans are merged left to right into one access unit while
//! the unit stays at most a register (8 bytes), its integer type (the size rounded up to
//! a power of two) is naturally aligned in the record and no more aligned than the
//! record, and it ends before the next member with storage (or the end of the record).
//! Zero-width bit-fields and other members end the merging. A unit whose size is not a
//! power of two ("clipped", e.g. 3 bytes before a `char`) gets no entry here: those
//! fields keep their declared-type unit.

use super::Field;

/// The unit a bit-field is read and written through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessUnit {
    /// Bits from the unit's first byte to the field's first bit.
    pub shift: u64,
    /// Bytes of the unit (1, 2, 4 or 8).
    pub bytes: u64,
}

/// Widest access unit: one BPF register.
const REG_BYTES: u64 = 8;

/// The access unit of each field of a (non-packed) struct of `size` bytes aligned to
/// `align`, indexed like `fields`; `None` for other members, zero-width bit-fields and
/// bit-fields in clipped units.
pub fn access_units(fields: &[Field], size: u64, align: u64) -> Vec<Option<AccessUnit>> {
    let mut out = vec![None; fields.len()];
    let mut i = 0;
    while i < fields.len() {
        if fields[i].bit_width.is_some() {
            i = bitfield_run(fields, i, size, align, &mut out);
        } else {
            i += 1;
        }
    }
    out
}

/// Assigns units to the run of bit-fields starting at `start`; returns the index of the
/// first member after it.
fn bitfield_run(
    fields: &[Field],
    start: usize,
    size: u64,
    align: u64,
    out: &mut [Option<AccessUnit>],
) -> usize {
    let mut field = start;
    // The span being accumulated: its first field and byte, and bits covered so far.
    let mut begin: Option<usize> = None;
    let mut begin_off: u64 = 0;
    let mut bits_since: u64 = 0;
    // The best unit found for the current span: fields [begin, best_end) up to byte
    // best_end_off; `clipped` when its size is not a power of two.
    let mut best_end = start;
    let mut best_end_off: u64 = 0;
    let mut clipped = true;
    loop {
        let cur = fields.get(field).filter(|f| f.bit_width.is_some());
        let (mut at_boundary, mut barrier) = (false, false);
        match (cur, begin) {
            (Some(f), None) => {
                begin = Some(field);
                best_end = field;
                begin_off = f.bit_offset / 8;
                bits_since = 0;
            }
            (Some(f), Some(_)) if f.bit_offset % 8 != 0 => {}
            (Some(f), Some(_)) => {
                barrier = f.bit_width == Some(0);
                at_boundary = true;
            }
            (None, None) => return field,
            (None, Some(_)) => {
                barrier = true;
                at_boundary = true;
            }
        }
        let b = begin.unwrap_or(field);
        let mut install = false;
        if at_boundary {
            let access = bits_since.div_ceil(8);
            if best_end == b {
                best_end = field;
                best_end_off = begin_off + access;
                clipped = true;
                install = bits_since == 0;
            } else if access > REG_BYTES {
                install = true;
            }
            if !install {
                let ty = access.next_power_of_two();
                if ty > align || !begin_off.is_multiple_of(ty) {
                    install = true;
                    if best_end == field && ty == access {
                        clipped = false;
                    }
                } else {
                    let limit = fields[field..]
                        .iter()
                        .find(|p| p.bit_width != Some(0))
                        .map_or(size, |p| p.bit_offset / 8);
                    if begin_off + ty <= limit {
                        best_end_off = begin_off + ty;
                        best_end = field;
                        clipped = false;
                    }
                    if barrier {
                        install = true;
                    } else {
                        bits_since = limit.saturating_sub(begin_off) * 8;
                    }
                }
            }
        }
        if install {
            let bytes = best_end_off - begin_off;
            if bytes != 0 && !clipped {
                for (f, slot) in fields.iter().zip(out.iter_mut()).take(best_end).skip(b) {
                    if f.bit_width != Some(0) {
                        *slot = Some(AccessUnit {
                            shift: f.bit_offset - begin_off * 8,
                            bytes,
                        });
                    }
                }
            }
            field = best_end;
            begin = None;
        } else {
            bits_since += u64::from(fields[field].bit_width.unwrap_or(0));
            field += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{IntKind, TypeTable};

    fn f(bit_offset: u64, w: Option<u32>) -> Field {
        Field {
            name: None,
            ty: TypeTable::new().int(IntKind::UInt),
            bit_offset,
            bit_width: w,
            access: None,
        }
    }

    fn units(fields: &[Field], size: u64, align: u64) -> Vec<Option<(u64, u64)>> {
        access_units(fields, size, align)
            .into_iter()
            .map(|u| u.map(|u| (u.shift, u.bytes)))
            .collect()
    }

    // Expected values: clang-19 -target bpf -Xclang -fdump-record-layouts
    // (StorageOffset*8 + Offset, StorageSize/8).

    #[test]
    fn spans_merge_across_a_zero_width_gap_only_up_to_it() {
        // struct { int s3:3; unsigned u5:5; int s7:7; unsigned u11:11; unsigned :0;
        //          unsigned long long wide:40; int last:2; } -> { i32, i64 }
        let fs = [
            f(0, Some(3)),
            f(3, Some(5)),
            f(8, Some(7)),
            f(15, Some(11)),
            f(32, Some(0)),
            f(64, Some(40)),
            f(104, Some(2)),
        ];
        let u = units(&fs, 16, 8);
        assert_eq!(
            u,
            vec![
                Some((0, 4)),
                Some((3, 4)),
                Some((8, 4)),
                Some((15, 4)),
                None,
                Some((0, 8)),
                Some((40, 8))
            ]
        );
    }

    #[test]
    fn units_grow_into_tail_padding_but_not_past_the_record_alignment() {
        // struct { long x; unsigned a:20; } -> a in an i32 at byte 8.
        assert_eq!(
            units(&[f(0, None), f(64, Some(20))], 16, 8)[1],
            Some((0, 4))
        );
        // struct { unsigned a:4, b:4, c:8, d:12, e:30; } -> i32 at 0 (a..d), i32 at 4 (e):
        // one i64 would be more aligned than the record.
        let fs = [
            f(0, Some(4)),
            f(4, Some(4)),
            f(8, Some(8)),
            f(16, Some(12)),
            f(32, Some(30)),
        ];
        let u = units(&fs, 8, 4);
        assert_eq!(u[3], Some((16, 4)));
        assert_eq!(u[4], Some((0, 4)));
    }

    #[test]
    fn clipped_units_are_left_out() {
        // struct { char c; unsigned a:20; char d; } -> a in a 3-byte unit at byte 1.
        let fs = [f(0, None), f(8, Some(20)), f(32, None)];
        assert_eq!(units(&fs, 8, 4), vec![None, None, None]);
        // struct { unsigned a:12, b:12; unsigned short c; } -> i32 at 0 (c is at 4).
        let fs = [f(0, Some(12)), f(12, Some(12)), f(32, None)];
        assert_eq!(units(&fs, 8, 4)[1], Some((12, 4)));
    }
}
