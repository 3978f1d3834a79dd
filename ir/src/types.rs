//! Small value types of the IR: integer types, comparison conditions, atomic ops,
//! memory flags, source locations, linkage and function attributes.
//!
//! Invariants: IR integers have no signedness; signedness lives in the opcodes
//! (`sdiv`, `sshr`, `icmp slt`, `sextend`, sign-extending loads). Pointers are `i64`.
//! Widths follow BPF's load/store sizes (instruction-set.rst, "Load and store
//! instructions": B, H, W, DW).

use std::fmt;

/// An integer type. A pointer is an `I64` (only codegen cares that it is a pointer).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Type {
    I8,
    I16,
    I32,
    I64,
}

impl Type {
    pub const ALL: [Type; 4] = [Type::I8, Type::I16, Type::I32, Type::I64];

    pub fn bits(self) -> u32 {
        match self {
            Type::I8 => 8,
            Type::I16 => 16,
            Type::I32 => 32,
            Type::I64 => 64,
        }
    }

    pub fn bytes(self) -> u32 {
        self.bits() / 8
    }

    /// The integer type of exactly `bytes` bytes, if any.
    pub fn from_bytes(bytes: u64) -> Option<Type> {
        match bytes {
            1 => Some(Type::I8),
            2 => Some(Type::I16),
            4 => Some(Type::I32),
            8 => Some(Type::I64),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Type::I8 => "i8",
            Type::I16 => "i16",
            Type::I32 => "i32",
            Type::I64 => "i64",
        }
    }

    pub fn from_name(s: &str) -> Option<Type> {
        Type::ALL.into_iter().find(|t| t.name() == s)
    }

    /// The all-ones mask of this width.
    pub fn mask(self) -> u64 {
        match self {
            Type::I64 => u64::MAX,
            t => (1u64 << t.bits()) - 1,
        }
    }

    /// `v` truncated to this width, then sign-extended to 64 bits (the canonical form
    /// of `iconst` immediates).
    pub fn sext(self, v: i64) -> i64 {
        let sh = 64 - self.bits();
        (v << sh) >> sh
    }

    /// `v` truncated to this width, zero-extended to 64 bits.
    pub fn zext(self, v: i64) -> u64 {
        (v as u64) & self.mask()
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The condition of an `icmp` (the same ten conditions as BPF's conditional jumps,
/// instruction-set.rst "Jump instructions", minus JSET).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum IntCC {
    Eq,
    Ne,
    Ult,
    Ule,
    Ugt,
    Uge,
    Slt,
    Sle,
    Sgt,
    Sge,
}

impl IntCC {
    pub const ALL: [IntCC; 10] = [
        IntCC::Eq,
        IntCC::Ne,
        IntCC::Ult,
        IntCC::Ule,
        IntCC::Ugt,
        IntCC::Uge,
        IntCC::Slt,
        IntCC::Sle,
        IntCC::Sgt,
        IntCC::Sge,
    ];

    /// The same order on signed values (`ult` → `slt`, ...; the others unchanged): how
    /// two addresses in one object compare, by their offsets, which may be negative
    /// (C17 6.5.8p5: an object does not wrap around the address space).
    pub fn signed(self) -> IntCC {
        match self {
            IntCC::Ult => IntCC::Slt,
            IntCC::Ule => IntCC::Sle,
            IntCC::Ugt => IntCC::Sgt,
            IntCC::Uge => IntCC::Sge,
            c => c,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            IntCC::Eq => "eq",
            IntCC::Ne => "ne",
            IntCC::Ult => "ult",
            IntCC::Ule => "ule",
            IntCC::Ugt => "ugt",
            IntCC::Uge => "uge",
            IntCC::Slt => "slt",
            IntCC::Sle => "sle",
            IntCC::Sgt => "sgt",
            IntCC::Sge => "sge",
        }
    }

    pub fn from_name(s: &str) -> Option<IntCC> {
        IntCC::ALL.into_iter().find(|c| c.name() == s)
    }

    /// The condition that holds exactly when `self` does not.
    pub fn inverse(self) -> IntCC {
        match self {
            IntCC::Eq => IntCC::Ne,
            IntCC::Ne => IntCC::Eq,
            IntCC::Ult => IntCC::Uge,
            IntCC::Ule => IntCC::Ugt,
            IntCC::Ugt => IntCC::Ule,
            IntCC::Uge => IntCC::Ult,
            IntCC::Slt => IntCC::Sge,
            IntCC::Sle => IntCC::Sgt,
            IntCC::Sgt => IntCC::Sle,
            IntCC::Sge => IntCC::Slt,
        }
    }

    /// The condition with operands swapped (`a < b` is `b > a`).
    pub fn swapped(self) -> IntCC {
        match self {
            IntCC::Eq => IntCC::Eq,
            IntCC::Ne => IntCC::Ne,
            IntCC::Ult => IntCC::Ugt,
            IntCC::Ule => IntCC::Uge,
            IntCC::Ugt => IntCC::Ult,
            IntCC::Uge => IntCC::Ule,
            IntCC::Slt => IntCC::Sgt,
            IntCC::Sle => IntCC::Sge,
            IntCC::Sgt => IntCC::Slt,
            IntCC::Sge => IntCC::Sle,
        }
    }
}

/// The operation of an `atomic_rmw` (instruction-set.rst "Atomic operations": ADD, OR,
/// AND, XOR with optional FETCH, and XCHG which always fetches).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum AtomicOp {
    Add,
    Or,
    And,
    Xor,
    Xchg,
}

impl AtomicOp {
    pub const ALL: [AtomicOp; 5] = [
        AtomicOp::Add,
        AtomicOp::Or,
        AtomicOp::And,
        AtomicOp::Xor,
        AtomicOp::Xchg,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AtomicOp::Add => "add",
            AtomicOp::Or => "or",
            AtomicOp::And => "and",
            AtomicOp::Xor => "xor",
            AtomicOp::Xchg => "xchg",
        }
    }

