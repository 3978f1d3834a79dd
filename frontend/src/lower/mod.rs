//! Lowering of the typed AST ([`crate::sema::tast`]) to an [`ir::Module`].
//!
//! Module level (this file): globals are placed in sections as clang places them for
//! BPF (`.data`, `.bss` when zero-initialized, `.rodata` for `const` — `const volatile`
//! too, as libbpf's read-only globals expect —, string literals in `.rodata.str1.1`, a
//! user `SEC(...)` wins: `.maps`, `license`...), functions get their linkage (static →
//! local, weak, global) and section (`SEC("xdp")` marks a program), declared-only
//! functions and variables become extern symbols (`.ksyms` ones are kfuncs/ksyms), and
//! every function and global gets its debug type (for BTF). Like clang -O2, unused
//! `static` functions and data are not emitted (`used` keeps them), and a static
//! constant whose address never escapes goes to the mergeable section its contents
//! call for (`rodata.rs`: `.rodata.str1.1` for a C string, `.rodata.cstN` for 4, 8,
//! 16 or 32 bytes). Constant initializers of local aggregates may add private
//! constants (`constinit.rs`).
//!
//! Invariants: functions are output in declaration order, data in the order clang
//! creates it (`order.rs`), so the layout of `.data`, `.bss` and `.rodata*` is
//! clang's (deterministic); helper
//! constants (`GlobalKind::Helper`) produce no data — calls through them are
//! `call_helper N`; a global's initializer bytes are exactly its size (which grows
//! past the type's size only for initialized flexible array members).

mod bitops;
mod byvalue;
mod constinit;
mod data;
pub mod debugtypes;
mod expr;
mod func;
mod keep;
mod order;
mod rodata;
mod stmt;

use crate::sema::tast::{Expr, ExprKind, FuncId, GlobalId, GlobalKind, Linkage, Program};
use debugtypes::DebugTypeMap;
use diag::SourceMap;
use ir::module::{DataInit, ExternKind, ExternSym, GlobalData, Module};

/// Lowers a checked program to IR.
pub fn lower_program(prog: &Program, sources: &SourceMap) -> Module {
    let mut m = Module::new();
    let mut dbg = DebugTypeMap::new();
    let mut files = func::FileTable::default();
    let escaping = escaping_globals(prog);
    let kept = keep::memcmp_operands(prog);
    let live = live_globals(prog);
    // The data, placed in clang's creation order once the functions are lowered.
    let mut data: Vec<(GlobalId, GlobalData)> = Vec::new();
    let mut consts = constinit::ConstPool::new(prog.globals.iter().map(|g| g.name.as_str()));
    let mut events: Vec<Vec<order::Event>> = vec![Vec::new(); prog.funcs.len()];

    for (gi, g) in prog.globals.iter().enumerate() {
        if matches!(g.kind, GlobalKind::Helper(_)) {
            continue;
        }
        // Unused `static` data is dropped, as clang -O2 does (`used` keeps it).
        if g.linkage == Linkage::Internal
            && !g.used
            && !live.contains(&GlobalId(u32::try_from(gi).unwrap_or(u32::MAX)))
        {
            continue;
        }
        let section = g.section.clone().unwrap_or_default();
        let dty = if section == ".maps" {
            dbg.get_map(&prog.types, &mut m.debug_types, g.ty)
        } else {
            dbg.get(&prog.types, &mut m.debug_types, g.ty)
        };
        if g.is_extern {
            let kind = if section == ".ksyms" {
                ExternKind::Ksym
            } else {
                ExternKind::Var
            };
            m.externs.push(ExternSym {
                name: g.name.clone(),
                kind,
                weak: g.linkage == Linkage::Weak,
                section,
                debug_type: Some(dty),
            });
            continue;
        }
        let natural = prog.types.align_of(g.ty).unwrap_or(1);
        let align = natural.max(g.align.unwrap_or(1));
        let (bytes, relocs) = data::global_bytes(prog, g, prog.types.size_of(g.ty).unwrap_or(0));
        let size = bytes.len() as u64;
        let canon = prog.types.canon(g.ty);
        // `const` arrays are const through their element type.
        // String literals are constants for clang (`private unnamed_addr constant`)
        // even though their C type is not `const`.
        let mut constant = canon.quals.is_const || g.kind == GlobalKind::Str;
        let mut volatile = canon.quals.is_volatile;
        let mut elem = g.ty;
        while let Some(e) = prog.types.array_elem(elem) {
            let c = prog.types.canon(e);
            constant |= c.quals.is_const;
            volatile |= c.quals.is_volatile;
            elem = e;
        }
        let all_zero = relocs.is_empty() && bytes.iter().all(|&b| b == 0);
        // A static constant whose address never escapes (only its elements are read)
        // is `unnamed_addr` for LLVM, so it goes to the mergeable section its contents
        // call for (`rodata.rs`): a C string to `.rodata.str1.1` like a string
        // literal, 4/8/16/32 bytes to `.rodata.cstN`. Passed to a helper (bpf_printk's
        // `___fmt`) it stays in .rodata.
        // One it sees escape may stop escaping once optimized (an argument that
        // `ipcp` takes out of the calls): that section is its `unnamed_section`, for
        // the IR's `unnamed_addr` pass, which decides as LLVM's GlobalOpt does.
        let id = GlobalId(u32::try_from(gi).unwrap_or(u32::MAX));
        let candidate = (constant && g.linkage == Linkage::Internal && g.section.is_none())
            .then(|| rodata::mergeable_section(prog, g.ty, &bytes, &relocs))
            .filter(|sec| !volatile || sec == ".rodata.str1.1");
        let (merged_section, unnamed_section) = if escaping.contains(&id) {
            let later = candidate.filter(|sec| sec != ".rodata" && g.kind != GlobalKind::Str);
            (None, later)
        } else {
            (candidate, None)
        };
        let section = match (&g.section, &g.kind, merged_section) {
            (Some(s), _, _) => s.clone(),
            (None, GlobalKind::Str, _) => ".rodata.str1.1".to_string(),
            (None, _, Some(sec)) => sec,
            (None, _, None) if constant => ".rodata".to_string(),
            (None, _, None) if all_zero => ".bss".to_string(),
            (None, _, None) => ".data".to_string(),
        };
        let init = if all_zero && section == ".bss" {
            DataInit::Zero
        } else {
            DataInit::Bytes(bytes)
        };
        data.push((
            id,
            GlobalData {
                name: g.name.clone(),
                section,
                linkage: linkage(g.linkage),
                size,
                align: u32::try_from(align).unwrap_or(8),
                init,
                relocs,
                constant,
                volatile,
                keep: kept.contains(&id),
                unnamed_section,
                pool: false,
                debug_type: if g.kind == GlobalKind::Str {
                    None
                } else {
                    Some(dty)
                },
            },
        ));
    }

    for (i, f) in prog.funcs.iter().enumerate() {
        let id = FuncId(u32::try_from(i).unwrap_or(u32::MAX));
        if f.body.is_some() && !f.emitted {
            // An unused static function (typically `static inline` from a header).
            continue;
        }
        if f.body.is_none() {
            if func::is_referenced(prog, id) {
                let section = f.section.clone().unwrap_or_default();
                let kind = if section == ".ksyms" {
                    ExternKind::Kfunc
                } else {
                    ExternKind::Func
                };
                let dty = dbg.get(&prog.types, &mut m.debug_types, f.ty);
                m.externs.push(ExternSym {
                    name: f.name.clone(),
                    kind,
                    weak: f.linkage == Linkage::Weak,
                    section: String::new(),
                    debug_type: Some(dty),
                });
            }
            continue;
        }
        let names: Vec<String> = f
            .params
            .iter()
            .map(|p| f.locals[p.0 as usize].name.clone())
            .collect();
        let dty = dbg.func_proto(&prog.types, &mut m.debug_types, f.ty, &names);
        let (mut irf, evs) = func::lower_function(
            prog,
            id,
            sources,
            &mut files,
            &mut dbg,
            &mut m.debug_types,
            &mut consts,
        );
        events[i] = evs;
        irf.debug_type = Some(dty);
        m.functions.push(irf);
    }
    m.globals = order::place(prog, data, consts.globals, &events);
    dbg.finish(&mut m.debug_types);
    m.files = files.into_files();
    m
}

