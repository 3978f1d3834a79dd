//! The C type system of the BPF target: types interned in a [`TypeTable`] behind typed
//! ids, struct/union/enum definitions, layout, and the conversions of C17 6.3.
//!
//! Invariants:
//! - A [`TypeId`] is only meaningful for the table that made it; structurally equal
//!   types (pointers, arrays, functions, integers, typedef sugar) get the same id, while
//!   every struct/union/enum declaration gets its own [`RecordId`]/[`EnumId`].
//! - Qualifiers live on [`QualType`], never inside [`Type`], except for the pointee or
//!   element types that a `Ptr`/`Array`/`Func` carries.
//! - Typedefs are kept as sugar (`Type::Typedef`) so that debug info (BTF) can name
//!   them; every semantic query goes through [`TypeTable::canon`], which strips them.
//! - Layout follows the BPF LP64 data model as clang lays it out for `-target bpf`:
//!   char 1, short 2, int 4, long/long long/pointers 8, alignment = size; bit-fields
//!   are packed into storage units of their declared type and never straddle an
//!   alignment boundary of that type unless the record is `packed`; unnamed bit-fields
//!   do not raise the record's alignment; zero-width bit-fields align to their type
//!   even in packed records (checked against `clang-19 -fdump-record-layouts` in
//!   `frontend/tests/sema_layout.rs`). No floating point types exist: BPF has none.
//!   Bit-fields are read and written through clang's access units ([`access_units`]).
//! - Integer promotions and the usual arithmetic conversions follow C17 6.3.1.1 and
//!   6.3.1.8; compatibility follows C17 6.2.7.
//! - Every type knows its nesting depth ([`TypeTable::depth`]): pointer, array,
//!   function, typedef and struct-member levels. Later phases walk types recursively,
//!   so sema refuses types deeper than [`MAX_TYPE_DEPTH`] (a 100 000-deep typedef chain
//!   must be an error, not a stack overflow).

use crate::preprocess::fasthash::FastMap;

pub mod access_units;
pub mod floats;
pub use access_units::AccessUnit;
pub use floats::FloatKind;

/// The deepest type nesting sema hands on (pointer/array/function/typedef/member
/// levels). Real code stays far below: vmlinux.h reaches a few dozen.
pub const MAX_TYPE_DEPTH: u32 = 256;

/// Index of an interned type in a [`TypeTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(u32);

/// Index of a struct or union definition in a [`TypeTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(u32);

/// Index of an enum definition in a [`TypeTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumId(u32);

impl TypeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl RecordId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl EnumId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Type qualifiers (C17 6.7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Quals {
    pub is_const: bool,
    pub is_volatile: bool,
    pub is_restrict: bool,
}

impl Quals {
    pub const NONE: Quals = Quals {
        is_const: false,
        is_volatile: false,
        is_restrict: false,
    };
    pub const CONST: Quals = Quals {
        is_const: true,
        is_volatile: false,
        is_restrict: false,
    };
    pub fn union(self, o: Quals) -> Quals {
        Quals {
            is_const: self.is_const || o.is_const,
            is_volatile: self.is_volatile || o.is_volatile,
            is_restrict: self.is_restrict || o.is_restrict,
        }
    }
    /// True when every qualifier of `self` is also in `o`.
    pub fn is_subset_of(self, o: Quals) -> bool {
        (!self.is_const || o.is_const)
            && (!self.is_volatile || o.is_volatile)
            && (!self.is_restrict || o.is_restrict)
    }
    pub fn is_empty(self) -> bool {
        self == Quals::NONE
    }
}

/// A type with its top-level qualifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualType {
    pub id: TypeId,
    pub quals: Quals,
}

impl QualType {
    pub fn new(id: TypeId) -> Self {
        QualType {
            id,
            quals: Quals::NONE,
        }
    }
    pub fn with_quals(self, q: Quals) -> Self {
        QualType {
            id: self.id,
            quals: self.quals.union(q),
        }
    }
    pub fn unqual(self) -> Self {
        QualType::new(self.id)
    }
}

/// The integer types other than `_Bool`, by rank (C17 6.3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntKind {
    /// Plain `char`: signed on BPF, as clang treats it.
    Char,
    SChar,
    UChar,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
    /// `__int128`: laid out (16 bytes, as vmlinux.h needs) but no value of it may be
    /// computed with (sema rejects that: BPF registers are 64-bit).
    Int128,
    UInt128,
}