    pub fn from_name(s: &str) -> Option<AtomicOp> {
        AtomicOp::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// How a narrow load widens into its result type.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ext {
    /// Zero-extend (BPF's plain `LDX`, which always zero-extends).
    Zero,
    /// Sign-extend (BPF's `LDXS*`, cpu v4 "sign-extension load").
    Sign,
}

/// Flags of a memory access.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct MemFlags {
    /// C `volatile`: never removed, merged, reordered with other volatile accesses or
    /// promoted to a register.
    pub volatile: bool,
}

/// Where an instruction comes from in the C source, for BTF line_info
/// (btf.rst, ".BTF.ext section": file name, line text, line and column).
/// `line == 0` means "unknown". `file` indexes `Module::files`.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct SourceLoc {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

impl SourceLoc {
    pub fn new(file: u32, line: u32, col: u32) -> Self {
        SourceLoc { file, line, col }
    }
    pub fn is_unknown(self) -> bool {
        self.line == 0
    }
}

/// ELF symbol binding of a function or global.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub enum Linkage {
    /// `static`: STB_LOCAL.
    #[default]
    Local,
    /// STB_GLOBAL.
    Global,
    /// `__attribute__((weak))`: STB_WEAK.
    Weak,
}

impl Linkage {
    pub fn name(self) -> &'static str {
        match self {
            Linkage::Local => "local",
            Linkage::Global => "global",
            Linkage::Weak => "weak",
        }
    }
    pub fn from_name(s: &str) -> Option<Linkage> {
        [Linkage::Local, Linkage::Global, Linkage::Weak]
            .into_iter()
            .find(|l| l.name() == s)
    }
}

/// Attributes of a function that the passes and codegen read.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct FuncAttrs {
    /// `__attribute__((always_inline))` (libbpf's `__always_inline`): must be inlined.
    pub always_inline: bool,
    /// `__attribute__((noinline))` (libbpf's `__noinline`): never inlined.
    pub noinline: bool,
    /// The C `inline` keyword: a hint.
    pub inline_hint: bool,
    /// A BPF program entry point (function placed in a `SEC("...")` other than .text).
    pub is_program: bool,
}

impl FuncAttrs {
    /// The names as printed in the text form, in a fixed order.
    pub fn names(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.always_inline {
            v.push("always_inline");
        }
        if self.noinline {
            v.push("noinline");
        }
        if self.inline_hint {
            v.push("inline");
        }
        if self.is_program {
            v.push("program");
        }
        v
    }

    /// Sets the attribute called `name`; false if there is no such attribute.
    pub fn set(&mut self, name: &str) -> bool {
        match name {
            "always_inline" => self.always_inline = true,
            "noinline" => self.noinline = true,
            "inline" => self.inline_hint = true,
            "program" => self.is_program = true,
            _ => return false,
        }
        true
    }
}
