//! Merging of identical private constants, as LLVM's ConstantMerge pass does at -O1
//! and above: string literals (`.L.str*`) and copies of local initializers
//! (`.L__const.*`) are `private unnamed_addr` in clang, so nobody can tell two of
//! them with the same contents apart, and one copy is kept.
//!
//! Which one stays follows ConstantMerge: among globals with the same initializer,
//! a later `unnamed_addr` global replaces the earlier canonical one
//! (`IsBetterCanonical`), so the LAST in module order survives, at its position, with
//! the largest alignment of the group. Merging may make data relocations equal, so the
//! pass repeats until nothing changes.
//!
//! Per-function pool constants (`pool`, LLVM's constant-pool entries) are not IR
//! globals for LLVM and never merge here: each function gets its own copy.
//!
//! Invariants: only local, constant, non-volatile globals whose names start with `.L`
//! (private: no symbol in the object) in a `.rodata*` section take part; references
//! (`global_addr`, slots' `copy_of`, data relocations) are renamed, and each
//! function's `global_refs` keeps every name once. Contents are compared as bytes and
//! relocations (clang also compares the LLVM type; two private constants with equal
//! bytes but different types, e.g. `int[2]` and `long`, are merged here).

use std::collections::{BTreeMap, HashMap};

use cranelift_entity::PrimaryMap;

use crate::entities::GlobalRef;
use crate::function::Function;
use crate::module::{DataInit, DataReloc, GlobalData, Module};
use crate::types::Linkage;

/// Merges identical private constants; returns true if any was merged.
pub fn run(m: &mut Module) -> bool {
    let mut changed = false;
    loop {
        let renames = duplicates(&m.globals);
        if renames.is_empty() {
            return changed;
        }
        changed = true;
        // The survivor takes the largest alignment and keeps the group's `keep`.
        let mut align: BTreeMap<&str, (u32, bool)> = BTreeMap::new();
        for g in &m.globals {
            if let Some(to) = renames.get(&g.name) {
                let a = align.entry(to.as_str()).or_insert((0, false));
                *a = (a.0.max(g.align), a.1 | g.keep);
            }
        }
        let align: BTreeMap<String, (u32, bool)> =
            align.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        m.globals.retain(|g| !renames.contains_key(&g.name));
        for g in &mut m.globals {
            if let Some(&(a, keep)) = align.get(&g.name) {
                g.align = g.align.max(a);
                g.keep |= keep;
            }
            for r in &mut g.relocs {
                if let Some(to) = renames.get(&r.symbol) {
                    r.symbol = to.clone();
                }
            }
        }
        for f in &mut m.functions {
            rename_refs(f, &renames);
        }
    }
}

/// The merge candidates' contents: section, size, bytes and relocations.
type Key<'a> = (&'a str, u64, Vec<u8>, &'a [DataReloc]);

fn key(g: &GlobalData) -> Key<'_> {
    let bytes = match &g.init {
        DataInit::Zero => vec![0; usize::try_from(g.size).unwrap_or(0)],
        DataInit::Bytes(b) => b.clone(),
    };
    (g.section.as_str(), g.size, bytes, g.relocs.as_slice())
}

/// `old name → surviving name` for every private constant with a later twin.
fn duplicates(globals: &[GlobalData]) -> BTreeMap<String, String> {
    let mergeable = |g: &GlobalData| {
        g.linkage == Linkage::Local
            && g.constant
            && !g.volatile
            && !g.pool
            && g.name.starts_with(".L")
            && g.section.starts_with(".rodata")
    };
    // The last global of each contents (only looked up: iteration order is the
    // module's, so the result is deterministic).
    let mut last: HashMap<Key, &str> = HashMap::new();
    for g in globals.iter().filter(|g| mergeable(g)) {
        last.insert(key(g), &g.name);
    }
    globals
        .iter()
        .filter(|g| mergeable(g))
        .filter_map(|g| {
            let to = last.get(&key(g))?;
            (*to != g.name).then(|| (g.name.clone(), to.to_string()))
        })
        .collect()
}

/// Renames the data symbols `f` refers to, rebuilding `global_refs` so that each name
/// appears once.
fn rename_refs(f: &mut Function, renames: &BTreeMap<String, String>) {
    if !f.global_refs.values().any(|n| renames.contains_key(n)) {
        return;
    }
    let mut refs: PrimaryMap<GlobalRef, String> = PrimaryMap::new();
    let mut map: BTreeMap<GlobalRef, GlobalRef> = BTreeMap::new();
    for (r, name) in f.global_refs.iter() {
        let name = renames.get(name).unwrap_or(name);
        let new = match refs.iter().find(|(_, n)| *n == name) {
            Some((nr, _)) => nr,
            None => refs.push(name.clone()),
        };
        map.insert(r, new);
    }
    let insts: Vec<_> = f.dfg.insts.keys().collect();
    for i in insts {
        if let crate::instructions::InstData::GlobalAddr { global, .. } = &mut f.dfg.insts[i]
            && let Some(&n) = map.get(global)
        {
            *global = n;
        }
    }
    for d in f.stack_slots.values_mut() {
        if let Some(g) = d.copy_of {
            d.copy_of = map.get(&g).copied();
        }
    }
    f.global_refs = refs;
}
