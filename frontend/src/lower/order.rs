//! The order of the module's globals: the order in which clang's code generator
//! creates them, which is the order of the data in `.rodata*`, `.data` and `.bss`
//! (LLVM emits globals in module order). clang creates a global when it first needs
//! its address, walking the translation unit in source order:
//! - a non-`static` variable with an initializer at its definition (after the globals
//!   its initializer names); a tentative one (`int x;`, a map in `.maps`) at its first
//!   use, or after everything else at the end of the unit, in declaration order;
//! - a `static` variable, a static local, a string literal at its first use (its
//!   initializer's references come later, when the deferred definition is emitted);
//!   a `used` static at its definition;
//! - the copy of a local's constant initializer (`.L__const.*`) at the local's
//!   declaration, after what its initializer names;
//! - uses inside non-`static` functions in source order, as each function is
//!   generated; `static` functions are deferred: they are generated after the whole
//!   unit, in the order they were first referenced (once defined), each one's newly
//!   referenced functions right after it (clang's recursive `EmitDeferred`).
//!
//! Uses inside a function are recorded while it is lowered ([`Event`]), in lowering
//! order, which is clang's evaluation order of its code generator for what matters
//! here (right side of a scalar assignment first, callee before arguments).
//! Known difference: a static local is placed at its first use, not at its
//! declaration.
//!
//! Invariant: every global and copy appears at most once; the result is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::sema::tast::{Expr, ExprKind, FuncId, GlobalId, Init, Linkage, Program, TopDef};
use ir::module::GlobalData;

/// Something a function's code makes clang create or schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The address of a global (variable, string literal, static local).
    Global(GlobalId),
    /// The private copy of a local's constant initializer (index in the const pool).
    Const(usize),
    /// A reference to a function (a call or its address).
    Func(FuncId),
}

/// A global of the output, in creation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    Global(GlobalId),
    Const(usize),
}

/// What clang generates at the end of the unit (`EmitDeferred`).
#[derive(Clone, Copy, Debug)]
enum Deferred {
    Func(FuncId),
    VarInit(GlobalId),
}

/// The module's data in creation order: `globals` (by id) and the private copies of
/// local initializers (`consts`, by index); anything clang would not have created
/// (nothing should be) follows in id order.
pub fn place(
    prog: &Program,
    globals: Vec<(GlobalId, GlobalData)>,
    consts: Vec<GlobalData>,
    events: &[Vec<Event>],
) -> Vec<GlobalData> {
    let mut by_item: BTreeMap<Item, GlobalData> = globals
        .into_iter()
        .map(|(g, d)| (Item::Global(g), d))
        .chain(
            consts
                .into_iter()
                .enumerate()
                .map(|(i, d)| (Item::Const(i), d)),
        )
        .collect();
    let mut out: Vec<GlobalData> = creation_order(prog, events)
        .into_iter()
        .filter_map(|it| by_item.remove(&it))
        .collect();
    out.extend(by_item.into_values());
    out
}

/// The creation order of globals and copies, given each lowered function's events.
pub fn creation_order(prog: &Program, events: &[Vec<Event>]) -> Vec<Item> {
    let mut s = Sim {
        prog,
        events,
        out: Vec::new(),
        created: BTreeSet::new(),
        emitted: BTreeSet::new(),
        referenced: BTreeSet::new(),
        defined: BTreeSet::new(),
        var_defined: BTreeSet::new(),
        var_queued: BTreeSet::new(),
        file_scope: prog
            .defs
            .iter()
            .filter_map(|d| match d {
                TopDef::Var(g, _) => Some(*g),
                TopDef::Func(_) => None,
            })
            .collect(),
        queue: Vec::new(),
    };
    for d in &prog.defs {
        match *d {
            TopDef::Var(g, has_init) => {
                let gl = prog.global(g);
                if gl.linkage == Linkage::Internal {
                    s.var_defined.insert(g);
                    if gl.used {
                        s.var_init(g);
                        s.create(g);
                    } else if s.created.contains(&Item::Global(g)) {
                        s.queue_var(g);
                    }
                } else if has_init {
                    s.var_init(g);
                    s.create(g);
                }
            }
            TopDef::Func(f) => {
                s.defined.insert(f);
                let func = prog.func(f);
                if func.linkage != Linkage::Internal || func.attrs.used {
                    s.emit(f);
                } else if s.referenced.contains(&f) {
                    s.queue.push(Deferred::Func(f));
                }
            }
        }
    }
    // Tentative definitions never defined nor used before the end of the unit.
    for d in &prog.defs {
        if let TopDef::Var(g, false) = *d {
            let gl = prog.global(g);
            if gl.linkage != Linkage::Internal && gl.init.is_none() && !gl.is_extern {
                s.create(g);
            }
        }
    }
    s.emit_deferred();
    s.out
}

