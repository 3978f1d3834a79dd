//! THE table of IR opcodes. Every other part of the crate (instruction data, printer,
//! parser, verifier, passes) asks this table for an opcode's name, operand shape
//! (`Format`), result type rule and side effects, instead of keeping its own list.
//!
//! Invariant: every instruction has zero or one result; `InstData::opcode()` only
//! returns opcodes whose `format` matches the `InstData` variant.
//! Semantics of the arithmetic follow BPF (instruction-set.rst, "Arithmetic
//! instructions"): see `eval.rs` for division by zero and shift masking.

/// The operand shape of an opcode; one `InstData` variant per format.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Format {
    /// `iconst.T imm`
    Iconst,
    /// `op x` (result type = type of x)
    Unary,
    /// `op.T x` (width change; result type T)
    Convert,
    /// `op x, y`
    Binary,
    /// `icmp cc x, y`
    Icmp,
    /// `select c, x, y`
    Select,
    /// `opaque x`
    Opaque,
    /// `load.T [sext.M|zext.M] [volatile] addr, off`
    Load,
    /// `store [volatile] val, addr, off`
    Store,
    /// `stack_addr ssN, off`
    StackAddr,
    /// `global_addr @sym, off`
    GlobalAddr,
    /// `func_addr @fn`
    FuncAddr,
    /// `call[.T] @fn(args)` and `call_extern[.T] @fn(args)`
    Call,
    /// `call_helper[.T] N(args)`
    CallHelper,
    /// `atomic_rmw.op.T [fetch] addr, off, val`
    AtomicRmw,
    /// `atomic_cas.T addr, off, expected, new`
    AtomicCas,
    /// `memcpy dst, src, size, align`
    Memcpy,
    /// `memset dst, byte, size, align`
    Memset,
    /// `jump blockN(args)`
    Jump,
    /// `brif c, blockN(args), blockM(args)`
    Brif,
    /// `return [v]`
    Return,
    /// `unreachable`
    Unreachable,
}

/// How an opcode's result type is found.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ResultRule {
    /// No result.
    None,
    /// The `.T` suffix (the "controlling type").
    Suffix,
    /// Optional result whose type is the optional `.T` suffix (calls).
    OptSuffix,
    /// Same type as the first value operand.
    Arg0,
    /// Same type as the second value operand (`select`).
    Arg1,
    /// Always `i32` holding 0 or 1 (`icmp`; C's comparison type is `int`).
    I32,
    /// Always `i64` (addresses).
    I64,
}

macro_rules! opcode_table {
    ($( $variant:ident = $name:literal, $format:ident, $rule:ident, side_effects: $fx:literal; )*) => {
        /// An IR operation; see the table in `opcodes.rs`.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        pub enum Opcode { $($variant,)* }

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$variant,)*];

            /// The name in the text form (before any `.T` suffix).
            pub fn name(self) -> &'static str {
                match self { $(Opcode::$variant => $name,)* }
            }

            /// The operand shape.
            pub fn format(self) -> Format {
                match self { $(Opcode::$variant => Format::$format,)* }
            }

            /// How the result type is found.
            pub fn result_rule(self) -> ResultRule {
                match self { $(Opcode::$variant => ResultRule::$rule,)* }
            }

            /// True if the instruction must be kept even when its result is unused
            /// (memory writes, calls, control flow). Volatile loads are also kept: see
            /// `InstData::has_side_effects`.
            pub fn has_side_effects(self) -> bool {
                match self { $(Opcode::$variant => $fx,)* }
            }
        }
    };
}

