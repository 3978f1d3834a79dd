//! The disassembler: splits a code byte range into instructions with the opcode table's
//! decoder, recovering from bad bytes the way llvm-objdump does, so a listing of broken
//! input still lines up with the reference tool's.
//!
//! Decoding is llvm-objdump's lenient view ([`isa::decode_lenient`]): fields that LLVM's
//! decoder ignores may hold anything.
//!
//! Invariants: items cover `bytes` exactly, in order, without overlap. Where fewer bytes
//! remain than an instruction needs (under 8, or under 16 for ld_imm64), each remaining
//! byte is its own unknown item; a full 8-byte slot that does not decode is one unknown
//! item of 8 bytes. Spec: `instruction-set.rst`, "Instruction encoding".

use crate::isa::{self, Insn};
use linker::object::Endian;

/// One listing item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A valid instruction at `byte_off` of `len` (8 or 16) bytes.
    Insn {
        byte_off: usize,
        len: usize,
        insn: Insn,
    },
    /// Bytes that are no instruction (`<unknown>` in llvm-objdump's listing).
    Unknown { byte_off: usize, len: usize },
}

impl Item {
    pub fn byte_off(&self) -> usize {
        match *self {
            Item::Insn { byte_off, .. } | Item::Unknown { byte_off, .. } => byte_off,
        }
    }

    pub fn len(&self) -> usize {
        match *self {
            Item::Insn { len, .. } | Item::Unknown { len, .. } => len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Disassembles `bytes`, whose first byte is at section offset `base`.
pub fn disassemble(bytes: &[u8], base: usize, endian: Endian) -> Vec<Item> {
    let mut items = Vec::with_capacity(bytes.len() / 8);
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) {
        let item = decode_one(rest, base + at, endian);
        at += item.len();
        items.push(item);
    }
    items
}

/// The one item at the start of `rest` (non-empty), whose first byte is at section
/// offset `byte_off`. Its length is at least 1.
pub fn decode_one(rest: &[u8], byte_off: usize, endian: Endian) -> Item {
    let needed = if rest.first() == Some(&isa::table::OP_LD_IMM64) {
        16
    } else {
        8
    };
    if rest.len() < needed {
        return Item::Unknown { byte_off, len: 1 };
    }
    match isa::decode_lenient(rest, endian) {
        Ok((insn, len)) => Item::Insn {
            byte_off,
            len,
            insn,
        },
        Err(_) => Item::Unknown { byte_off, len: 8 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_like_llvm_objdump() {
        let mut b = Vec::new();
        isa::encode(
            &isa::parse_insn("r1 += 5", None).unwrap().insn,
            Endian::Little,
            &mut b,
        );
        b.extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0]); // unknown opcode: 8 bytes
        b.extend_from_slice(&[0x18, 1, 0, 0, 7, 0, 0, 0]); // truncated ld_imm64: byte by byte
        let items = disassemble(&b, 0x10, Endian::Little);
        assert_eq!(items.len(), 10);
        assert!(matches!(
            items[0],
            Item::Insn {
                byte_off: 0x10,
                len: 8,
                ..
            }
        ));
        assert_eq!(
            items[1],
            Item::Unknown {
                byte_off: 0x18,
                len: 8
            }
        );
        assert_eq!(
            items[2],
            Item::Unknown {
                byte_off: 0x20,
                len: 1
            }
        );
        assert_eq!(
            items[9],
            Item::Unknown {
                byte_off: 0x27,
                len: 1
            }
        );
        let total: usize = items.iter().map(Item::len).sum();
        assert_eq!(total, b.len());
    }
}
