//! Lowering of one function: storage of locals, source locations, and the per-function
//! state shared by statement and expression lowering (`stmt.rs`, `expr.rs`).
//!
//! Invariants:
//! - A scalar local whose address is never taken is an SSA variable (Braun et al.
//!   construction in `ir::FunctionBuilder`); address-taken locals and aggregates live
//!   in stack slots (slot alignment is capped at 8: the BPF stack is 8-byte aligned);
//!   `static` locals are globals.
//! - Every instruction gets the source location of the statement or expression being
//!   lowered (BTF line_info); the line text is recorded in the module's file table.
//! - Falling off the end of a non-void function returns 0 (C leaves the value
//!   undefined; the verifier requires r0 to be set).

use std::collections::BTreeMap;

use crate::sema::tast::{Func, FuncId, GlobalId, LabelId, LocalId, Program};
use crate::types::{QualType, TypeTable};
use diag::{SourceMap, Span};
use ir::{Block, DebugFile, Function, FunctionBuilder, SourceLoc, StackSlot, Type, Variable};

/// The module's source files, in first-use order, with the lines instructions use.
#[derive(Debug, Default)]
pub struct FileTable {
    index: BTreeMap<u32, u32>,
    files: Vec<DebugFile>,
    /// The line the last location fell in, already recorded: the next one is most often
    /// on it too (an expression's operands), and then needs no line search, file map
    /// lookup or line map entry (~2M instructions over the 61 `-O2 -g` runs of the
    /// examples and testsuite/programs/c).
    last: Option<LastLine>,
}

/// A recorded line: its file, its byte range `start..end`, and its place in the table.
#[derive(Clone, Copy, Debug)]
struct LastLine {
    file: u32,
    start: u32,
    end: u32,
    idx: u32,
    line: u32,
}

impl FileTable {
    /// The IR source location of the start of `span`, recording its line text.
    pub fn loc(&mut self, sources: &SourceMap, span: Span) -> SourceLoc {
        if let Some(l) = self.last
            && l.file == span.file.0
            && (l.start..l.end).contains(&span.start)
        {
            return SourceLoc::new(l.idx, l.line, span.start - l.start + 1);
        }
        let Some(file) = sources.get(span.file) else {
            return SourceLoc::default();
        };
        let idx = match self.index.get(&span.file.0) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
                self.files.push(DebugFile::new(file.name.clone()));
                self.index.insert(span.file.0, i);
                i
            }
        };
        let (line, col) = file.line_col(span.start);
        if let Some(df) = self.files.get_mut(idx as usize) {
            df.lines
                .entry(line)
                .or_insert_with(|| file.line_text(line).to_string());
            // Offsets inside the line (its newline included) have this line and
            // `off - start + 1` as column, as `line_col` computes them (the end is the
            // text's length after the last line: the offsets it clamps are not inside).
            let start = u32::try_from(file.line_offset(line)).unwrap_or(u32::MAX);
            let end = u32::try_from(file.line_offset(line + 1)).unwrap_or(0);
            self.last = Some(LastLine {
                file: span.file.0,
                start,
                end,
                idx,
                line,
            });
        }
        SourceLoc::new(idx, line, col)
    }

    pub fn into_files(self) -> Vec<DebugFile> {
        self.files
    }
}

/// Where a local lives.
#[derive(Clone, Copy, Debug)]
pub(super) enum Storage {
    Var(Variable),
    Slot(StackSlot),
    Global(GlobalId),
    /// An aggregate parameter passed by pointer (`byvalue.rs`): the object is there.
    Ptr(ir::Value),
}

/// The IR type of a scalar C type (pointers and anything unexpected are `i64`). A
/// floating value is its bit pattern, an integer of its size.
pub(super) fn scalar_ty(tt: &TypeTable, qt: QualType) -> Type {
    if tt.is_register_value(qt) {
        tt.size_of(qt)
            .and_then(Type::from_bytes)
            .unwrap_or(Type::I64)
    } else {
        Type::I64
    }
}

/// True when a value of this C type is signed (pointers are unsigned).
pub(super) fn is_signed(tt: &TypeTable, qt: QualType) -> bool {
    tt.int_info(qt).is_some_and(|(_, s)| s)
}

/// Per-function lowering state.
pub(super) struct FnLower<'a, 'f> {
    pub prog: &'a Program,
    pub func: &'a Func,
    pub sources: &'a SourceMap,
    pub files: &'a mut FileTable,
    /// The module's debug types (CO-RE relocations name their root type).
    pub dbg: &'a mut super::debugtypes::DebugTypeMap,
    pub dtypes: &'a mut ir::DebugTypes,
    pub b: FunctionBuilder<'f>,
    /// The private constants of local initializers (`constinit.rs`), module-wide.
    pub consts: &'a mut super::constinit::ConstPool,
    /// What the code makes clang create, in order (`order.rs`).
    pub events: Vec<super::order::Event>,
    pub storage: Vec<Storage>,
    pub labels: BTreeMap<LabelId, Block>,
    pub breaks: Vec<Block>,
    pub continues: Vec<Block>,
    /// The caller's return slot, for a function returning an aggregate (`byvalue.rs`).
    pub sret: Option<ir::Value>,
}

