//! The IR verifier: checks that a function or module is well formed before and after
//! every pass (in debug builds and in every test) and before codegen.
//!
//! Checks: block structure (non-empty, exactly one terminator, at the end), branch
//! targets (in the layout, not the entry block, argument count and types), result
//! presence and types against the opcode table, operand types, SSA dominance (a use in
//! a reachable block is dominated by its definition), memory offsets (i16 by
//! construction), stack slot bounds, BPF limits (at most 5 call arguments and
//! parameters, abi.rst; atomics on 32/64-bit values only, instruction-set.rst "Atomic
//! operations"), and at module level symbols, signatures, data relocations, debug type
//! references and source files.
//!
//! Invariants: never panics, whatever the IR holds (out-of-range entity references are
//! reported, not indexed). All problems are collected, in layout order.

use cranelift_entity::SecondaryMap;
use std::collections::BTreeSet;

use diag::{Code, Diagnostic, Diagnostics, codes};

use crate::cfg::{ControlFlowGraph, DominatorTree};
use crate::dfg::ValueDef;
use crate::entities::{Block, Inst, Value};
use crate::function::{Function, MAX_PARAMS};
use crate::instructions::InstData;
use crate::module::{DataInit, ExternKind, Module};
use crate::opcodes::{Opcode, ResultRule};
use crate::text::write::inst_to_string;
use crate::types::{Ext, Type};

/// Largest `memcpy`/`memset`, in bytes.
pub const MAX_MEM_OP_SIZE: u32 = 1 << 20;

