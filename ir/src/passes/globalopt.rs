//! Two of LLVM GlobalOpt's rules for `static` data (`.data`/`.bss` globals of local
//! linkage), which clang applies at -O1 and above and which decide what its objects
//! keep in `.data` and `.bss` (libbpf maps whose contents a program's users see):
//! - a global that no code writes, whose address only reaches loads at constant
//!   offsets, is a constant: it becomes `const` in `.rodata`, `constglobal` folds the
//!   loads, and `drop_unused_globals` removes it (`static __u32 limit = 5;` read by a
//!   function leaves no `.data` behind, as with clang);
//! - a global that is only written and never read (nor its address taken) is dead:
//!   its stores go, and so does the global.
//!
//! What counts as a use follows `ptrflow` (GlobalOpt's `GlobalStatus`): any other
//! use of the address (a call argument, a comparison, a `memcpy`, an atomic, a
//! volatile access, a store of the address itself, a load through a moved or
//! variable address) leaves the global alone, as does a data relocation naming it.
//! Also left alone: `volatile` globals, kept ones (`used`, or kept for a `memcmp`),
//! globals in other sections (`SEC(...)`), and per-function constants.
//!
//! A static read at a variable index (`tab[i]`) that nothing writes is constant for
//! clang too, which moves it to a mergeable read-only section; that is not done here
//! (the global stays in `.data`).

use std::collections::{BTreeMap, BTreeSet};

use crate::entities::{Inst, Value};
use crate::module::Module;
use crate::passes::ptrflow::{UseKind, derived_uses, global_roots};
use crate::types::Linkage;

/// How the code uses a global's address, over all functions.
#[derive(Default)]
struct Status {
    /// Non-volatile loads straight from the address (a constant offset).
    loads: usize,
    /// Non-volatile stores to the address or an address derived from it.
    stores: Vec<(usize, Inst)>,
    /// Any other use.
    escapes: bool,
}

/// Applies both rules; returns true if any global changed.
pub fn run(m: &mut Module) -> bool {
    let named: BTreeSet<&str> = m
        .globals
        .iter()
        .flat_map(|g| g.relocs.iter().map(|r| r.symbol.as_str()))
        .collect();
    let candidates: BTreeSet<String> = m
        .globals
        .iter()
        .filter(|g| {
            g.linkage == Linkage::Local
                && !g.constant
                && !g.volatile
                && !g.keep
                && !g.pool
                && matches!(g.section.as_str(), ".data" | ".bss")
                && !named.contains(g.name.as_str())
        })
        .map(|g| g.name.clone())
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let mut status: BTreeMap<String, Status> = BTreeMap::new();
    for (fi, f) in m.functions.iter().enumerate() {
        for (name, roots) in global_roots(f, |n| candidates.contains(n)) {
            // A `global_addr` at a constant offset is no moved pointer here: its loads
            // read constant offsets, which `constglobal` folds.
            let roots: Vec<(Value, bool)> = roots.into_iter().map(|(v, _)| (v, false)).collect();
            let s = status.entry(name.to_string()).or_default();
            for u in derived_uses(f, &roots) {
                match u.kind {
                    UseKind::Load if !u.at_offset => s.loads += 1,
                    UseKind::Store => s.stores.push((fi, u.inst)),
                    _ => s.escapes = true,
                }
            }
        }
    }
    let mut changed = false;
    let mut dead_stores: Vec<(usize, Inst)> = Vec::new();
    for g in &mut m.globals {
        let Some(s) = status.get(&g.name) else {
            continue;
        };
        if !candidates.contains(&g.name) || s.escapes {
            continue;
        }
        let read_only = s.stores.is_empty();
        let write_only = s.loads == 0;
        if !(read_only || write_only) {
            continue;
        }
        if write_only {
            dead_stores.extend(s.stores.iter().copied());
        }
        // Constant (or never read): folded where read, dropped once unused.
        g.constant = true;
        g.section = ".rodata".to_string();
        changed = true;
    }
    for (fi, inst) in dead_stores {
        if let Some(f) = m.functions.get_mut(fi) {
            f.layout.remove_inst(inst);
        }
    }
    changed
}