impl FnLower<'_, '_> {
    pub fn tt(&self) -> &TypeTable {
        &self.prog.types
    }

    /// Sets the source location of the next instructions.
    pub fn at(&mut self, span: Span) {
        let loc = self.files.loc(self.sources, span);
        self.b.set_srcloc(loc);
    }

    pub fn label_block(&mut self, l: LabelId) -> Block {
        if let Some(&b) = self.labels.get(&l) {
            return b;
        }
        let b = self.b.create_block();
        self.labels.insert(l, b);
        b
    }

    pub fn storage(&self, l: LocalId) -> Option<Storage> {
        self.storage.get(l.0 as usize).copied()
    }
}

/// Whether a declared-only function is used (then it becomes an extern symbol).
pub(super) fn is_referenced(prog: &Program, f: FuncId) -> bool {
    prog.func(f).referenced
}

/// Lowers the body of a defined function; also returns what its code makes clang
/// create, in order (`order.rs`).
pub(super) fn lower_function(
    prog: &Program,
    id: FuncId,
    sources: &SourceMap,
    files: &mut FileTable,
    dbg: &mut super::debugtypes::DebugTypeMap,
    dtypes: &mut ir::DebugTypes,
    consts: &mut super::constinit::ConstPool,
) -> (Function, Vec<super::order::Event>) {
    let f = prog.func(id);
    let tt = &prog.types;
    let abi = super::byvalue::func_abi(prog, id);
    let sig = super::byvalue::signature(tt, f.ty, &abi);
    let ret = sig.ret;
    let mut irf = Function::new(f.name.clone(), sig);
    let events;
    irf.linkage = super::linkage(f.linkage);
    irf.section = f.section.clone().unwrap_or_else(|| ".text".to_string());
    // Aggregates through hidden pointers only work inlined (`byvalue.rs`).
    irf.attrs.always_inline = f.attrs.always_inline || abi.inlined;
    irf.attrs.noinline = f.attrs.noinline;
    irf.attrs.inline_hint = f.attrs.inline_hint;
    // libbpf treats every function in a non-.text section as a program entry point.
    irf.attrs.is_program = f.section.as_deref().is_some_and(|s| s != ".text");
    {
        let mut b = FunctionBuilder::new(&mut irf);
        let entry = b.create_block();
        b.switch_to_block(entry);
        let param_vals = b.append_block_params_for_function_params(entry);
        b.seal_block(entry);
        let mut fl = FnLower {
            prog,
            func: f,
            sources,
            files,
            dbg,
            dtypes,
            b,
            consts,
            events: Vec::new(),
            storage: Vec::with_capacity(f.locals.len()),
            labels: BTreeMap::new(),
            breaks: Vec::new(),
            continues: Vec::new(),
            sret: None,
        };
        fl.at(f.span);
        for (i, l) in f.locals.iter().enumerate() {
            let param = f.params.iter().position(|p| p.0 as usize == i);
            let st = if let Some(st) =
                param.and_then(|pi| fl.param_storage(&abi, pi, l.ty, &param_vals))
            {
                st
            } else if let Some(g) = l.static_global {
                Storage::Global(g)
            } else if l.addr_taken || !tt.is_register_value(l.ty) {
                let size = tt.size_of(l.ty).unwrap_or(8).max(1);
                let align = tt.align_of(l.ty).unwrap_or(8).clamp(1, 8);
                Storage::Slot(fl.b.func.create_stack_slot(
                    u32::try_from(size).unwrap_or(u32::MAX),
                    u32::try_from(align).unwrap_or(8),
                ))
            } else {
                Storage::Var(fl.b.declare_var(scalar_ty(tt, l.ty)))
            };
            fl.storage.push(st);
        }
        fl.sret = fl.bind_params(&abi, &param_vals);
        if let Some(body) = &f.body {
            fl.stmt(body);
        }
        if !fl.b.is_filled() {
            match ret {
                Some(t) => {
                    let z = fl.b.iconst(t, 0);
                    fl.b.ret(Some(z));
                }
                None => {
                    fl.b.ret(None);
                }
            }
        }
        fl.b.finalize();
        events = fl.events;
    }
    (irf, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The remembered line gives what `line_col` gives, for offsets in any order,
    /// across files, at newlines and past the end of the text.
    #[test]
    fn file_table_loc_matches_line_col() {
        let mut sources = SourceMap::new();
        let a = sources.add("a.c", "int x;\n\nlong y;\r\nz\n");
        let b = sources.add("b.c", "first\nsecond");
        let mut t = FileTable::default();
        let offs: Vec<(diag::FileId, u32)> = [0u32, 3, 6, 7, 8, 2, 15, 16, 17, 18, 19, 25, 1]
            .iter()
            .flat_map(|&o| [(a, o), (b, o), (a, o), (a, o.saturating_sub(1))])
            .collect();
        for (file, off) in offs {
            let span = Span {
                file,
                start: off,
                end: off,
            };
            let got = t.loc(&sources, span);
            let f = sources.get(file).expect("added");
            let (line, col) = f.line_col(off);
            assert_eq!((got.line, got.col), (line, col), "{file:?} at {off}");
        }
        let files = t.into_files();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].lines.get(&3).map(String::as_str), Some("long y;"));
    }
}