/// Verifies one function on its own (symbols are not checked against a module).
pub fn verify_function(f: &Function) -> Result<(), Diagnostics> {
    let mut v = Verifier {
        f,
        errors: Diagnostics::new(),
    };
    v.run();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// Verifies every function and the module-level tables.
pub fn verify_module(m: &Module) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::new();
    for f in &m.functions {
        if let Err(e) = verify_function(f) {
            errors.extend(e);
        }
    }
    check_module(m, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

struct Verifier<'a> {
    f: &'a Function,
    errors: Diagnostics,
}

impl Verifier<'_> {
    fn err(&mut self, code: Code, msg: String) {
        self.errors.push(Diagnostic::error(
            code,
            format!("in function @{}: {msg}", self.f.name),
        ));
    }

    fn inst_err(&mut self, code: Code, inst: Inst, msg: impl std::fmt::Display) {
        let text = inst_to_string(self.f, inst);
        self.err(code, format!("`{text}`: {msg}"));
    }

    fn value_ok(&self, v: Value) -> bool {
        self.f.dfg.value_is_valid(v)
    }

    fn ty(&self, v: Value) -> Option<Type> {
        if self.value_ok(v) {
            Some(self.f.dfg.value_type(self.f.dfg.resolve_alias(v)))
        } else {
            None
        }
    }

    fn run(&mut self) {
        let f = self.f;
        if f.sig.params.len() > MAX_PARAMS {
            self.err(
                codes::E_IR_ARITY,
                format!(
                    "{} parameters; BPF functions take at most {MAX_PARAMS}",
                    f.sig.params.len()
                ),
            );
        }
        for (slot, data) in f.stack_slots.iter() {
            if !data.align.is_power_of_two() || data.align > 8 {
                self.err(
                    codes::E_IR_RANGE,
                    format!(
                        "{slot}: alignment {} is not a power of two up to 8",
                        data.align
                    ),
                );
            }
            if data.copy_of.is_some_and(|g| !f.global_refs.is_valid(g)) {
                self.err(
                    codes::E_IR_SYMBOL,
                    format!("{slot}: unknown global reference in `copy_of`"),
                );
            }
        }
        let Some(entry) = f.entry_block() else {
            self.err(codes::E_IR_CFG, "the function has no blocks".into());
            return;
        };
        let entry_tys: Vec<Option<Type>> = f
            .dfg
            .block_params(entry)
            .iter()
            .map(|&p| self.ty(p))
            .collect();
        let sig_tys: Vec<Option<Type>> = f.sig.params.iter().map(|&t| Some(t)).collect();
        if entry_tys != sig_tys {
            self.err(
                codes::E_IR_TYPE,
                format!("the parameters of {entry} do not match the signature"),
            );
        }
        // Block parameters point back at their block.
        for &b in f.layout.blocks() {
            if !f.dfg.blocks.is_valid(b) {
                self.err(
                    codes::E_IR_CFG,
                    format!("{b} is in the layout but does not exist"),
                );
                return;
            }
            for (i, &p) in f.dfg.block_params(b).iter().enumerate() {
                if !self.value_ok(p) || f.dfg.value_def(p) != ValueDef::Param(b, i) {
                    self.err(
                        codes::E_IR_SSA,
                        format!("parameter {i} of {b} is not defined as such"),
                    );
                }
            }
        }
        // Structure and per-instruction checks.
        let mut pos: SecondaryMap<Inst, u32> = SecondaryMap::new();
        for &b in f.layout.blocks() {
            let insts = f.layout.block_insts(b);
            if insts.is_empty() {
                self.err(
                    codes::E_IR_CFG,
                    format!("{b} is empty (it needs a terminator)"),
                );
                continue;
            }
            for (i, &inst) in insts.iter().enumerate() {
                if !f.dfg.insts.is_valid(inst) {
                    self.err(
                        codes::E_IR_CFG,
                        format!("{b} holds an instruction that does not exist"),
                    );
                    return;
                }
                pos[inst] = u32::try_from(i + 1).unwrap_or(u32::MAX);
                let last = i + 1 == insts.len();
                let term = f.dfg.insts[inst].is_terminator();
                if term && !last {
                    self.inst_err(
                        codes::E_IR_CFG,
                        inst,
                        format!("terminator in the middle of {b}"),
                    );
                } else if !term && last {
                    self.inst_err(
                        codes::E_IR_CFG,
                        inst,
                        format!("{b} does not end with a terminator"),
                    );
                }
                self.check_inst(inst, entry);
            }
        }
        if !self.errors.is_empty() {
            return;
        }
        self.check_dominance(&pos);
    }

    fn check_inst(&mut self, inst: Inst, entry: Block) {
        let f = self.f;
        let data = &f.dfg.insts[inst];
        let op = data.opcode();
        for v in data.operands() {
            if !self.value_ok(v) {
                self.inst_err(codes::E_IR_SSA, inst, format!("{v} does not exist"));
                return;
            }
        }
        let result = f.dfg.inst_result(inst);
        let rty = result.and_then(|r| self.ty(r));
        let fixed = data.fixed_values();
        let arg_tys: Vec<Option<Type>> = fixed.iter().map(|&v| self.ty(v)).collect();
        let arg_ty = |i: usize| arg_tys.get(i).copied().flatten();
        // Result presence and type, from the opcode table.
        let rule = op.result_rule();
        match (rule, result) {
            (ResultRule::None, Some(_)) => {
                self.inst_err(codes::E_IR_TYPE, inst, "this instruction has no result")
            }
            (ResultRule::OptSuffix, _) => {}
            (_, None) if op != Opcode::AtomicRmw && rule != ResultRule::None => {
                self.inst_err(codes::E_IR_TYPE, inst, "missing result")
            }
            _ => {}
        }
        let want = match rule {
            ResultRule::Arg0 => arg_ty(0),
            ResultRule::Arg1 => arg_ty(1),
            ResultRule::I32 => Some(Type::I32),
            ResultRule::I64 => Some(Type::I64),
            _ => rty,
        };
        if result.is_some() && rty != want {
            self.inst_err(codes::E_IR_TYPE, inst, "wrong result type");
        }
        let same = |a: usize, b: usize| arg_ty(a) == arg_ty(b);
        match data {
            InstData::Unary { op, arg } => {
                if let (Some(bits), Some(t)) = (op.bswap_bits(), self.ty(*arg))
                    && t.bits() < bits
                {
                    self.inst_err(
                        codes::E_IR_TYPE,
                        inst,
                        format!("{} needs an operand of at least {bits} bits", op.name()),
                    );
                }
            }
            InstData::Convert { op, arg } => {
                if let (Some(from), Some(to)) = (self.ty(*arg), rty) {
                    let ok = match op {
                        Opcode::Ireduce => to.bits() < from.bits(),
                        _ => to.bits() > from.bits(),
                    };
                    if !ok {
                        self.inst_err(
                            codes::E_IR_TYPE,
                            inst,
                            format!("cannot {} {from} to {to}", op.name()),
                        );
                    }
                }
            }
            InstData::Binary { op, .. } => {
                // Shift amounts may have any type (the amount is masked to the width).
                let shift = matches!(op, Opcode::Ishl | Opcode::Ushr | Opcode::Sshr);
                if !shift && !same(0, 1) {
                    self.inst_err(codes::E_IR_TYPE, inst, "operand types differ");
                }
            }
            InstData::Icmp { .. } => {
                if !same(0, 1) {
                    self.inst_err(codes::E_IR_TYPE, inst, "operand types differ");
                }
            }
            InstData::Select { .. } => {
                if !same(1, 2) {
                    self.inst_err(
                        codes::E_IR_TYPE,
                        inst,
                        "the two choices have different types",
                    );
                }
            }
            InstData::Load { mem, ext, addr, .. } => {
                self.want_addr(inst, *addr);
                if let Some(t) = rty {
                    if mem.bits() > t.bits() {
                        self.inst_err(
                            codes::E_IR_TYPE,
                            inst,
                            "the memory type is wider than the result",
                        );
                    }
                    if *mem == t && *ext != Ext::Zero {
                        self.inst_err(codes::E_IR_TYPE, inst, "a full-width load has no extension");
                    }
                }
            }
            // The result type (the operand's) is checked above; any value may pass.
            InstData::Opaque { .. } => {}
            InstData::Store { args, .. } => self.want_addr(inst, args[1]),
            InstData::StackAddr { slot, offset } => match f.stack_slots.get(*slot) {
                None => self.inst_err(codes::E_IR_SYMBOL, inst, format!("{slot} does not exist")),
                Some(d) => {
                    if *offset < 0 || i64::from(*offset) > i64::from(d.size) {
                        self.inst_err(
                            codes::E_IR_RANGE,
                            inst,
                            format!("offset outside {slot} ({} bytes)", d.size),
                        );
                    }
                }
            },
            InstData::GlobalAddr { global, .. } => {
                if !f.global_refs.is_valid(*global) {
                    self.inst_err(codes::E_IR_SYMBOL, inst, "unknown global reference");
                }
            }
            InstData::FuncAddr { func } => {
                if !f.func_refs.is_valid(*func) {
                    self.inst_err(codes::E_IR_SYMBOL, inst, "unknown function reference");
                }
            }
            InstData::Call { func, args, .. } => {
                if !f.func_refs.is_valid(*func) {
                    self.inst_err(codes::E_IR_SYMBOL, inst, "unknown function reference");
                }
                self.max_args(inst, args.len());
            }
            InstData::CallHelper { args, .. } => self.max_args(inst, args.len()),
            InstData::AtomicRmw { addr, arg, .. } => {
                self.want_addr(inst, *addr);
                self.want_word(inst, self.ty(*arg));
                if result.is_some() && rty != self.ty(*arg) {
                    self.inst_err(
                        codes::E_IR_TYPE,
                        inst,
                        "result type differs from the operand",
                    );
                }
            }
            InstData::AtomicCas { args, .. } => {
                self.want_addr(inst, args[0]);
                self.want_word(inst, self.ty(args[1]));
                if !same(1, 2) || rty != self.ty(args[1]) {
                    self.inst_err(
                        codes::E_IR_TYPE,
                        inst,
                        "expected, new and result types differ",
                    );
                }
            }
            InstData::Memcpy { args, align, size } => {
                self.want_addr(inst, args[0]);
                self.want_addr(inst, args[1]);
                self.want_align(inst, *align);
                self.want_mem_size(inst, *size);
            }
            InstData::Memset {
                dst, align, size, ..
            } => {
                self.want_addr(inst, *dst);
                self.want_align(inst, *align);
                self.want_mem_size(inst, *size);
            }
            InstData::Jump { .. } | InstData::Brif { .. } => {
                for d in data.branch_targets() {
                    if !f.dfg.blocks.is_valid(d.block) || !f.layout.is_block_inserted(d.block) {
                        self.inst_err(
                            codes::E_IR_CFG,
                            inst,
                            format!("{} is not in the function", d.block),
                        );
                        continue;
                    }
                    if d.block == entry {
                        self.inst_err(codes::E_IR_CFG, inst, "branch to the entry block");
                    }
                    let params = f.dfg.block_params(d.block);
                    if params.len() != d.args.len() {
                        self.inst_err(
                            codes::E_IR_ARITY,
                            inst,
                            format!(
                                "{} takes {} arguments, {} given",
                                d.block,
                                params.len(),
                                d.args.len()
                            ),
                        );
                        continue;
                    }
                    for (&p, &a) in params.iter().zip(&d.args) {
                        if self.ty(p) != self.ty(a) {
                            self.inst_err(
                                codes::E_IR_TYPE,
                                inst,
                                format!("argument {a} does not match the type of {p}"),
                            );
                        }
                    }
                }
            }
            InstData::Return { arg } => {
                let got = arg.and_then(|a| self.ty(a));
                if got != f.sig.ret {
                    self.inst_err(
                        codes::E_IR_TYPE,
                        inst,
                        "return value does not match the signature",
                    );
                }
            }
            InstData::Iconst { imm } => {
                if let Some(r) = f.core_relocs.get(&inst)
                    && !r.access_is_valid()
                {
                    self.inst_err(codes::E_IR_SYMBOL, inst, "malformed CO-RE access string");
                }
                if let Some(t) = rty
                    && t.sext(*imm) != *imm
                {
                    self.inst_err(
                        codes::E_IR_RANGE,
                        inst,
                        format!("immediate is not a sign-extended {t}"),
                    );
                }
            }
            InstData::Unreachable => {}
        }
    }

    fn want_addr(&mut self, inst: Inst, v: Value) {
        if self.ty(v).is_some_and(|t| t != Type::I64) {
            self.inst_err(codes::E_IR_TYPE, inst, format!("address {v} is not an i64"));
        }
    }

    /// BPF atomics work on 32- and 64-bit words only.
    fn want_word(&mut self, inst: Inst, t: Option<Type>) {
        if t.is_some_and(|t| t != Type::I32 && t != Type::I64) {
            self.inst_err(codes::E_IR_TYPE, inst, "atomics need an i32 or i64 operand");
        }
    }

    fn want_align(&mut self, inst: Inst, align: u32) {
        if !align.is_power_of_two() || align > 8 {
            self.inst_err(
                codes::E_IR_RANGE,
                inst,
                "alignment must be a power of two up to 8",
            );
        }
    }

    /// memcpy/memset are expanded inline (BPF has no memcpy); a bound keeps that sane.
    fn want_mem_size(&mut self, inst: Inst, size: u32) {
        if size > MAX_MEM_OP_SIZE {
            self.inst_err(
                codes::E_IR_RANGE,
                inst,
                format!("size above {MAX_MEM_OP_SIZE} bytes"),
            );
        }
    }

    fn max_args(&mut self, inst: Inst, n: usize) {
        if n > MAX_PARAMS {
            self.inst_err(
                codes::E_IR_ARITY,
                inst,
                format!("{n} arguments; BPF calls take at most {MAX_PARAMS}"),
            );
        }
    }

    fn check_dominance(&mut self, pos: &SecondaryMap<Inst, u32>) {
        let f = self.f;
        let cfg = ControlFlowGraph::compute(f);
        let dt = DominatorTree::compute(f, &cfg);
        for &b in f.layout.blocks() {
            if !dt.is_reachable(b) {
                continue;
            }
            for &inst in f.layout.block_insts(b) {
                for v in f.dfg.insts[inst].operands() {
                    let v = f.dfg.resolve_alias(v);
                    let ok = match f.dfg.value_def(v) {
                        ValueDef::Param(pb, _) => {
                            f.layout.is_block_inserted(pb) && dt.dominates(pb, b)
                        }
                        ValueDef::Result(di) => match f.layout.inst_block(di) {
                            Some(db) if db == b => pos[di] < pos[inst],
                            Some(db) => dt.dominates(db, b),
                            None => false,
                        },
                        ValueDef::Alias(_) => false,
                    };
                    if !ok {
                        self.inst_err(
                            codes::E_IR_SSA,
                            inst,
                            format!("the definition of {v} does not dominate this use"),
                        );
                    }
                }
            }
        }
    }
}