opcode_table! {
    Iconst = "iconst", Iconst, Suffix, side_effects: false;
    Ineg = "ineg", Unary, Arg0, side_effects: false;
    Bnot = "bnot", Unary, Arg0, side_effects: false;
    // Byte swaps of the low 16/32/64 bits, zero-extended to the operand type
    // (BPF's `be16/be32/be64` on a little-endian target: END with TO_BE, or BSWAP).
    Bswap16 = "bswap16", Unary, Arg0, side_effects: false;
    Bswap32 = "bswap32", Unary, Arg0, side_effects: false;
    Bswap64 = "bswap64", Unary, Arg0, side_effects: false;
    // `__builtin_constant_p` of an integer that is not a constant expression (clang's
    // `llvm.is.constant`): 1 if its operand is a constant once optimized, else 0. Decided
    // by constfold (a constant operand) and, at the end, by the `is_constant` pass.
    IsConstant = "is_constant", Unary, I32, side_effects: false;
    Uextend = "uextend", Convert, Suffix, side_effects: false;
    Sextend = "sextend", Convert, Suffix, side_effects: false;
    Ireduce = "ireduce", Convert, Suffix, side_effects: false;
    Iadd = "iadd", Binary, Arg0, side_effects: false;
    Isub = "isub", Binary, Arg0, side_effects: false;
    Imul = "imul", Binary, Arg0, side_effects: false;
    Udiv = "udiv", Binary, Arg0, side_effects: false;
    Sdiv = "sdiv", Binary, Arg0, side_effects: false;
    Urem = "urem", Binary, Arg0, side_effects: false;
    Srem = "srem", Binary, Arg0, side_effects: false;
    Band = "band", Binary, Arg0, side_effects: false;
    Bor = "bor", Binary, Arg0, side_effects: false;
    Bxor = "bxor", Binary, Arg0, side_effects: false;
    Ishl = "ishl", Binary, Arg0, side_effects: false;
    Ushr = "ushr", Binary, Arg0, side_effects: false;
    Sshr = "sshr", Binary, Arg0, side_effects: false;
    Icmp = "icmp", Icmp, I32, side_effects: false;
    Select = "select", Select, Arg1, side_effects: false;
    // `x` itself, but nothing about it is known to the optimizer, and it is computed
    // where it stands: an empty inline asm with a register operand (libbpf's
    // `barrier_var(v)` is `asm volatile("" : "+r"(v))`), which BPF code uses to keep
    // the compiler from reshaping a bounds check the verifier needs to see.
    Opaque = "opaque", Opaque, Arg0, side_effects: true;
    Load = "load", Load, Suffix, side_effects: false;
    Store = "store", Store, None, side_effects: true;
    StackAddr = "stack_addr", StackAddr, I64, side_effects: false;
    GlobalAddr = "global_addr", GlobalAddr, I64, side_effects: false;
    FuncAddr = "func_addr", FuncAddr, I64, side_effects: false;
    Call = "call", Call, OptSuffix, side_effects: true;
    CallExtern = "call_extern", Call, OptSuffix, side_effects: true;
    CallHelper = "call_helper", CallHelper, OptSuffix, side_effects: true;
    AtomicRmw = "atomic_rmw", AtomicRmw, Suffix, side_effects: true;
    AtomicCas = "atomic_cas", AtomicCas, Suffix, side_effects: true;
    Memcpy = "memcpy", Memcpy, None, side_effects: true;
    Memset = "memset", Memset, None, side_effects: true;
    Jump = "jump", Jump, None, side_effects: true;
    Brif = "brif", Brif, None, side_effects: true;
    Return = "return", Return, None, side_effects: true;
    Unreachable = "unreachable", Unreachable, None, side_effects: true;
}

impl Opcode {
    /// The opcode called `name` in the text form.
    pub fn from_name(name: &str) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|o| o.name() == name)
    }

    /// True for the instructions that end a block.
    pub fn is_terminator(self) -> bool {
        matches!(
            self.format(),
            Format::Jump | Format::Brif | Format::Return | Format::Unreachable
        )
    }

    /// True for the commutative binary operations.
    pub fn is_commutative(self) -> bool {
        matches!(
            self,
            Opcode::Iadd | Opcode::Imul | Opcode::Band | Opcode::Bor | Opcode::Bxor
        )
    }

    /// For byte swaps, how many bits are swapped.
    pub fn bswap_bits(self) -> Option<u32> {
        match self {
            Opcode::Bswap16 => Some(16),
            Opcode::Bswap32 => Some(32),
            Opcode::Bswap64 => Some(64),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &op in Opcode::ALL {
            assert!(seen.insert(op.name()), "duplicate {}", op.name());
            assert_eq!(Opcode::from_name(op.name()), Some(op));
        }
        assert_eq!(Opcode::from_name("nope"), None);
    }

    #[test]
    fn terminators_have_no_result() {
        for &op in Opcode::ALL {
            if op.is_terminator() {
                assert_eq!(op.result_rule(), ResultRule::None, "{}", op.name());
                assert!(op.has_side_effects());
            }
        }
    }
}
