//! Compact BTF types: each type kept as its encoding (`../shared/spec/btf.rst` section 2
//! "BTF Type and String Encoding": the 12-byte common part `name_off`, `info`,
//! `size`/`type`, then the kind's trailer words), in one header array and one word arena,
//! with no allocation per type. The static linker parses, merges, deduplicates and
//! writes BTF in this form; [`Btf`](super::Btf) decodes it into the model.
//!
//! Invariants: header `i` is type id `i` (0 is a zero placeholder for void); the
//! encoding is normalized to what [`Btf::encode`](super::Btf::encode) writes for the
//! decoded type (in `info` only `kind_flag`, the kind and a meaningful `vlen` survive;
//! INT data keeps its encoding, offset and bits fields; FWD and ARRAY have size 0), so
//! writing the words back gives the model's bytes. A type's trailer starts at
//! `hdr[id][3]` and its length follows from `info` ([`Layout`]); a trailer may be moved to
//! the end of the arena when a type is replaced. [`Layout`] says which words are string
//! offsets, type ids or plain values, so types are renamed, renumbered and compared
//! without decoding.

use super::{BtfType, EnumValue, Kind, Linkage, Member, Param, TypeData, VarSecInfo, Writer};

/// What a word of an encoded type holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A string offset.
    Name,
    /// A type id.
    Ref,
    /// Anything else (sizes, offsets, values, linkage).
    Val,
}

/// Where a kind keeps names and type ids: the `size`/`type` word, then a trailer of one
/// record (`repeated` false) or `vlen` records of `rec.len()` words. A record holds at
/// most one name; only ARRAY's single record holds two type ids.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub head: Slot,
    pub rec: &'static [Slot],
    pub repeated: bool,
    /// Positions in a record of the name and of the type ids (`NONE` when absent).
    name_at: u8,
    refs_at: [u8; 2],
}

const NONE: u8 = u8::MAX;

impl Layout {
    /// Trailer length in words for `vlen`.
    #[inline]
    pub fn body_len(&self, vlen: usize) -> usize {
        if self.repeated {
            self.rec.len() * vlen
        } else {
            self.rec.len()
        }
    }

    #[inline]
    pub fn has_names(&self) -> bool {
        self.name_at != NONE
    }

    #[inline]
    pub fn has_refs(&self) -> bool {
        self.refs_at[0] != NONE
    }

    /// Calls `f` on the index in `body` of every name word, in order.
    #[inline]
    pub fn names_in(&self, body_len: usize, f: impl FnMut(usize)) {
        if self.name_at != NONE {
            (self.name_at as usize..body_len)
                .step_by(self.rec.len())
                .for_each(f);
        }
    }

    /// Calls `f` on the index in `body` of every type id word, in order.
    #[inline]
    pub fn refs_in(&self, body_len: usize, mut f: impl FnMut(usize)) {
        if self.refs_at[0] == NONE {
            return;
        }
        if self.refs_at[1] != NONE {
            // One record (ARRAY): both ids in order.
            f(self.refs_at[0] as usize);
            f(self.refs_at[1] as usize);
            return;
        }
        (self.refs_at[0] as usize..body_len)
            .step_by(self.rec.len())
            .for_each(f);
    }

    /// True when the words of `a` and `b` (same kind and length) agree at every
    /// position that is not a type id.
    #[inline]
    pub fn same_vals(&self, a: &[u32], b: &[u32]) -> bool {
        if !self.has_refs() {
            return a == b;
        }
        let st = self.rec.len();
        a.chunks_exact(st)
            .zip(b.chunks_exact(st))
            .all(|(x, y)| (0..st).all(|j| self.rec[j] == Slot::Ref || x[j] == y[j]))
    }
}

const fn lay(head: Slot, rec: &'static [Slot], repeated: bool) -> Layout {
    let mut name_at = NONE;
    let mut refs_at = [NONE; 2];
    let mut j = 0;
    while j < rec.len() {
        match rec[j] {
            Slot::Name => name_at = j as u8,
            Slot::Ref => {
                if refs_at[0] == NONE {
                    refs_at[0] = j as u8;
                } else {
                    refs_at[1] = j as u8;
                }
            }
            Slot::Val => {}
        }
        j += 1;
    }
    Layout {
        head,
        rec,
        repeated,
        name_at,
        refs_at,
    }
}

