//! ebpfc's SSA IR: functions of blocks with parameters (no phis), integer types i8 to
//! i64, typed entity indices (cranelift-entity), a text form that round-trips, a
//! verifier and the optimization passes.
//!
//! # Concepts
//! - Entities (`entities.rs`): `Block`, `Value`, `Inst`, `StackSlot`, `FuncRef` and
//!   `GlobalRef` (function-local references to symbols, printed `@name`),
//!   `DebugTypeId` (module debug types, `tN`), `Variable` (SSA builder).
//! - Types (`types.rs`): `i8 i16 i32 i64`. Pointers are `i64`. There is no bool:
//!   **`icmp` produces an `i32` that is 0 or 1** (C's comparison type is `int`), and
//!   `brif`/`select` test any integer for non-zero. Codegen fuses `icmp` + `brif`.
//! - Opcodes (`opcodes.rs`): the ONE table (name, operand format, result rule, side
//!   effects) that the printer, parser, verifier and passes read. Every instruction has
//!   zero or one result.
//! - Instructions (`instructions.rs`), data-flow graph (`dfg.rs`), layout
//!   (`layout.rs`), `Function` (`function.rs`: signature of at most 5 params, linkage,
//!   section, attributes, stack slots, per-instruction `SourceLoc`), `Module`
//!   (`module.rs`: functions, global data with relocations, extern symbols, the debug
//!   type table `debuginfo.rs` for BTF, source files and line texts for line_info).
//! - Memory ops: `load.T [sext.M|zext.M] [volatile] addr, off` (off is i16, BPF's
//!   `off` field), `store [volatile] val, addr, off` (width = type of val).
//! - **memcpy/memset**: the frontend emits `memcpy dst, src, size, align` and
//!   `memset dst, byte, size, align` with constant sizes; the `expand_mem` pass (run
//!   in every pipeline, -O0 included) turns them into loads/stores of the widest width
//!   the alignment allows, so codegen never sees them.
//! - Semantics of arithmetic are BPF's (`eval.rs`): x/0 = 0, x%0 = x, shift amounts
//!   masked to the width. C leaves these undefined, so folding with BPF's rule agrees
//!   with what the machine would do.
//!
//! - CO-RE (`core.rs`): an `iconst` may carry a `CoreReloc` (kind, debug type, access
//!   string); passes never fold it; codegen records it in .BTF.ext.
//! - Passes (`passes/`, one file each) and the pipelines of `passes::optimize`
//!   (`-O0`: expand_mem + always_inline only, locals stay in memory; `-O1`+: mem2reg,
//!   constfold, copyprop, gvn, simplify_cfg, dce). The verifier (`verifier.rs`) runs
//!   after every pass in debug builds.
//! - `interp.rs`: a reference interpreter used by the differential tests;
//!   `fuzzing.rs`: the property checked by the fuzz target and the no-panic test.
//!
//! # Text form
//! See `text/parser.rs` for the grammar; `text::write` prints it. Example:
//! ```text
//! function global @f(i64) -> i32 section "xdp" program {
//! block0(v0: i64):
//!     v1 = load.i32 v0, 4 ; @3:10
//!     return v1
//! }
//! ```

pub mod builder;
pub mod cfg;
pub mod core;
pub mod debuginfo;
pub mod dfg;
pub mod entities;
pub mod eval;
pub mod function;
pub mod fuzzing;
pub mod instructions;
pub mod interp;
pub mod layout;
pub mod module;
pub mod opcodes;
pub mod passes;
pub mod text;
pub mod types;
pub mod verifier;

pub use builder::FunctionBuilder;
pub use core::{CoreReloc, CoreRelocKind};
pub use debuginfo::{DebugFile, DebugType, DebugTypes, Member, Param};
pub use dfg::{DataFlowGraph, ValueDef};
pub use entities::{Block, DebugTypeId, FuncRef, GlobalRef, Inst, StackSlot, Value, Variable};
pub use function::{Function, MAX_PARAMS, Signature, StackSlotData};
pub use instructions::{BlockCall, InstData};
pub use module::{DataInit, DataReloc, ExternKind, ExternSym, GlobalData, Module};
pub use opcodes::{Format, Opcode, ResultRule};
pub use passes::{OptLevel, optimize};
pub use text::parser::{parse_function, parse_module};
pub use text::write::{function_to_string, module_to_string};
pub use types::{AtomicOp, Ext, FuncAttrs, IntCC, Linkage, MemFlags, SourceLoc, Type};
pub use verifier::{verify_function, verify_module};