impl IntKind {
    pub fn size(self) -> u64 {
        match self {
            IntKind::Char | IntKind::SChar | IntKind::UChar => 1,
            IntKind::Short | IntKind::UShort => 2,
            IntKind::Int | IntKind::UInt => 4,
            IntKind::Long | IntKind::ULong | IntKind::LongLong | IntKind::ULongLong => 8,
            IntKind::Int128 | IntKind::UInt128 => 16,
        }
    }
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            IntKind::Char
                | IntKind::SChar
                | IntKind::Short
                | IntKind::Int
                | IntKind::Long
                | IntKind::LongLong
                | IntKind::Int128
        )
    }
    /// Conversion rank (C17 6.3.1.1p1); `_Bool` is rank 0.
    pub fn rank(self) -> u8 {
        match self {
            IntKind::Char | IntKind::SChar | IntKind::UChar => 1,
            IntKind::Short | IntKind::UShort => 2,
            IntKind::Int | IntKind::UInt => 3,
            IntKind::Long | IntKind::ULong => 4,
            IntKind::LongLong | IntKind::ULongLong => 5,
            IntKind::Int128 | IntKind::UInt128 => 6,
        }
    }
    /// The unsigned type of the same rank.
    pub fn to_unsigned(self) -> IntKind {
        match self {
            IntKind::Char | IntKind::SChar | IntKind::UChar => IntKind::UChar,
            IntKind::Short | IntKind::UShort => IntKind::UShort,
            IntKind::Int | IntKind::UInt => IntKind::UInt,
            IntKind::Long | IntKind::ULong => IntKind::ULong,
            IntKind::LongLong | IntKind::ULongLong => IntKind::ULongLong,
            IntKind::Int128 | IntKind::UInt128 => IntKind::UInt128,
        }
    }
    /// The C spelling, as clang prints it in diagnostics.
    pub fn name(self) -> &'static str {
        match self {
            IntKind::Char => "char",
            IntKind::SChar => "signed char",
            IntKind::UChar => "unsigned char",
            IntKind::Short => "short",
            IntKind::UShort => "unsigned short",
            IntKind::Int => "int",
            IntKind::UInt => "unsigned int",
            IntKind::Long => "long",
            IntKind::ULong => "unsigned long",
            IntKind::LongLong => "long long",
            IntKind::ULongLong => "unsigned long long",
            IntKind::Int128 => "__int128",
            IntKind::UInt128 => "unsigned __int128",
        }
    }
    /// Truncates (and sign- or zero-extends back) a value to this type's width.
    pub fn wrap(self, v: i128) -> i128 {
        let bits = self.size() * 8;
        if bits >= 128 {
            return v;
        }
        let m = (v as u128) & ((1u128 << bits) - 1);
        if self.is_signed() && (m >> (bits - 1)) & 1 == 1 {
            (m as i128) - (1i128 << bits)
        } else {
            m as i128
        }
    }
    /// The smallest and largest value of this type.
    pub fn range(self) -> (i128, i128) {
        let bits = (self.size() * 8).min(127);
        if self.is_signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }
    /// Whether `v` is representable in this type.
    pub fn fits(self, v: i128) -> bool {
        self.wrap(v) == v
    }
}

/// A function type (C17 6.7.6.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub ret: QualType,
    /// Parameter types after adjustment (arrays and functions to pointers), unqualified.
    pub params: Vec<QualType>,
    pub variadic: bool,
    /// False for `int f()` (no prototype): calls are not checked against `params`.
    pub has_proto: bool,
}

/// One type, without its top-level qualifiers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Void,
    Bool,
    Int(IntKind),
    /// `float`, `double`, `long double` (see [`floats`]).
    Float(FloatKind),
    /// `_Complex` of a floating type: laid out as two of them, never computed with.
    Complex(FloatKind),
    Ptr(QualType),
    /// `len` is `None` for an incomplete array (`int a[]`).
    Array {
        elem: QualType,
        len: Option<u64>,
    },
    Func(FuncType),
    Record(RecordId),
    Enum(EnumId),
    /// Typedef sugar: `name` stands for `target`.
    Typedef {
        name: String,
        target: QualType,
    },
}

/// One member of a struct or union, laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// `None` for unnamed bit-fields and anonymous struct/union members.
    pub name: Option<String>,
    pub ty: QualType,
    /// Offset from the start of the record in bits (for non-bit-fields a multiple of 8).
    pub bit_offset: u64,
    /// `Some(width)` for bit-fields.
    pub bit_width: Option<u32>,
    /// The unit a bit-field is accessed through, as clang chooses it (see
    /// [`access_units`]); `None` elsewhere and where the declared type's unit is used.
    pub access: Option<AccessUnit>,
}

impl Field {
    pub fn byte_offset(&self) -> u64 {
        self.bit_offset / 8
    }
}

/// A member as declared, before layout.
#[derive(Clone, Debug)]
pub struct FieldDecl {
    pub name: Option<String>,
    pub ty: QualType,
    pub bit_width: Option<u32>,
    /// `__attribute__((aligned(N)))` on the member.
    pub align: Option<u64>,
}

/// Layout attributes of a record.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordAttrs {
    pub packed: bool,
    /// `__attribute__((aligned(N)))` on the record.
    pub align: Option<u64>,
}

/// A struct or union; `complete` becomes true at its closing brace.
#[derive(Clone, Debug)]
pub struct RecordDef {
    pub name: Option<String>,
    pub is_union: bool,
    pub complete: bool,
    pub fields: Vec<Field>,
    pub size: u64,
    pub align: u64,
}

/// An enum; constants keep their values in declaration order.
#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: Option<String>,
    pub complete: bool,
    /// Each value as the 64-bit pattern of [`EnumDef::underlying`] (an `unsigned long`
    /// value above `INT64_MAX` shows here as negative).
    pub constants: Vec<(String, i64)>,
    /// The compatible integer type: written (`enum e : T`, C23 6.7.2.2) or chosen from
    /// the values (as clang does).
    pub underlying: IntKind,
    /// True when the underlying type is written (an enum-base).
    pub fixed: bool,
}