use Slot::{Name as N, Ref as R, Val as V};

/// Layouts indexed by kind number (0 is unused).
const LAYOUTS: [Layout; 20] = [
    lay(V, &[], false),        // 0 (void)
    lay(V, &[V], false),       // INT: size; encoding word
    lay(R, &[], false),        // PTR
    lay(V, &[R, R, V], false), // ARRAY: elem, index, nelems
    lay(V, &[N, R, V], true),  // STRUCT: size; members
    lay(V, &[N, R, V], true),  // UNION
    lay(V, &[N, V], true),     // ENUM: size; name, value
    lay(V, &[], false),        // FWD
    lay(R, &[], false),        // TYPEDEF
    lay(R, &[], false),        // VOLATILE
    lay(R, &[], false),        // CONST
    lay(R, &[], false),        // RESTRICT
    lay(R, &[], false),        // FUNC (linkage in vlen)
    lay(R, &[N, R], true),     // FUNC_PROTO: return type; params
    lay(R, &[V], false),       // VAR: type; linkage
    lay(V, &[R, V, V], true),  // DATASEC: size; var, offset, size
    lay(V, &[], false),        // FLOAT
    lay(R, &[V], false),       // DECL_TAG: type; component_idx
    lay(R, &[], false),        // TYPE_TAG
    lay(V, &[N, V, V], true),  // ENUM64: size; name, lo, hi
];

/// The layout of kind `k`.
#[inline]
pub fn layout(k: Kind) -> &'static Layout {
    &LAYOUTS[k as usize]
}

/// `info` as the model writes it: `kind_flag`, kind and (for kinds with a list, and FUNC's
/// linkage) `vlen`.
#[inline]
pub fn norm_info(kind: Kind, kind_flag: bool, vlen: usize) -> u32 {
    (u32::from(kind_flag) << 31) | ((kind as u32) << 24) | (vlen as u32 & 0xffff)
}

#[inline]
fn kind_of(info: u32) -> Kind {
    // Normalized `info` always holds a valid kind.
    Kind::from_u32((info >> 24) & 0x1f).unwrap_or(Kind::Fwd)
}

/// BTF types in encoded form (see the module header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatTypes {
    /// Per id: `[name_off, info, size_or_type, trailer start]`.
    pub hdr: Vec<[u32; 4]>,
    pub words: Vec<u32>,
}

impl Default for FlatTypes {
    fn default() -> Self {
        Self::with_capacity(0, 0)
    }
}

impl FlatTypes {
    pub fn with_capacity(types: usize, words: usize) -> Self {
        let mut hdr = Vec::with_capacity(types + 1);
        hdr.push([0; 4]);
        FlatTypes {
            hdr,
            words: Vec::with_capacity(words),
        }
    }

    /// Removes every type (keeps the buffers).
    pub fn clear(&mut self) {
        self.hdr.clear();
        self.hdr.push([0; 4]);
        self.words.clear();
    }

