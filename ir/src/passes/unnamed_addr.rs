//! Late section choice for static constants whose address stops escaping: the frontend
//! gives a constant whose address it sees escape (passed to a function, stored...)
//! the section `.rodata` and, in `unnamed_section`, the mergeable section its contents
//! call for (`.rodata.cst16`, `.rodata.str1.1`...). When, in the optimized module, the
//! address only reaches loads (after inlining, and after `ipcp` took a table argument
//! out of its callee's calls), the global moves there: LLVM's GlobalOpt marks such a
//! global `unnamed_addr` after its own IPSCCP and inlining, and the section follows
//! (`TargetLoweringObjectFile::getKindForGlobal`).
//!
//! What takes the address follows `GlobalStatus::analyzeGlobal`: loads, GEPs
//! (`iadd`/`isub`), selects and phis (block parameters) and `memcpy` sources do not;
//! calls, stores of the address, comparisons, volatile loads and anything else do, as
//! does a data relocation naming the global. A `keep` global (its address reached a
//! `memcmp` or a surviving `memcpy`, calls for LLVM) stays where it is.
//!
//! Invariants: only globals with an `unnamed_section` move, and only once; the
//! frontend already placed constants it saw not escape.

use std::collections::BTreeSet;

use crate::module::Module;
use crate::passes::ptrflow::{UseKind, derived_uses, global_roots};

/// Moves constants whose address no longer escapes to their mergeable section; returns
/// true if any moved.
pub fn run(m: &mut Module) -> bool {
    let candidates: BTreeSet<&str> = m
        .globals
        .iter()
        .filter(|g| g.unnamed_section.is_some() && !g.keep)
        .map(|g| g.name.as_str())
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let mut escaping: BTreeSet<String> = BTreeSet::new();
    for g in &m.globals {
        for r in &g.relocs {
            escaping.insert(r.symbol.clone());
        }
    }
    for f in &m.functions {
        for (name, roots) in global_roots(f, |n| candidates.contains(n)) {
            let escapes = derived_uses(f, &roots)
                .iter()
                .any(|u| !matches!(u.kind, UseKind::Load | UseKind::CopySrc));
            if escapes {
                escaping.insert(name.to_string());
            }
        }
    }
    let mut changed = false;
    for g in &mut m.globals {
        if g.keep || escaping.contains(&g.name) {
            continue;
        }
        if let Some(sec) = g.unnamed_section.take() {
            g.section = sec;
            changed = true;
        }
    }
    changed
}
