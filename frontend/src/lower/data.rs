//! Initial bytes and relocations of a global (or of the private copy of a local's
//! constant initializer, `constinit.rs`) from its flattened initializer.
//!
//! Invariants: the result is exactly `size` bytes, little-endian (BPF's `-target bpf`
//! default); an address constant becomes a 64-bit slot of zeros plus a [`DataReloc`]
//! naming the symbol and addend (R_BPF_64_ABS64, llvm_reloc.rst); bit-fields are OR-ed
//! into their storage bits. Sema has already checked that every value is constant.

use crate::sema::consteval::{AddrBase, ConstVal, eval};
use crate::sema::tast::{Global, Init, InitItem, InitValue, Program};
use crate::types::QualType;
use ir::module::DataReloc;

/// The bytes and relocations of `g` (zero-filled where nothing is written).
pub fn global_bytes(prog: &Program, g: &Global, size: u64) -> (Vec<u8>, Vec<DataReloc>) {
    init_bytes(prog, g.ty, g.init.as_ref(), size)
}

/// The bytes and relocations of an object of type `ty` and `size` bytes initialized
/// by `init` (zero-filled where nothing is written).
pub fn init_bytes(
    prog: &Program,
    ty: QualType,
    init: Option<&Init>,
    size: u64,
) -> (Vec<u8>, Vec<DataReloc>) {
    // Initialized elements of a flexible array member (GNU: `.values = { [0] = &m }`
    // in a map-in-map definition) make the object larger than its type.
    let mut len = size;
    if let Some(Init::List(items)) = init {
        for it in items {
            let n = match &it.value {
                InitValue::Bytes(b) => b.len() as u64,
                InitValue::Expr(_) => prog.types.size_of(it.ty).unwrap_or(0),
            };
            len = len.max(it.byte_offset.saturating_add(n));
        }
    }
    let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
    let mut relocs = Vec::new();
    match init {
        None => {}
        Some(Init::Expr(e)) => {
            let item = InitItem {
                byte_offset: 0,
                bitfield: None,
                access: None,
                ty,
                value: InitValue::Expr(e.clone()),
            };
            write_item(prog, &item, &mut bytes, &mut relocs);
        }
        Some(Init::List(items)) => {
            for it in items {
                write_item(prog, it, &mut bytes, &mut relocs);
            }
        }
    }
    (bytes, relocs)
}

fn write_item(prog: &Program, it: &InitItem, bytes: &mut [u8], relocs: &mut Vec<DataReloc>) {
    let off = usize::try_from(it.byte_offset).unwrap_or(usize::MAX);
    match &it.value {
        InitValue::Bytes(b) => {
            for (i, &x) in b.iter().enumerate() {
                if let Some(slot) = bytes.get_mut(off.saturating_add(i)) {
                    *slot = x;
                }
            }
        }
        InitValue::Expr(e) => {
            let width = usize::try_from(prog.types.size_of(it.ty).unwrap_or(0)).unwrap_or(0);
            match eval(&prog.types, e) {
                Some(ConstVal::Int(v)) => {
                    if let Some((bit, w)) = it.bitfield {
                        // The bytes holding the field, from `byte_offset`.
                        let width = (bit + w).div_ceil(8) as usize;
                        let mask: u128 = if w >= 64 {
                            u64::MAX as u128
                        } else {
                            (1u128 << w) - 1
                        };
                        let field = ((v as u128) & mask) << bit;
                        // Read-modify-write the storage unit, little-endian.
                        let mut unit: u128 = 0;
                        for i in 0..width {
                            unit |= u128::from(*bytes.get(off + i).unwrap_or(&0)) << (8 * i);
                        }
                        unit = (unit & !(mask << bit)) | field;
                        for i in 0..width {
                            if let Some(s) = bytes.get_mut(off + i) {
                                *s = (unit >> (8 * i)) as u8;
                            }
                        }
                    } else {
                        for i in 0..width {
                            if let Some(s) = bytes.get_mut(off + i) {
                                *s = ((v as u128) >> (8 * i)) as u8;
                            }
                        }
                    }
                }
                Some(ConstVal::Addr(base, addend)) => {
                    let symbol = match base {
                        AddrBase::Global(gid) => prog.global(gid).name.clone(),
                        AddrBase::Func(fid) => prog.func(fid).name.clone(),
                    };
                    relocs.push(DataReloc {
                        offset: u32::try_from(off).unwrap_or(u32::MAX),
                        symbol,
                        addend,
                    });
                }
                // Sema rejects non-constant initializers of globals.
                None => {}
            }
        }
    }
}
