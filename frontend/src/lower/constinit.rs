//! Local aggregates with a constant initializer, initialized the way clang's code
//! generator does it (CGDecl.cpp, `emitStoresForConstant`), so that the optimizer
//! sees clang's shapes and the object carries clang's read-only data:
//! - all zero: `memset 0`;
//! - more than 32 bytes with at most 6 non-zero scalar leaves
//!   (`shouldUseBZeroPlusStoresToInitialize`; leaves are counted through arrays and
//!   structs, bit-field storage per byte, strings per character): `memset 0`, then one
//!   store per non-zero leaf. A plain symbol address (`&g`, `f`) is not such a leaf
//!   (LLVM's `canEmitInitWithFewStoresAfterBZero` gives up on it);
//! - more than 32 bytes of one repeated byte (`shouldUseMemSetToInitialize`):
//!   `memset` with that byte;
//! - otherwise a `memcpy` from a private constant `.L__const.<function>.<variable>`
//!   (clang's `private unnamed_addr constant @__const.f.x`) in the mergeable section
//!   its contents call for (`rodata.rs`). The IR pass `constlocal` later makes a
//!   local that is only read that constant itself; `constmerge` merges equal ones.
//!
//! Constant means an initializer list whose items are all integer or address
//! constants (`consteval`) or string bytes (`isConstantInitializer`); struct copies
//! and values computed at run time take the ordinary path (`init_mem`), as do
//! `volatile` locals (clang copies those with a volatile memcpy, not modelled).
//!
//! Known difference: bytes of a union past its initialized member are `undef` for
//! clang (so a zero union initialized through a smaller member is copied, and such
//! bytes match any repeated byte); here they are zero.

use std::collections::{BTreeMap, BTreeSet};

use super::data::init_bytes;
use super::func::{FnLower, Storage};
use super::order::Event;
use super::rodata::mergeable_section;
use crate::sema::consteval::{AddrBase, ConstVal, eval};
use crate::sema::tast::{Expr, Init, InitValue, LocalId, Program};
use crate::types::QualType;
use ir::module::{DataInit, DataReloc, GlobalData};
use ir::{MemFlags, Type};

/// Largest size initialized by a copy or per-leaf stores (clang's limit for both).
const SMALL_BYTES: u64 = 32;
/// Most non-zero leaves stored after a `memset 0`.
const STORE_BUDGET: usize = 6;

/// The private constants made for local initializers, shared by all functions.
#[derive(Debug, Default)]
pub struct ConstPool {
    pub globals: Vec<GlobalData>,
    names: BTreeSet<String>,
}

impl ConstPool {
    /// A pool whose new names avoid `taken` (the program's own globals).
    pub fn new<'a>(taken: impl Iterator<Item = &'a str>) -> Self {
        ConstPool {
            globals: Vec::new(),
            names: taken.map(String::from).collect(),
        }
    }

    /// The per-function pool constant (`GlobalData::pool`) holding `bytes` in
    /// `section`, created on first use under the name `base`; returns its name.
    pub fn pool_table(&mut self, base: &str, bytes: &[u8], section: &str) -> String {
        let same = |g: &&GlobalData| {
            g.pool && g.section == section && matches!(&g.init, DataInit::Bytes(b) if b == bytes)
        };
        if let Some(g) = self.globals.iter().find(same) {
            return g.name.clone();
        }
        let mut data =
            GlobalData::private_const(String::new(), section.to_string(), bytes.to_vec(), 1);
        data.pool = true;
        self.add(base.to_string(), data).1
    }

    /// Adds a constant named `base` (or `base.1`, `base.2`... as LLVM renames a
    /// clash); returns its index and name.
    fn add(&mut self, base: String, mut g: GlobalData) -> (usize, String) {
        let mut name = base.clone();
        let mut n = 0;
        while self.names.contains(&name) {
            n += 1;
            name = format!("{base}.{n}");
        }
        self.names.insert(name.clone());
        g.name = name.clone();
        self.globals.push(g);
        (self.globals.len() - 1, name)
    }
}

/// How a local with a constant initializer is initialized.
enum LocalInit<'a> {
    Zero,
    ZeroThenStores(Vec<Leaf<'a>>),
    Pattern(u8),
    Copy {
        bytes: Vec<u8>,
        relocs: Vec<DataReloc>,
    },
}

/// A scalar of the initializer: where, how wide, what.
#[derive(Clone, Copy)]
struct Leaf<'a> {
    offset: u64,
    width: u32,
    value: LeafValue<'a>,
}

#[derive(Clone, Copy)]
enum LeafValue<'a> {
    /// Known bytes (little-endian).
    Bits(u64),
    /// An address constant: the item's expression and type.
    Addr(&'a Expr, QualType, i64),
}

