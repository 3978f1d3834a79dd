//! A module: the unit the frontend produces and codegen consumes. Functions, global
//! data, external symbols, the debug type table and the source files.
//!
//! Invariants: symbol names are unique across functions, globals and externs; data
//! relocations lie inside their global (`offset + 8 <= size`, they are 64-bit
//! pointers, R_BPF_64_ABS64 in llvm_reloc.rst); `Bytes` initializers are exactly
//! `size` bytes long. Lists keep insertion order (deterministic output).

use crate::debuginfo::{DebugFile, DebugTypes};
use crate::entities::DebugTypeId;
use crate::function::Function;
use crate::types::Linkage;

/// A pointer-sized slot in initialized data that holds `symbol + addend`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct DataReloc {
    pub offset: u32,
    pub symbol: String,
    pub addend: i64,
}

/// The initial contents of a global.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum DataInit {
    /// All zero (goes to .bss unless a section is given).
    Zero,
    /// Exactly `size` bytes.
    Bytes(Vec<u8>),
}

/// A global variable, map definition or constant.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GlobalData {
    pub name: String,
    /// ".data", ".bss", ".rodata", ".maps", or a user `SEC(...)`.
    pub section: String,
    pub linkage: Linkage,
    pub size: u64,
    pub align: u32,
    pub init: DataInit,
    pub relocs: Vec<DataReloc>,
    /// C `const` (read-only data).
    pub constant: bool,
    /// C `volatile`.
    pub volatile: bool,
    /// Stays in the object even when no instruction refers to it any more (`keep`):
    /// its address reached a `memcmp` or a `memcpy` that clang expands only at
    /// instruction selection, after unused globals are gone.
    pub keep: bool,
    /// The mergeable section (`.rodata.cstN`, `.rodata.str1.1`...) the global moves to
    /// when its address does not escape in the optimized IR (`unnamed_addr "SEC"`):
    /// LLVM's GlobalOpt marks such a global `unnamed_addr` after inlining and
    /// interprocedural constant propagation (see `passes::unnamed_addr`).
    pub unnamed_section: Option<String>,
    /// A per-function constant (LLVM's `MachineConstantPool` entry, e.g. the de Bruijn
    /// table of a `cttz` expansion): codegen emits one private copy right before each
    /// function whose code still refers to it, in the function's order, and never at
    /// module level; it gets no BTF variable and takes part in no merging.
    pub pool: bool,
    pub debug_type: Option<DebugTypeId>,
}

impl GlobalData {
    /// A private (`.L`, no symbol), constant, read-only global named `name` holding
    /// `bytes` in `section`, without relocations, debug type or special marks.
    pub fn private_const(name: String, section: String, bytes: Vec<u8>, align: u32) -> Self {
        GlobalData {
            name,
            section,
            linkage: Linkage::Local,
            size: bytes.len() as u64,
            align,
            init: DataInit::Bytes(bytes),
            relocs: Vec::new(),
            constant: true,
            volatile: false,
            keep: false,
            unnamed_section: None,
            pool: false,
            debug_type: None,
        }
    }
}

/// What kind of symbol an `extern` declaration names.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExternKind {
    /// An extern function resolved by the static linker (BPF-to-BPF call).
    Func,
    /// A kernel function (`__ksym` function, called with `call_extern`).
    Kfunc,
    /// A kernel variable (`extern ... __ksym`).
    Ksym,
    /// An extern variable resolved by the linker or libbpf (`.kconfig`, extern maps).
    Var,
}

impl ExternKind {
    pub fn name(self) -> &'static str {
        match self {
            ExternKind::Func => "func",
            ExternKind::Kfunc => "kfunc",
            ExternKind::Ksym => "ksym",
            ExternKind::Var => "var",
        }
    }
    pub fn from_name(s: &str) -> Option<ExternKind> {
        [
            ExternKind::Func,
            ExternKind::Kfunc,
            ExternKind::Ksym,
            ExternKind::Var,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }
}

/// An external symbol declaration.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExternSym {
    pub name: String,
    pub kind: ExternKind,
    /// `__weak` extern: may stay unresolved.
    pub weak: bool,
    /// The section of an extern variable, e.g. ".kconfig" or ".maps" (empty if none).
    pub section: String,
    pub debug_type: Option<DebugTypeId>,
}

#[derive(Clone, Debug, Default)]
pub struct Module {
    pub functions: Vec<Function>,
    pub globals: Vec<GlobalData>,
    pub externs: Vec<ExternSym>,
    pub debug_types: DebugTypes,
    pub files: Vec<DebugFile>,
}

impl Module {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    pub fn function_index(&self, name: &str) -> Option<usize> {
        self.functions.iter().position(|f| f.name == name)
    }

    pub fn global(&self, name: &str) -> Option<&GlobalData> {
        self.globals.iter().find(|g| g.name == name)
    }

    pub fn extern_sym(&self, name: &str) -> Option<&ExternSym> {
        self.externs.iter().find(|e| e.name == name)
    }
}