    /// Number of types (the last id).
    #[inline]
    pub fn len(&self) -> usize {
        self.hdr.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn name(&self, id: u32) -> u32 {
        self.hdr[id as usize][0]
    }

    #[inline]
    pub fn info(&self, id: u32) -> u32 {
        self.hdr[id as usize][1]
    }

    #[inline]
    pub fn kind(&self, id: u32) -> Kind {
        kind_of(self.info(id))
    }

    #[inline]
    pub fn kind_flag(&self, id: u32) -> bool {
        self.info(id) >> 31 != 0
    }

    #[inline]
    pub fn vlen(&self, id: u32) -> usize {
        (self.info(id) & 0xffff) as usize
    }

    /// The `size`/`type` word.
    #[inline]
    pub fn head(&self, id: u32) -> u32 {
        self.hdr[id as usize][2]
    }

    /// The trailer words.
    #[inline]
    pub fn body(&self, id: u32) -> &[u32] {
        let h = &self.hdr[id as usize];
        let len = layout(kind_of(h[1])).body_len((h[1] & 0xffff) as usize);
        &self.words[h[3] as usize..h[3] as usize + len]
    }

    fn body_mut(&mut self, id: u32) -> &mut [u32] {
        let h = self.hdr[id as usize];
        let len = layout(kind_of(h[1])).body_len((h[1] & 0xffff) as usize);
        &mut self.words[h[3] as usize..h[3] as usize + len]
    }

    /// Appends a type (normalized `info`); returns its id.
    pub fn push(&mut self, name: u32, info: u32, head: u32, body: &[u32]) -> u32 {
        let start = self.words.len() as u32;
        self.words.extend_from_slice(body);
        self.hdr.push([name, info, head, start]);
        self.len() as u32
    }

    /// Calls `f` on every type id `id` refers to, in encoding order.
    #[inline]
    pub fn for_each_ref(&self, id: u32, mut f: impl FnMut(u32)) {
        let l = layout(self.kind(id));
        if l.head == Slot::Ref {
            f(self.head(id));
        }
        if l.has_refs() {
            let body = self.body(id);
            l.refs_in(body.len(), |i| f(body[i]));
        }
    }

    /// Calls `f` on every string offset of `id` (its name, then member/value/parameter
    /// names), in encoding order.
    #[inline]
    pub fn for_each_name(&self, id: u32, mut f: impl FnMut(u32)) {
        f(self.name(id));
        let l = layout(self.kind(id));
        if l.has_names() {
            let body = self.body(id);
            l.names_in(body.len(), |i| f(body[i]));
        }
    }

    /// Appends type `id` of `src`, strings through `name` (in encoding order) and type
    /// ids through `re`.
    #[inline]
    pub fn push_mapped(
        &mut self,
        src: &FlatTypes,
        id: u32,
        mut name: impl FnMut(u32) -> u32,
        mut re: impl FnMut(u32) -> u32,
    ) -> u32 {
        let [n, info, head, _] = src.hdr[id as usize];
        let n = name(n);
        let l = layout(kind_of(info));
        let head = if l.head == Slot::Ref { re(head) } else { head };
        let start = self.words.len();
        let body = src.body(id);
        self.words.extend_from_slice(body);
        let new = &mut self.words[start..];
        l.names_in(new.len(), |i| new[i] = name(new[i]));
        l.refs_in(new.len(), |i| new[i] = re(new[i]));
        self.hdr.push([n, info, head, start as u32]);
        self.len() as u32
    }

    /// Gives `dst` type `src`'s kind, `kind_flag`, `size`/`type` and trailer (its name
    /// stays).
    pub fn replace_data(&mut self, dst: u32, src: u32) {
        let [_, info, head, _] = self.hdr[src as usize];
        let body = self.body(src).to_vec();
        let old_len = self.body(dst).len();
        let start = if body.len() == old_len {
            self.hdr[dst as usize][3]
        } else {
            let s = self.words.len() as u32;
            self.words.resize(self.words.len() + body.len(), 0);
            s
        };
        let h = &mut self.hdr[dst as usize];
        h[1] = info;
        h[2] = head;
        h[3] = start;
        self.body_mut(dst).copy_from_slice(&body);
    }

    /// Sets the names of FUNC_PROTO `id`'s parameters that are 0 from `from` (in order).
    pub fn fill_param_names(&mut self, id: u32, from: &[u32]) {
        for (k, &name) in (0..self.vlen(id)).zip(from) {
            let w = &mut self.body_mut(id)[2 * k];
            if *w == 0 {
                *w = name;
            }
        }
    }

    /// Parameter names of FUNC_PROTO `id`.
    pub fn param_names(&self, id: u32) -> Vec<u32> {
        self.body(id).iter().step_by(2).copied().collect()
    }

    /// Writes type `id` (encoded, `big` byte order), strings through `name`.
    pub(crate) fn encode_type(&self, id: u32, w: &mut Writer) {
        w.u32s(&[self.name(id), self.info(id), self.head(id)]);
        w.u32s(self.body(id));
    }

    /// Encoded length in bytes of every type.
    pub fn encoded_len(&self) -> usize {
        (1..=self.len() as u32)
            .map(|id| 12 + 4 * self.body(id).len())
            .sum()
    }

    /// Type `id` decoded into the model (None for void or out of range).
    pub fn decode(&self, id: u32) -> Option<BtfType> {
        if id == 0 || id as usize > self.len() {
            return None;
        }
        let (kind, kind_flag, head, b) = (
            self.kind(id),
            self.kind_flag(id),
            self.head(id),
            self.body(id),
        );
        let data = match kind {
            Kind::Int => TypeData::Int {
                size: head,
                encoding: ((b[0] >> 24) & 0xf) as u8,
                offset: ((b[0] >> 16) & 0xff) as u8,
                bits: (b[0] & 0xff) as u8,
            },
            Kind::Ptr => TypeData::Ptr { type_id: head },
            Kind::Array => TypeData::Array {
                elem_type: b[0],
                index_type: b[1],
                nelems: b[2],
            },
            Kind::Struct | Kind::Union => {
                let members = b
                    .chunks_exact(3)
                    .map(|m| {
                        let (bit_offset, bitfield_size) = if kind_flag {
                            (m[2] & 0xff_ffff, (m[2] >> 24) as u8)
                        } else {
                            (m[2], 0)
                        };
                        Member {
                            name_off: m[0],
                            type_id: m[1],
                            bit_offset,
                            bitfield_size,
                        }
                    })
                    .collect();
                if kind == Kind::Struct {
                    TypeData::Struct {
                        size: head,
                        members,
                    }
                } else {
                    TypeData::Union {
                        size: head,
                        members,
                    }
                }
            }
            Kind::Enum => TypeData::Enum {
                size: head,
                values: b
                    .chunks_exact(2)
                    .map(|v| EnumValue {
                        name_off: v[0],
                        val: u64::from(v[1]),
                    })
                    .collect(),
            },
            Kind::Enum64 => TypeData::Enum64 {
                size: head,
                values: b
                    .chunks_exact(3)
                    .map(|v| EnumValue {
                        name_off: v[0],
                        val: u64::from(v[1]) | (u64::from(v[2]) << 32),
                    })
                    .collect(),
            },
            Kind::Fwd => TypeData::Fwd,
            Kind::Typedef => TypeData::Typedef { type_id: head },
            Kind::Volatile => TypeData::Volatile { type_id: head },
            Kind::Const => TypeData::Const { type_id: head },
            Kind::Restrict => TypeData::Restrict { type_id: head },
            Kind::TypeTag => TypeData::TypeTag { type_id: head },
            Kind::Func => TypeData::Func {
                type_id: head,
                linkage: Linkage::from_u32(self.vlen(id) as u32).unwrap_or(Linkage::Static),
            },
            Kind::FuncProto => TypeData::FuncProto {
                ret_type: head,
                params: b
                    .chunks_exact(2)
                    .map(|p| Param {
                        name_off: p[0],
                        type_id: p[1],
                    })
                    .collect(),
            },
            Kind::Var => TypeData::Var {
                type_id: head,
                linkage: Linkage::from_u32(b[0]).unwrap_or(Linkage::Static),
            },
            Kind::Datasec => TypeData::Datasec {
                size: head,
                vars: b
                    .chunks_exact(3)
                    .map(|v| VarSecInfo {
                        type_id: v[0],
                        offset: v[1],
                        size: v[2],
                    })
                    .collect(),
            },
            Kind::Float => TypeData::Float { size: head },
            Kind::DeclTag => TypeData::DeclTag {
                type_id: head,
                component_idx: b[0] as i32,
            },
        };
        Some(BtfType {
            name_off: self.name(id),
            kind_flag,
            data,
        })
    }

    /// Appends a model type, encoded as [`Btf::encode`](super::Btf::encode) does.
    pub fn push_type(&mut self, t: &BtfType) -> u32 {
        let mut w = Writer {
            out: Vec::new(),
            big: false,
        };
        super::encode_type(t, &mut w);
        let words: Vec<u32> = w
            .out
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        self.push(words[0], words[1], words[2], &words[3..])
    }
}