fn check_module(m: &Module, errors: &mut Diagnostics) {
    let mut err = |code: Code, msg: String| errors.push(Diagnostic::error(code, msg));
    let mut names = BTreeSet::new();
    let all_names = m
        .functions
        .iter()
        .map(|f| &f.name)
        .chain(m.globals.iter().map(|g| &g.name))
        .chain(m.externs.iter().map(|e| &e.name));
    for n in all_names {
        if !names.insert(n.as_str()) {
            err(codes::E_IR_NAME, format!("symbol @{n} is defined twice"));
        }
    }
    let type_ok =
        |t: Option<crate::entities::DebugTypeId>| t.is_none_or(|t| m.debug_types.is_valid(t));
    for (id, t) in m.debug_types.iter() {
        for r in t.refs() {
            if !m.debug_types.is_valid(r) {
                err(
                    codes::E_IR_SYMBOL,
                    format!("debug type {id} refers to unknown {r}"),
                );
            }
        }
    }
    for g in &m.globals {
        if !type_ok(g.debug_type) {
            err(
                codes::E_IR_SYMBOL,
                format!("@{}: unknown debug type", g.name),
            );
        }
        if !g.align.is_power_of_two() {
            err(
                codes::E_IR_RANGE,
                format!("@{}: alignment {} is not a power of two", g.name, g.align),
            );
        }
        if let DataInit::Bytes(b) = &g.init
            && b.len() as u64 != g.size
        {
            err(
                codes::E_IR_RANGE,
                format!("@{}: {} initial bytes for size {}", g.name, b.len(), g.size),
            );
        }
        for r in &g.relocs {
            if u64::from(r.offset) + 8 > g.size {
                err(
                    codes::E_IR_RANGE,
                    format!(
                        "@{}: relocation at {} is outside the data",
                        g.name, r.offset
                    ),
                );
            }
            if !names.contains(r.symbol.as_str()) {
                err(
                    codes::E_IR_SYMBOL,
                    format!("@{}: relocation against unknown @{}", g.name, r.symbol),
                );
            }
        }
    }
    for e in &m.externs {
        if !type_ok(e.debug_type) {
            err(
                codes::E_IR_SYMBOL,
                format!("@{}: unknown debug type", e.name),
            );
        }
    }
    for f in &m.functions {
        if !type_ok(f.debug_type) {
            err(
                codes::E_IR_SYMBOL,
                format!("@{}: unknown debug type", f.name),
            );
        }
        for (inst, r) in &f.core_relocs {
            if !m.debug_types.is_valid(r.ty) {
                err(
                    codes::E_IR_SYMBOL,
                    format!(
                        "in function @{}: CO-RE relocation on unknown {}",
                        f.name, r.ty
                    ),
                );
            }
            let is_const = f
                .dfg
                .insts
                .get(*inst)
                .is_some_and(|d| matches!(d, InstData::Iconst { .. }));
            if f.layout.inst_block(*inst).is_some() && !is_const {
                err(
                    codes::E_IR_SYMBOL,
                    format!(
                        "in function @{}: CO-RE relocation on a non-constant",
                        f.name
                    ),
                );
            }
        }
        for (slot, data) in f.stack_slots.iter() {
            if let Some(name) = data.copy_of.and_then(|g| f.global_refs.get(g))
                && m.global(name).is_none()
            {
                err(
                    codes::E_IR_SYMBOL,
                    format!(
                        "in function @{}: {slot} is a copy of unknown data symbol @{name}",
                        f.name
                    ),
                );
            }
        }
        for &b in f.layout.blocks() {
            for &inst in f.layout.block_insts(b) {
                if !f.dfg.insts.is_valid(inst) {
                    continue;
                }
                let loc = f.srclocs[inst];
                if !loc.is_unknown() && loc.file as usize >= m.files.len() {
                    err(
                        codes::E_IR_SYMBOL,
                        format!(
                            "in function @{}: source location names unknown file {}",
                            f.name, loc.file
                        ),
                    );
                }
                check_symbols(m, f, inst, &mut err);
            }
        }
    }
}

