//! The floating types of C17 6.2.5p10 as clang lays them out for BPF (`float` 4 bytes,
//! `double` and `long double` 8 bytes, IEEE 754 binary32/binary64), and the constant
//! conversions ebpfc performs at compile time.
//!
//! BPF has no floating-point instructions and clang (without a soft-float library)
//! compiles no operation on such values. ebpfc therefore keeps a floating value as its
//! bit pattern: objects of these types can be declared, laid out, described in BTF
//! (BTF_KIND_FLOAT, btf.rst 2.2.16), copied and initialized with constants; the
//! conversions of constants happen here, on the host, with IEEE round-to-nearest as
//! clang folds them.

/// One floating type; `LongDouble` has `double`'s format on BPF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatKind {
    Float,
    Double,
    LongDouble,
}

impl FloatKind {
    /// Size and alignment in bytes.
    pub fn size(self) -> u64 {
        match self {
            FloatKind::Float => 4,
            FloatKind::Double | FloatKind::LongDouble => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FloatKind::Float => "float",
            FloatKind::Double => "double",
            FloatKind::LongDouble => "long double",
        }
    }

    /// The bit pattern of `v` rounded to this type (zero-extended to 64 bits).
    pub fn bits_of(self, v: f64) -> u64 {
        match self {
            FloatKind::Float => u64::from((v as f32).to_bits()),
            FloatKind::Double | FloatKind::LongDouble => v.to_bits(),
        }
    }

    /// The value a bit pattern of this type stands for.
    pub fn value_of(self, bits: u64) -> f64 {
        match self {
            FloatKind::Float => f64::from(f32::from_bits(bits as u32)),
            FloatKind::Double | FloatKind::LongDouble => f64::from_bits(bits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_patterns_are_ieee() {
        assert_eq!(FloatKind::Float.bits_of(1.5), 0x3fc0_0000);
        assert_eq!(FloatKind::Double.bits_of(-2.0), 0xc000_0000_0000_0000);
        assert_eq!(FloatKind::Float.value_of(0x3fc0_0000), 1.5);
        // 0.1 rounds differently to binary32 and binary64.
        let f = FloatKind::Float.bits_of(0.1);
        assert_eq!(f, 0x3dcc_cccd);
        assert_eq!(FloatKind::LongDouble.size(), 8);
    }
}