/// How clang initializes a local of type `ty` from `init`; `None` when the
/// initializer is not constant (or the local is not an aggregate).
fn classify<'a>(prog: &Program, ty: QualType, init: &'a Init) -> Option<LocalInit<'a>> {
    let tt = &prog.types;
    if !tt.is_aggregate(ty) || tt.canon(ty).quals.is_volatile {
        return None;
    }
    let Init::List(items) = init else {
        return None;
    };
    let size = tt.size_of(ty)?;
    if size == 0 {
        return None;
    }
    let mut values = Vec::with_capacity(items.len());
    for it in items {
        values.push(match &it.value {
            InitValue::Bytes(_) => None,
            InitValue::Expr(_) if tt.is_aggregate(it.ty) => return None,
            InitValue::Expr(e) => Some(eval(tt, e)?),
        });
    }
    let (bytes, relocs) = init_bytes(prog, ty, Some(init), size);
    if bytes.len() as u64 != size {
        return None;
    }
    if relocs.is_empty() && bytes.iter().all(|&b| b == 0) {
        return Some(LocalInit::Zero);
    }
    // The leaves by offset (a later item overrides an earlier one at the same place),
    // with the final bytes.
    let bits = |off: u64, width: u32| -> u64 {
        (0..u64::from(width)).fold(0u64, |acc, k| {
            let b = bytes.get((off + k) as usize).copied().unwrap_or(0);
            acc | (u64::from(b) << (8 * k))
        })
    };
    let mut leaves: BTreeMap<u64, Leaf> = BTreeMap::new();
    let byte_leaf = |leaves: &mut BTreeMap<u64, Leaf>, off: u64| {
        let value = LeafValue::Bits(bits(off, 1));
        leaves.insert(
            off,
            Leaf {
                offset: off,
                width: 1,
                value,
            },
        );
    };
    for (it, val) in items.iter().zip(&values) {
        let off = it.byte_offset;
        match (&it.value, it.bitfield, val) {
            (InitValue::Bytes(b), _, _) => {
                (0..b.len() as u64).for_each(|k| byte_leaf(&mut leaves, off + k));
            }
            // Bit-fields are packed into bytes in clang's constant.
            (_, Some((bit, width)), _) => {
                let n = u64::from((bit + width).div_ceil(8));
                (0..n).for_each(|k| byte_leaf(&mut leaves, off + k));
            }
            (InitValue::Expr(e), None, Some(v)) => {
                let width = u32::try_from(tt.size_of(it.ty)?).ok()?;
                if width > 8 {
                    return None;
                }
                let value = match v {
                    ConstVal::Addr(_, addend) => LeafValue::Addr(e, it.ty, *addend),
                    ConstVal::Int(_) => LeafValue::Bits(bits(off, width)),
                };
                leaves.insert(
                    off,
                    Leaf {
                        offset: off,
                        width,
                        value,
                    },
                );
            }
            (InitValue::Expr(_), None, None) => return None,
        }
    }
    let nonzero: Vec<Leaf> = leaves
        .into_values()
        .filter(|l| !matches!(l.value, LeafValue::Bits(0)))
        .collect();
    let plain_addr = nonzero
        .iter()
        .any(|l| matches!(l.value, LeafValue::Addr(_, _, 0)));
    if size > SMALL_BYTES && !plain_addr && nonzero.len() <= STORE_BUDGET {
        return Some(LocalInit::ZeroThenStores(nonzero));
    }
    if size > SMALL_BYTES && relocs.is_empty() && bytes.windows(2).all(|w| w[0] == w[1]) {
        return Some(LocalInit::Pattern(bytes[0]));
    }
    Some(LocalInit::Copy { bytes, relocs })
}

impl FnLower<'_, '_> {
    /// Initializes the local declared with `init` as clang does when `init` is a
    /// constant initializer of an aggregate in a stack slot; returns false (nothing
    /// emitted) otherwise. Only declarations: compound literals are built by clang's
    /// aggregate expression emitter, with stores.
    pub(super) fn init_decl_const(&mut self, l: LocalId, init: &Init) -> bool {
        let Some(Storage::Slot(slot)) = self.storage(l) else {
            return false;
        };
        let Some(ty) = self.func.locals.get(l.0 as usize).map(|x| x.ty) else {
            return false;
        };
        let Some(how) = classify(self.prog, ty, init) else {
            return false;
        };
        let size = u32::try_from(self.tt().size_of(ty).unwrap_or(0)).unwrap_or(u32::MAX);
        let natural = self.tt().align_of(ty).unwrap_or(1).max(1);
        let align = u32::try_from(natural.min(8)).unwrap_or(8);
        let addr = self.b.stack_addr(slot, 0);
        match how {
            LocalInit::Zero => {
                self.b.memset(addr, 0, size, align);
            }
            LocalInit::Pattern(byte) => {
                self.b.memset(addr, byte, size, align);
            }
            LocalInit::ZeroThenStores(leaves) => {
                self.b.memset(addr, 0, size, align);
                for leaf in leaves {
                    let v = match leaf.value {
                        LeafValue::Bits(bits) => {
                            let t = Type::from_bytes(u64::from(leaf.width)).unwrap_or(Type::I8);
                            self.b.iconst(t, bits as i64)
                        }
                        LeafValue::Addr(e, item_ty, _) => {
                            let v = self.value(e);
                            self.convert(v, e.ty, item_ty)
                        }
                    };
                    let (a, o) = self.mem_at(addr, leaf.offset as i64);
                    self.b.store(MemFlags::default(), v, a, o);
                }
            }
            LocalInit::Copy { bytes, relocs } => {
                // What the constant names is created first (clang emits the
                // initializer constant, then the global holding it).
                if let Init::List(items) = init {
                    for it in items {
                        if let InitValue::Expr(e) = &it.value
                            && let Some(ConstVal::Addr(base, _)) = eval(self.tt(), e)
                        {
                            self.events.push(match base {
                                AddrBase::Global(g) => Event::Global(g),
                                AddrBase::Func(f) => Event::Func(f),
                            });
                        }
                    }
                }
                let local = self.func.locals.get(l.0 as usize).map_or("", |x| &x.name);
                let base = format!(".L__const.{}.{}", self.func.name, local);
                let section = mergeable_section(self.prog, ty, &bytes, &relocs);
                let align = u32::try_from(natural).unwrap_or(8);
                let mut data = GlobalData::private_const(String::new(), section, bytes, align);
                data.relocs = relocs;
                let (idx, name) = self.consts.add(base, data);
                self.events.push(Event::Const(idx));
                let r = self.b.func.import_global(&name);
                let src = self.b.global_addr(r, 0);
                self.b.memcpy(addr, src, size, align);
            }
        }
        true
    }
}