/// The underlying type clang picks for an enum without an enum-base from its values:
/// counting a non-negative value's active bits (at least 1) and a negative one's
/// significant bits, as `Sema::ActOnEnumBody` does.
fn enum_underlying(values: impl Iterator<Item = i128>) -> IntKind {
    let (mut pos_bits, mut neg_bits) = (0u32, 0u32);
    for v in values {
        if v >= 0 {
            pos_bits = pos_bits.max(128 - v.leading_zeros()).max(1);
        } else {
            neg_bits = neg_bits.max(129 - v.leading_ones());
        }
    }
    match (neg_bits, pos_bits) {
        (0, ..=32) => IntKind::UInt,
        (0, _) => IntKind::ULong,
        (..=32, ..32) => IntKind::Int,
        (..=64, ..64) => IntKind::Long,
        _ => IntKind::LongLong,
    }
}

/// Why a record could not be laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// A member has an incomplete type (index in the declaration list).
    IncompleteMember(usize),
    /// A bit-field is wider than its type.
    BitFieldTooWide(usize),
    /// A bit-field has a non-integer type.
    BitFieldNotInteger(usize),
    /// A flexible array member is not last, or in a union.
    FlexibleArrayNotLast(usize),
}

/// The result of a member lookup: a path through anonymous members down to the field.
#[derive(Clone, Debug)]
pub struct MemberPath {
    /// Indices into `fields` of each nested record, outermost first.
    pub path: Vec<(RecordId, usize)>,
    /// The field itself, with `bit_offset` made relative to the outermost record.
    pub field: Field,
}

/// Every type of one translation unit.
#[derive(Clone, Debug, Default)]
pub struct TypeTable {
    types: Vec<Type>,
    /// Nesting depth per type (see [`TypeTable::depth`]).
    depths: Vec<u32>,
    map: FastMap<Type, TypeId>,
    records: Vec<RecordDef>,
    /// Nesting depth per record: 1 + its deepest member, set when it is completed.
    record_depths: Vec<u32>,
    enums: Vec<EnumDef>,
}

