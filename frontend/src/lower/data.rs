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
            len = len.max(it.byte_offset.saturating_add(item_bytes(prog, it)));
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

/// How many bytes `it` writes from its `byte_offset`: a bit-field only the bytes its
/// bits touch, not its declared type's size (its storage unit may start before
/// `byte_offset` and end past the object, `unsigned int b : 8` at bit 24).
fn item_bytes(prog: &Program, it: &InitItem) -> u64 {
    match (&it.value, it.bitfield) {
        (InitValue::Bytes(b), _) => b.len() as u64,
        (InitValue::Expr(_), Some((bit, w))) => u64::from(bit + w).div_ceil(8),
        (InitValue::Expr(_), None) => prog.types.size_of(it.ty).unwrap_or(0),
    }
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
                        let width = item_bytes(prog, it) as usize;
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

#[cfg(test)]
mod tests {
    use crate::driver::{FrontendOptions, compile_source};
    use ir::module::DataInit;

    /// `(size, bytes)` of each global of `src`, by name.
    fn globals(src: &str) -> Vec<(String, u64, Vec<u8>)> {
        let mut sources = diag::SourceMap::new();
        let (m, _) = compile_source("t.c", src, &FrontendOptions::default(), &mut sources)
            .unwrap_or_else(|d| panic!("{}", diag::render_all(&sources, &d.items)));
        m.globals
            .iter()
            .map(|g| {
                let bytes = match &g.init {
                    DataInit::Bytes(b) => b.clone(),
                    DataInit::Zero => vec![0; g.size as usize],
                };
                (g.name.clone(), g.size, bytes)
            })
            .collect()
    }

    #[test]
    fn bit_field_initializers_keep_the_type_size() {
        let got = globals(
            "struct s { unsigned int a : 24; unsigned int b : 8; };
             struct s g = { .a = 1, .b = 2 };
             struct s arr[2] = { { 3, 4 }, { 5, 6 } };
             struct t { unsigned char c; unsigned int x : 4; };
             struct t h = { 7, 9 };
             struct __attribute__((packed)) p { char c; unsigned int x : 20; };
             struct p q = { 1, 0xabcde };
             int after = 5;",
        );
        let want: [(&str, &[u8]); 5] = [
            ("g", &[1, 0, 0, 2]),
            ("arr", &[3, 0, 0, 4, 5, 0, 0, 6]),
            ("h", &[7, 9, 0, 0]),
            ("q", &[1, 0xde, 0xbc, 0x0a]),
            ("after", &[5, 0, 0, 0]),
        ];
        for (name, bytes) in want {
            let g = got.iter().find(|g| g.0 == name).expect(name);
            assert_eq!((g.1, g.2.as_slice()), (bytes.len() as u64, bytes), "{name}");
        }
    }
}