fn linkage(l: Linkage) -> ir::types::Linkage {
    match l {
        Linkage::Internal => ir::types::Linkage::Local,
        Linkage::External => ir::types::Linkage::Global,
        Linkage::Weak => ir::types::Linkage::Weak,
    }
}

/// Globals whose address is used other than to read an element (`g[i]`, `*g`).
fn escaping_globals(prog: &Program) -> std::collections::BTreeSet<GlobalId> {
    fn walk(e: &Expr, out: &mut std::collections::BTreeSet<GlobalId>) {
        match &e.kind {
            ExprKind::Deref(p) => {
                let base = match &p.kind {
                    ExprKind::PtrAdd { ptr, idx, .. } => {
                        walk(idx, out);
                        ptr.as_ref()
                    }
                    _ => p.as_ref(),
                };
                match &base.kind {
                    ExprKind::Decay(inner) if matches!(inner.kind, ExprKind::Global(_)) => {}
                    _ => walk(base, out),
                }
            }
            ExprKind::Decay(inner) | ExprKind::AddrOf(inner) => match inner.kind {
                ExprKind::Global(g) => {
                    out.insert(g);
                }
                _ => walk(inner, out),
            },
            _ => e.children().for_each(|c| walk(c, out)),
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for f in &prog.funcs {
        if let Some(body) = &f.body {
            let mut exprs = Vec::new();
            body.exprs(&mut exprs);
            exprs.into_iter().for_each(|e| walk(e, &mut out));
        }
    }
    for g in &prog.globals {
        if let Some(init) = &g.init {
            init.exprs().into_iter().for_each(|e| walk(e, &mut out));
        }
    }
    out
}

/// Globals named by emitted functions, by non-static globals, or (transitively) by
/// the initializers of live globals.
fn live_globals(prog: &Program) -> std::collections::BTreeSet<GlobalId> {
    fn walk(e: &Expr, out: &mut Vec<GlobalId>) {
        if let ExprKind::Global(g) = e.kind {
            out.push(g);
        }
        e.children().for_each(|c| walk(c, out));
    }
    let mut live = std::collections::BTreeSet::new();
    let mut work: Vec<GlobalId> = Vec::new();
    for f in prog.funcs.iter().filter(|f| f.emitted) {
        if let Some(body) = &f.body {
            let mut exprs = Vec::new();
            body.exprs(&mut exprs);
            exprs.into_iter().for_each(|e| walk(e, &mut work));
        }
    }
    for (i, g) in prog.globals.iter().enumerate() {
        if g.linkage != Linkage::Internal || g.used {
            work.push(GlobalId(u32::try_from(i).unwrap_or(u32::MAX)));
        }
    }
    while let Some(g) = work.pop() {
        if !live.insert(g) {
            continue;
        }
        if let Some(init) = &prog.global(g).init {
            init.exprs().into_iter().for_each(|e| walk(e, &mut work));
        }
    }
    live
}