impl TypeTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns a type.
    pub fn intern(&mut self, t: Type) -> TypeId {
        if let Some(&id) = self.map.get(&t) {
            return id;
        }
        let id = TypeId(u32::try_from(self.types.len()).unwrap_or(u32::MAX));
        let inner = match &t {
            Type::Ptr(q) | Type::Array { elem: q, .. } | Type::Typedef { target: q, .. } => {
                self.depth(*q)
            }
            Type::Func(f) => f
                .params
                .iter()
                .chain([&f.ret])
                .map(|q| self.depth(*q))
                .max()
                .unwrap_or(0),
            _ => 0,
        };
        self.depths.push(inner.saturating_add(1));
        self.types.push(t.clone());
        self.map.insert(t, id);
        id
    }

    pub fn get(&self, id: TypeId) -> &Type {
        // Ids only come from this table, so the index is always in range.
        &self.types[id.index()]
    }

    /// How deeply `qt` nests: 1 for scalars and incomplete records, 1 + the inner type
    /// for pointers, arrays, typedefs and functions (deepest of return and parameters),
    /// 1 + the deepest member for a completed struct/union. A pointer to a record made
    /// while the record was incomplete keeps the depth it had then.
    pub fn depth(&self, qt: QualType) -> u32 {
        match self.types.get(qt.id.index()) {
            Some(Type::Record(r)) => self.record_depths.get(r.index()).copied().unwrap_or(1),
            _ => self.depths.get(qt.id.index()).copied().unwrap_or(1),
        }
    }

    pub fn len(&self) -> usize {
        self.types.len()
    }
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    // ---- constructors -------------------------------------------------------------

    pub fn void(&mut self) -> QualType {
        QualType::new(self.intern(Type::Void))
    }
    pub fn bool_(&mut self) -> QualType {
        QualType::new(self.intern(Type::Bool))
    }
    pub fn int(&mut self, k: IntKind) -> QualType {
        QualType::new(self.intern(Type::Int(k)))
    }
    pub fn float(&mut self, k: FloatKind) -> QualType {
        QualType::new(self.intern(Type::Float(k)))
    }
    pub fn ptr(&mut self, to: QualType) -> QualType {
        QualType::new(self.intern(Type::Ptr(to)))
    }
    pub fn array(&mut self, elem: QualType, len: Option<u64>) -> QualType {
        QualType::new(self.intern(Type::Array { elem, len }))
    }
    pub fn func(&mut self, f: FuncType) -> QualType {
        QualType::new(self.intern(Type::Func(f)))
    }
    pub fn typedef(&mut self, name: &str, target: QualType) -> QualType {
        QualType::new(self.intern(Type::Typedef {
            name: name.to_string(),
            target,
        }))
    }

    /// A new, incomplete struct or union.
    pub fn new_record(&mut self, name: Option<&str>, is_union: bool) -> (RecordId, QualType) {
        let rid = RecordId(u32::try_from(self.records.len()).unwrap_or(u32::MAX));
        self.records.push(RecordDef {
            name: name.map(str::to_string),
            is_union,
            complete: false,
            fields: Vec::new(),
            size: 0,
            align: 1,
        });
        self.record_depths.push(1);
        (rid, QualType::new(self.intern(Type::Record(rid))))
    }

    pub fn record(&self, r: RecordId) -> &RecordDef {
        &self.records[r.index()]
    }
    pub fn records(&self) -> &[RecordDef] {
        &self.records
    }

    /// A new, incomplete enum (its underlying type is `unsigned int` until completed).
    pub fn new_enum(&mut self, name: Option<&str>) -> (EnumId, QualType) {
        let eid = EnumId(u32::try_from(self.enums.len()).unwrap_or(u32::MAX));
        self.enums.push(EnumDef {
            name: name.map(str::to_string),
            complete: false,
            constants: Vec::new(),
            underlying: IntKind::UInt,
            fixed: false,
        });
        (eid, QualType::new(self.intern(Type::Enum(eid))))
    }

    pub fn enum_def(&self, e: EnumId) -> &EnumDef {
        &self.enums[e.index()]
    }

    /// Gives an enum the underlying type its enum-base writes.
    pub fn fix_enum(&mut self, e: EnumId, underlying: IntKind) {
        let def = &mut self.enums[e.index()];
        def.underlying = underlying;
        def.fixed = true;
    }

    /// Completes an enum with its constants and, unless it is fixed, picks its
    /// underlying type as clang does (`Sema::ActOnEnumBody`, C mode): without a negative
    /// value the first of `unsigned int` / `unsigned long` that holds every value, with
    /// one the first of `int` / `long` that does (else `long long`, as clang with its
    /// "enumeration values exceed range of largest integer" warning). The values are
    /// kept as 64-bit patterns of the underlying type: `unsigned long` values above
    /// `INT64_MAX` read back through [`EnumDef::underlying`].
    pub fn complete_enum(&mut self, e: EnumId, constants: Vec<(String, i128)>) {
        let underlying = if self.enums[e.index()].fixed {
            self.enums[e.index()].underlying
        } else {
            enum_underlying(constants.iter().map(|(_, v)| *v))
        };
        let def = &mut self.enums[e.index()];
        def.constants = constants
            .into_iter()
            .map(|(n, v)| (n, underlying.wrap(v) as i64))
            .collect();
        def.complete = true;
        def.underlying = underlying;
    }

    /// Lays out and completes a struct or union. On error the record stays incomplete.
    pub fn complete_record(
        &mut self,
        r: RecordId,
        decls: &[FieldDecl],
        attrs: RecordAttrs,
    ) -> Result<(), LayoutError> {
        let is_union = self.records[r.index()].is_union;
        let mut fields = Vec::with_capacity(decls.len());
        let mut off_bits: u64 = 0;
        let mut size_bits: u64 = 0;
        let mut align: u64 = 1;
        for (i, d) in decls.iter().enumerate() {
            let is_last = i + 1 == decls.len();
            let (fsize, falign) = match self.kind(d.ty) {
                Type::Array { len: None, elem } => {
                    // A flexible array member: last member of a struct, size 0.
                    if is_union || !is_last {
                        return Err(LayoutError::FlexibleArrayNotLast(i));
                    }
                    let elem = *elem;
                    let a = self
                        .align_of(elem)
                        .ok_or(LayoutError::IncompleteMember(i))?;
                    (0, a)
                }
                _ => {
                    let s = self.size_of(d.ty).ok_or(LayoutError::IncompleteMember(i))?;
                    let a = self
                        .align_of(d.ty)
                        .ok_or(LayoutError::IncompleteMember(i))?;
                    (s, a)
                }
            };
            let start = if is_union { 0 } else { off_bits };
            let placed;
            if let Some(w) = d.bit_width {
                if self.int_info(d.ty).is_none() {
                    return Err(LayoutError::BitFieldNotInteger(i));
                }
                let w64 = u64::from(w);
                if w64 > fsize * 8 {
                    return Err(LayoutError::BitFieldTooWide(i));
                }
                if w == 0 {
                    // Zero-width: the next bit-field starts at the next unit of this type,
                    // even in a packed record; it does not raise the record's alignment.
                    let at = round_up(start, falign * 8);
                    if !is_union {
                        off_bits = at;
                    }
                    size_bits = size_bits.max(at);
                    fields.push(Field {
                        name: d.name.clone(),
                        ty: d.ty,
                        bit_offset: at,
                        bit_width: Some(0),
                        access: None,
                    });
                    continue;
                }
                let unit = fsize * 8;
                let mut at = start;
                if !attrs.packed && at / unit != (at + w64 - 1) / unit {
                    at = round_up(at, falign * 8);
                }
                if let Some(fa) = d.align {
                    at = round_up(at, fa * 8);
                }
                placed = at;
                let end = at + w64;
                if !is_union {
                    off_bits = end;
                }
                size_bits = size_bits.max(end);
                if d.name.is_some() {
                    let a = if attrs.packed { 1 } else { falign };
                    align = align.max(a).max(d.align.unwrap_or(1));
                }
            } else {
                let mut a = if attrs.packed { 1 } else { falign };
                if let Some(fa) = d.align {
                    a = a.max(fa);
                }
                let at = round_up(start, a * 8);
                placed = at;
                let end = at + fsize * 8;
                if !is_union {
                    off_bits = end;
                }
                size_bits = size_bits.max(end);
                align = align.max(a);
            }
            fields.push(Field {
                name: d.name.clone(),
                ty: d.ty,
                bit_offset: placed,
                bit_width: d.bit_width,
                access: None,
            });
        }
        if let Some(a) = attrs.align {
            align = align.max(a);
        }
        let size = round_up(size_bits.div_ceil(8), align);
        if !is_union && !attrs.packed {
            let units = access_units::access_units(&fields, size, align);
            for (f, u) in fields.iter_mut().zip(units) {
                f.access = u;
            }
        }
        let deepest = decls.iter().map(|d| self.depth(d.ty)).max().unwrap_or(0);
        if let Some(slot) = self.record_depths.get_mut(r.index()) {
            *slot = deepest.saturating_add(1);
        }
        let def = &mut self.records[r.index()];
        def.fields = fields;
        def.size = size;
        def.align = align;
        def.complete = true;
        Ok(())
    }

    // ---- queries ------------------------------------------------------------------

    /// Strips typedef sugar, merging the qualifiers on the way.
    pub fn canon(&self, mut qt: QualType) -> QualType {
        let mut quals = qt.quals;
        // Typedef chains are finite: a typedef's target is interned before it.
        while let Type::Typedef { target, .. } = self.get(qt.id) {
            quals = quals.union(target.quals);
            qt = *target;
        }
        QualType { id: qt.id, quals }
    }

    /// The type behind typedefs.
    pub fn kind(&self, qt: QualType) -> &Type {
        self.get(self.canon(qt).id)
    }

    /// Size and signedness of an integer type (`_Bool` is 1 byte, unsigned; enums use
    /// their underlying type).
    pub fn int_info(&self, qt: QualType) -> Option<(u64, bool)> {
        match self.kind(qt) {
            Type::Bool => Some((1, false)),
            Type::Int(k) => Some((k.size(), k.is_signed())),
            Type::Enum(e) => {
                let k = self.enum_def(*e).underlying;
                Some((k.size(), k.is_signed()))
            }
            _ => None,
        }
    }

    /// The [`IntKind`] of an integer type (`_Bool` → `None`, enums → underlying).
    pub fn int_kind(&self, qt: QualType) -> Option<IntKind> {
        match self.kind(qt) {
            Type::Int(k) => Some(*k),
            Type::Enum(e) => Some(self.enum_def(*e).underlying),
            _ => None,
        }
    }

    pub fn is_void(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Void)
    }
    pub fn is_integer(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Bool | Type::Int(_) | Type::Enum(_))
    }
    pub fn is_bool(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Bool)
    }
    /// The floating type of `qt`, if it is one.
    pub fn float_kind(&self, qt: QualType) -> Option<FloatKind> {
        match self.kind(qt) {
            Type::Float(k) => Some(*k),
            _ => None,
        }
    }
    /// Arithmetic types are the integer types here: floating types are only stored and
    /// copied (see [`floats`]), so no arithmetic path may see them.
    pub fn is_arith(&self, qt: QualType) -> bool {
        self.is_integer(qt)
    }
    pub fn is_pointer(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Ptr(_))
    }
    pub fn is_scalar(&self, qt: QualType) -> bool {
        self.is_integer(qt) || self.is_pointer(qt)
    }
    /// Scalars and floating types: what one register holds (a floating value as its
    /// bit pattern, see [`floats`]).
    pub fn is_register_value(&self, qt: QualType) -> bool {
        self.is_scalar(qt) || matches!(self.kind(qt), Type::Float(_))
    }
    pub fn is_array(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Array { .. })
    }
    pub fn is_func(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Func(_))
    }
    pub fn is_record(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Record(_))
    }
    /// Structs, unions and arrays.
    pub fn is_aggregate(&self, qt: QualType) -> bool {
        matches!(self.kind(qt), Type::Record(_) | Type::Array { .. })
    }
    pub fn pointee(&self, qt: QualType) -> Option<QualType> {
        match self.kind(qt) {
            Type::Ptr(p) => Some(*p),
            _ => None,
        }
    }
    pub fn record_id(&self, qt: QualType) -> Option<RecordId> {
        match self.kind(qt) {
            Type::Record(r) => Some(*r),
            _ => None,
        }
    }
    pub fn func_type(&self, qt: QualType) -> Option<&FuncType> {
        match self.kind(qt) {
            Type::Func(f) => Some(f),
            _ => None,
        }
    }
    /// Element type of an array (with the array's qualifiers applied, C17 6.7.3p10).
    pub fn array_elem(&self, qt: QualType) -> Option<QualType> {
        let c = self.canon(qt);
        match self.get(c.id) {
            Type::Array { elem, .. } => Some(elem.with_quals(c.quals)),
            _ => None,
        }
    }
    pub fn array_len(&self, qt: QualType) -> Option<Option<u64>> {
        match self.kind(qt) {
            Type::Array { len, .. } => Some(*len),
            _ => None,
        }
    }

    /// True for object types whose size is known.
    pub fn is_complete(&self, qt: QualType) -> bool {
        self.size_of(qt).is_some()
    }

    /// `sizeof`, or `None` for incomplete types, `void` and functions.
    pub fn size_of(&self, qt: QualType) -> Option<u64> {
        match self.kind(qt) {
            Type::Void | Type::Func(_) => None,
            Type::Bool => Some(1),
            Type::Int(k) => Some(k.size()),
            Type::Float(k) => Some(k.size()),
            Type::Complex(k) => Some(2 * k.size()),
            Type::Ptr(_) => Some(8),
            Type::Array { elem, len } => {
                let n = (*len)?;
                self.size_of(*elem)?.checked_mul(n)
            }
            Type::Record(r) => {
                let d = self.record(*r);
                d.complete.then_some(d.size)
            }
            Type::Enum(e) => Some(self.enum_def(*e).underlying.size()),
            Type::Typedef { .. } => None,
        }
    }

    /// `_Alignof`, or `None` for incomplete types.
    pub fn align_of(&self, qt: QualType) -> Option<u64> {
        match self.kind(qt) {
            Type::Void | Type::Func(_) => None,
            Type::Bool => Some(1),
            Type::Int(k) => Some(k.size()),
            Type::Float(k) | Type::Complex(k) => Some(k.size()),
            Type::Ptr(_) => Some(8),
            Type::Array { elem, .. } => self.align_of(*elem),
            Type::Record(r) => {
                let d = self.record(*r);
                d.complete.then_some(d.align)
            }
            Type::Enum(e) => Some(self.enum_def(*e).underlying.size()),
            Type::Typedef { .. } => None,
        }
    }

    /// Finds a named member, looking through anonymous struct/union members.
    pub fn find_member(&self, r: RecordId, name: &str) -> Option<MemberPath> {
        let def = self.record(r);
        for (i, f) in def.fields.iter().enumerate() {
            match &f.name {
                Some(n) if n == name => {
                    return Some(MemberPath {
                        path: vec![(r, i)],
                        field: f.clone(),
                    });
                }
                None if f.bit_width.is_none() => {
                    if let Some(inner) = self.record_id(f.ty)
                        && let Some(mut m) = self.find_member(inner, name)
                    {
                        m.path.insert(0, (r, i));
                        m.field.bit_offset += f.bit_offset;
                        m.field.ty = m.field.ty.with_quals(f.ty.quals);
                        return Some(m);
                    }
                }
                _ => {}
            }
        }
        None
    }

    // ---- conversions (C17 6.3) ----------------------------------------------------

    /// Integer promotion (C17 6.3.1.1p2): types of rank below `int` become `int` (every
    /// value of them fits); other integers are unchanged. Bit-fields are promoted by the
    /// caller from their width.
    pub fn promote(&mut self, qt: QualType) -> QualType {
        match self.kind(qt).clone() {
            Type::Bool => self.int(IntKind::Int),
            Type::Int(k) if k.rank() < IntKind::Int.rank() => self.int(IntKind::Int),
            Type::Int(k) => self.int(k),
            Type::Enum(e) => {
                let k = self.enum_def(e).underlying;
                self.int(k)
            }
            _ => qt.unqual(),
        }
    }

    /// The common type of the usual arithmetic conversions (C17 6.3.1.8), for two
    /// integer operands.
    pub fn usual_arith(&mut self, a: QualType, b: QualType) -> QualType {
        let pa = self.promote(a);
        let pb = self.promote(b);
        let (Some(ka), Some(kb)) = (self.int_kind(pa), self.int_kind(pb)) else {
            return pa;
        };
        let k = usual_arith_kind(ka, kb);
        self.int(k)
    }

    /// Compatible types (C17 6.2.7); top-level qualifiers must match too.
    pub fn compatible(&self, a: QualType, b: QualType) -> bool {
        let (ca, cb) = (self.canon(a), self.canon(b));
        ca.quals == cb.quals && self.compatible_unqual(ca, cb)
    }

    /// Compatible types, ignoring the top-level qualifiers.
    pub fn compatible_unqual(&self, a: QualType, b: QualType) -> bool {
        let (ca, cb) = (self.canon(a), self.canon(b));
        if ca.id == cb.id {
            return true;
        }
        match (self.get(ca.id), self.get(cb.id)) {
            (Type::Ptr(x), Type::Ptr(y)) => self.compatible(*x, *y),
            (Type::Array { elem: x, len: lx }, Type::Array { elem: y, len: ly }) => {
                self.compatible(*x, *y) && (lx.is_none() || ly.is_none() || lx == ly)
            }
            (Type::Func(f), Type::Func(g)) => {
                if !self.compatible(f.ret, g.ret) {
                    return false;
                }
                if f.has_proto && g.has_proto {
                    f.variadic == g.variadic
                        && f.params.len() == g.params.len()
                        && f.params
                            .iter()
                            .zip(&g.params)
                            .all(|(p, q)| self.compatible_unqual(*p, *q))
                } else {
                    true
                }
            }
            (Type::Enum(e), Type::Int(k)) | (Type::Int(k), Type::Enum(e)) => {
                self.enum_def(*e).underlying == *k
            }
            _ => false,
        }
    }

    /// The composite of two compatible types (C17 6.2.7p3): takes array lengths and
    /// prototypes from whichever side has them.
    pub fn composite(&mut self, a: QualType, b: QualType) -> QualType {
        let (ca, cb) = (self.canon(a), self.canon(b));
        match (self.get(ca.id).clone(), self.get(cb.id).clone()) {
            (Type::Array { elem, len: None }, Type::Array { len: Some(n), .. }) => {
                self.array(elem, Some(n)).with_quals(a.quals)
            }
            (Type::Func(f), Type::Func(g)) if !f.has_proto && g.has_proto => b,
            _ => a,
        }
    }

    // ---- printing -----------------------------------------------------------------

    /// The C spelling of a type, as clang prints it in diagnostics (`const char *`,
    /// `int (*)(int)`, `struct foo`, `int[4]`).
    pub fn display(&self, qt: QualType) -> String {
        self.declare(qt, "")
    }

    /// The C declaration of `name` with type `qt` (`name` may be empty).
    pub fn declare(&self, qt: QualType, name: &str) -> String {
        let mut inner = name.to_string();
        let mut cur = qt;
        loop {
            let quals = qual_prefix(cur.quals);
            match self.get(cur.id) {
                Type::Ptr(p) => {
                    let q = quals.trim_end();
                    inner = if q.is_empty() {
                        format!("*{inner}")
                    } else if inner.is_empty() {
                        format!("*{q}")
                    } else {
                        format!("*{q} {inner}")
                    };
                    if matches!(self.get(p.id), Type::Array { .. } | Type::Func(_)) {
                        inner = format!("({inner})");
                    }
                    cur = *p;
                }
                Type::Array { elem, len } => {
                    match len {
                        Some(n) => inner.push_str(&format!("[{n}]")),
                        None => inner.push_str("[]"),
                    }
                    cur = elem.with_quals(cur.quals);
                }
                Type::Func(f) => {
                    let mut ps: Vec<String> = f.params.iter().map(|p| self.display(*p)).collect();
                    if f.variadic {
                        ps.push("...".into());
                    }
                    if ps.is_empty() && f.has_proto {
                        ps.push("void".into());
                    }
                    inner = format!("{inner}({})", ps.join(", "));
                    cur = f.ret;
                }
                base => {
                    let b = match base {
                        Type::Void => "void".to_string(),
                        Type::Bool => "_Bool".to_string(),
                        Type::Int(k) => k.name().to_string(),
                        Type::Float(k) => k.name().to_string(),
                        Type::Complex(k) => format!("_Complex {}", k.name()),
                        Type::Record(r) => {
                            let d = self.record(*r);
                            let kw = if d.is_union { "union" } else { "struct" };
                            match &d.name {
                                Some(n) => format!("{kw} {n}"),
                                None => format!("{kw} (anonymous)"),
                            }
                        }
                        Type::Enum(e) => match &self.enum_def(*e).name {
                            Some(n) => format!("enum {n}"),
                            None => "enum (anonymous)".to_string(),
                        },
                        Type::Typedef { name, .. } => name.clone(),
                        _ => String::new(),
                    };
                    let head = format!("{quals}{b}");
                    return if inner.is_empty() {
                        head
                    } else if inner.starts_with('[')
                        || inner.starts_with('(') && !inner.starts_with("(*")
                    {
                        format!("{head}{inner}")
                    } else {
                        format!("{head} {inner}")
                    };
                }
            }
        }
    }
}

