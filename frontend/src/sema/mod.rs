//! Semantic analysis: checks the parser's AST against C17 and BPF's limits and produces
//! the typed AST ([`tast`]) that lowering consumes.
//!
//! Invariant: when `check` returns without errors, every node of the typed AST is
//! well-typed (see the invariants of [`tast`]); errors carry E03xx codes and spans.

pub mod callgraph;
pub mod consteval;
pub mod tast;
