//! CO-RE relocations (llvm_reloc.rst, "CO-RE Relocations"; btf.rst, ".BTF.ext"): an
//! `iconst` may carry a `CoreReloc`, meaning "this constant is the local answer to a
//! question about a kernel type; libbpf patches it at load time". The frontend makes
//! them for `__builtin_preserve_access_index`, `__builtin_preserve_field_info`,
//! `bpf_core_type_exists` and friends; codegen must emit such a constant as its own
//! instruction (`mov`/`ld_imm64`, or a load whose `off` it becomes) and record the
//! relocation at it in .BTF.ext.
//!
//! Invariants: passes never fold, merge or propagate a relocated constant as a number
//! (`passes::util::const_value` refuses it); the access string is `N(:N)*`; the type
//! is an entry of the module's debug type table.

use std::fmt;

use crate::entities::DebugTypeId;

macro_rules! core_kinds {
    ($($variant:ident = $value:literal, $name:literal;)*) => {
        /// `enum bpf_core_relo_kind`, with the numbers of the spec.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum CoreRelocKind { $($variant,)* }

        impl CoreRelocKind {
            pub const ALL: &'static [CoreRelocKind] = &[$(CoreRelocKind::$variant,)*];

            /// The number stored in .BTF.ext.
            pub fn value(self) -> u32 {
                match self { $(CoreRelocKind::$variant => $value,)* }
            }

            /// The name in the IR text.
            pub fn name(self) -> &'static str {
                match self { $(CoreRelocKind::$variant => $name,)* }
            }
        }
    };
}

core_kinds! {
    FieldByteOffset = 0, "field_byte_offset";
    FieldByteSize = 1, "field_byte_size";
    FieldExists = 2, "field_exists";
    FieldSigned = 3, "field_signed";
    FieldLshiftU64 = 4, "field_lshift_u64";
    FieldRshiftU64 = 5, "field_rshift_u64";
    TypeIdLocal = 6, "type_id_local";
    TypeIdTarget = 7, "type_id_target";
    TypeExists = 8, "type_exists";
    TypeSize = 9, "type_size";
    EnumvalExists = 10, "enumval_exists";
    EnumvalValue = 11, "enumval_value";
    TypeMatches = 12, "type_matches";
}

impl CoreRelocKind {
    pub fn from_name(s: &str) -> Option<CoreRelocKind> {
        CoreRelocKind::ALL.iter().copied().find(|k| k.name() == s)
    }
}

/// The relocation attached to an `iconst`: kind, root type, access string
/// (e.g. "0:1:2": the first object, its member 1, that member's member 2).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct CoreReloc {
    pub kind: CoreRelocKind,
    pub ty: DebugTypeId,
    pub access: String,
}

impl CoreReloc {
    /// True if the access string is `N(:N)*`.
    pub fn access_is_valid(&self) -> bool {
        !self.access.is_empty()
            && self
                .access
                .split(':')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    }
}

impl fmt::Display for CoreReloc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "core {} {} {}",
            self.kind.name(),
            self.ty,
            crate::text::write::quote(&self.access)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_the_spec_numbers_and_unique_names() {
        for (i, k) in CoreRelocKind::ALL.iter().enumerate() {
            assert_eq!(k.value() as usize, i);
            assert_eq!(CoreRelocKind::from_name(k.name()), Some(*k));
        }
    }
}