/// The usual arithmetic conversions on two promoted integer kinds (C17 6.3.1.8p1).
pub fn usual_arith_kind(a: IntKind, b: IntKind) -> IntKind {
    let a = if a == IntKind::Char {
        IntKind::SChar
    } else {
        a
    };
    let b = if b == IntKind::Char {
        IntKind::SChar
    } else {
        b
    };
    if a == b {
        return a;
    }
    if a.is_signed() == b.is_signed() {
        return if a.rank() >= b.rank() { a } else { b };
    }
    let (s, u) = if a.is_signed() { (a, b) } else { (b, a) };
    if u.rank() >= s.rank() {
        u
    } else if s.size() > u.size() {
        s
    } else {
        s.to_unsigned()
    }
}

fn qual_prefix(q: Quals) -> String {
    let mut s = String::new();
    if q.is_const {
        s.push_str("const ");
    }
    if q.is_volatile {
        s.push_str("volatile ");
    }
    if q.is_restrict {
        s.push_str("restrict ");
    }
    s
}

/// Rounds `v` up to a multiple of `a` (`a` ≥ 1).
pub fn round_up(v: u64, a: u64) -> u64 {
    let a = a.max(1);
    v.div_ceil(a) * a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fd(name: &str, ty: QualType, w: Option<u32>) -> FieldDecl {
        FieldDecl {
            name: if name.is_empty() {
                None
            } else {
                Some(name.into())
            },
            ty,
            bit_width: w,
            align: None,
        }
    }

    #[test]
    fn scalar_sizes_follow_bpf_lp64() {
        let mut t = TypeTable::new();
        let i = t.int(IntKind::Int);
        let l = t.int(IntKind::Long);
        let c = t.int(IntKind::Char);
        let p = t.ptr(c);
        let a = t.array(i, Some(3));
        assert_eq!(t.size_of(i), Some(4));
        assert_eq!(t.size_of(l), Some(8));
        assert_eq!(t.size_of(p), Some(8));
        assert_eq!(t.size_of(a), Some(12));
        assert_eq!(t.align_of(a), Some(4));
        let v = t.void();
        assert_eq!(t.size_of(v), None);
    }

    #[test]
    fn interning_is_structural_but_records_are_nominal() {
        let mut t = TypeTable::new();
        let i = t.int(IntKind::Int);
        assert_eq!(t.ptr(i), t.ptr(i));
        let (_, a) = t.new_record(Some("s"), false);
        let (_, b) = t.new_record(Some("s"), false);
        assert_ne!(a, b);
        assert!(!t.compatible(a, b));
    }

    #[test]
    fn bitfields_match_clang_bpf() {
        // struct B { char a; int b:3; int c:30; long d:5; unsigned :0; char f:2; short :3; }
        // clang-19 -target bpf: b@1:0, c@4:0, d@8:0, :0@12, f@12:0, :3@12:2, size 16 align 8.
        let mut t = TypeTable::new();
        let c = t.int(IntKind::Char);
        let i = t.int(IntKind::Int);
        let l = t.int(IntKind::Long);
        let u = t.int(IntKind::UInt);
        let s = t.int(IntKind::Short);
        let (r, _) = t.new_record(Some("B"), false);
        let decls = [
            fd("a", c, None),
            fd("b", i, Some(3)),
            fd("c", i, Some(30)),
            fd("d", l, Some(5)),
            fd("", u, Some(0)),
            fd("f", c, Some(2)),
            fd("", s, Some(3)),
        ];
        t.complete_record(r, &decls, RecordAttrs::default())
            .unwrap();
        let offs: Vec<u64> = t.record(r).fields.iter().map(|f| f.bit_offset).collect();
        assert_eq!(offs, vec![0, 8, 32, 64, 96, 96, 98]);
        assert_eq!((t.record(r).size, t.record(r).align), (16, 8));
        // The same, packed: b@1:0 c@1:3 d@5:1 :0@8 f@8:0, size 9 align 1.
        let (r2, _) = t.new_record(Some("A"), false);
        t.complete_record(
            r2,
            &decls[..6],
            RecordAttrs {
                packed: true,
                align: None,
            },
        )
        .unwrap();
        let offs: Vec<u64> = t.record(r2).fields.iter().map(|f| f.bit_offset).collect();
        assert_eq!(offs, vec![0, 8, 11, 41, 64, 64]);
        assert_eq!((t.record(r2).size, t.record(r2).align), (9, 1));
    }

    #[test]
    fn usual_arithmetic_conversions() {
        use IntKind::*;
        assert_eq!(usual_arith_kind(Int, UInt), UInt);
        assert_eq!(usual_arith_kind(Long, UInt), Long);
        assert_eq!(usual_arith_kind(LongLong, ULong), ULongLong);
        assert_eq!(usual_arith_kind(Long, ULongLong), ULongLong);
        assert_eq!(usual_arith_kind(Int, Long), Long);
        let mut t = TypeTable::new();
        let uc = t.int(UChar);
        let us = t.int(UShort);
        let r = t.usual_arith(uc, us);
        assert_eq!(t.display(r), "int");
    }

    #[test]
    fn enum_underlying_types_match_clang() {
        let mut t = TypeTable::new();
        let cases: [(&[i128], IntKind); 10] = [
            (&[1], IntKind::UInt),
            (&[-1], IntKind::Int),
            (&[0x8000_0000], IntKind::UInt),
            (&[-1, 0x7fff_ffff], IntKind::Int),
            (&[-0x8000_0000], IntKind::Int),
            (&[-1, 0x8000_0000], IntKind::Long),
            (&[0x1_0000_0000], IntKind::ULong),
            (&[0xffff_ffff_0000_0000], IntKind::ULong),
            (&[u64::MAX as i128], IntKind::ULong),
            (&[-1, 0x8000_0000_0000_0000], IntKind::LongLong),
        ];
        for (vals, want) in cases {
            let (e, _) = t.new_enum(None);
            t.complete_enum(e, vals.iter().map(|v| ("X".to_string(), *v)).collect());
            assert_eq!(t.enum_def(e).underlying, want, "{vals:?}");
        }
    }

    #[test]
    fn enum_constants_keep_their_unsigned_bits() {
        let mut t = TypeTable::new();
        let (e, _) = t.new_enum(None);
        t.complete_enum(e, vec![("TOP".to_string(), 0xffff_ffff_0000_0000)]);
        let def = t.enum_def(e);
        assert_eq!(def.constants[0].1 as u64, 0xffff_ffff_0000_0000);
        assert!(!def.underlying.is_signed());
    }

    #[test]
    fn display_spells_types_like_clang() {
        let mut t = TypeTable::new();
        let c = t.int(IntKind::Char);
        let cc = c.with_quals(Quals::CONST);
        let pcc = t.ptr(cc);
        assert_eq!(t.display(pcc), "const char *");
        let i = t.int(IntKind::Int);
        let f = t.func(FuncType {
            ret: i,
            params: vec![i],
            variadic: false,
            has_proto: true,
        });
        let pf = t.ptr(f);
        assert_eq!(t.display(pf), "int (*)(int)");
        let a = t.array(i, Some(4));
        assert_eq!(t.display(a), "int[4]");
        let pa = t.ptr(a);
        assert_eq!(t.display(pa), "int (*)[4]");
        assert_eq!(t.declare(pf, "fp"), "int (*fp)(int)");
        let cp = t.ptr(c).with_quals(Quals::CONST);
        assert_eq!(t.display(cp), "char *const");
    }
}