struct Sim<'p> {
    prog: &'p Program,
    events: &'p [Vec<Event>],
    out: Vec<Item>,
    created: BTreeSet<Item>,
    /// Functions whose code has been generated.
    emitted: BTreeSet<FuncId>,
    /// Static functions referenced so far.
    referenced: BTreeSet<FuncId>,
    /// Functions whose definition has been met.
    defined: BTreeSet<FuncId>,
    /// Static variables whose definition has been met.
    var_defined: BTreeSet<GlobalId>,
    var_queued: BTreeSet<GlobalId>,
    /// Variables with a file-scope definition (static locals and string literals are
    /// defined where they are written).
    file_scope: BTreeSet<GlobalId>,
    queue: Vec<Deferred>,
}

impl Sim<'_> {
    fn add(&mut self, item: Item) {
        if self.created.insert(item) {
            self.out.push(item);
        }
    }

    fn create(&mut self, g: GlobalId) {
        if self.created.contains(&Item::Global(g)) {
            return;
        }
        self.add(Item::Global(g));
        let gl = self.prog.global(g);
        // A static's initializer is generated later, once it is both used and defined.
        let defined = self.var_defined.contains(&g) || !self.file_scope.contains(&g);
        if gl.linkage == Linkage::Internal && defined {
            self.queue_var(g);
        }
    }

    fn queue_var(&mut self, g: GlobalId) {
        if self.prog.global(g).init.is_some() && self.var_queued.insert(g) {
            self.queue.push(Deferred::VarInit(g));
        }
    }

    /// The globals and functions an initializer names, in order.
    fn var_init(&mut self, g: GlobalId) {
        let Some(init) = &self.prog.global(g).init else {
            return;
        };
        let mut refs = Vec::new();
        init_refs(init, &mut refs);
        self.apply(&refs);
    }

    fn func_ref(&mut self, f: FuncId) {
        let func = self.prog.func(f);
        if func.linkage != Linkage::Internal || func.body.is_none() {
            return;
        }
        if self.referenced.insert(f) && self.defined.contains(&f) {
            self.queue.push(Deferred::Func(f));
        }
    }

    fn apply(&mut self, evs: &[Event]) {
        for &e in evs {
            match e {
                Event::Global(g) => self.create(g),
                Event::Const(i) => self.add(Item::Const(i)),
                Event::Func(f) => self.func_ref(f),
            }
        }
    }

    fn emit(&mut self, f: FuncId) {
        if !self.emitted.insert(f) {
            return;
        }
        let events = self.events;
        if let Some(evs) = events.get(f.0 as usize) {
            self.apply(evs);
        }
    }

    fn emit_deferred(&mut self) {
        let cur = std::mem::take(&mut self.queue);
        for d in cur {
            match d {
                Deferred::Func(f) => self.emit(f),
                Deferred::VarInit(g) => self.var_init(g),
            }
            if !self.queue.is_empty() {
                self.emit_deferred();
            }
        }
    }
}

/// The globals and functions named by an initializer, in order.
fn init_refs(init: &Init, out: &mut Vec<Event>) {
    fn walk(e: &Expr, out: &mut Vec<Event>) {
        match e.kind {
            ExprKind::Global(g) => out.push(Event::Global(g)),
            ExprKind::Func(f) => out.push(Event::Func(f)),
            _ => e.children().for_each(|c| walk(c, out)),
        }
    }
    init.exprs().into_iter().for_each(|e| walk(e, out));
}