fn check_symbols(m: &Module, f: &Function, inst: Inst, err: &mut impl FnMut(Code, String)) {
    let text = || format!("in function @{}: `{}`", f.name, inst_to_string(f, inst));
    match &f.dfg.insts[inst] {
        InstData::Call { op, func, args } => {
            let Some(name) = f.func_refs.get(*func) else {
                return;
            };
            if let Some(callee) = m.function(name) {
                if *op != Opcode::Call {
                    err(
                        codes::E_IR_SYMBOL,
                        format!(
                            "{}: @{name} is a function of this module; use `call`",
                            text()
                        ),
                    );
                    return;
                }
                let arg_tys: Vec<Type> = args
                    .iter()
                    .filter(|v| f.dfg.value_is_valid(**v))
                    .map(|&v| f.dfg.value_type(v))
                    .collect();
                if arg_tys != callee.sig.params {
                    err(
                        codes::E_IR_ARITY,
                        format!(
                            "{}: arguments do not match the signature of @{name}",
                            text()
                        ),
                    );
                }
                let ret = f.dfg.inst_result(inst).map(|r| f.dfg.value_type(r));
                if ret.is_some() && ret != callee.sig.ret {
                    err(
                        codes::E_IR_TYPE,
                        format!("{}: result type does not match @{name}", text()),
                    );
                }
            } else if let Some(e) = m.extern_sym(name) {
                let ok = match op {
                    Opcode::Call => e.kind == ExternKind::Func,
                    _ => matches!(e.kind, ExternKind::Func | ExternKind::Kfunc),
                };
                if !ok {
                    err(
                        codes::E_IR_SYMBOL,
                        format!("{}: @{name} is not a function", text()),
                    );
                }
            } else {
                err(
                    codes::E_IR_SYMBOL,
                    format!("{}: unknown function @{name}", text()),
                );
            }
        }
        InstData::FuncAddr { func } => {
            let Some(name) = f.func_refs.get(*func) else {
                return;
            };
            let ok = m.function(name).is_some()
                || m.extern_sym(name)
                    .is_some_and(|e| e.kind == ExternKind::Func);
            if !ok {
                err(
                    codes::E_IR_SYMBOL,
                    format!("{}: unknown function @{name}", text()),
                );
            }
        }
        InstData::GlobalAddr { global, .. } => {
            let Some(name) = f.global_refs.get(*global) else {
                return;
            };
            let ok = m.global(name).is_some()
                || m.extern_sym(name)
                    .is_some_and(|e| matches!(e.kind, ExternKind::Ksym | ExternKind::Var));
            if !ok {
                err(
                    codes::E_IR_SYMBOL,
                    format!("{}: unknown data symbol @{name}", text()),
                );
            }
        }
        _ => {}
    }
}
