//! From IR to an asm module: instruction selection, register allocation (regalloc2),
//! frame layout, BTF and .BTF.ext, emission.
//!
//! The pipeline, per function: [`frame::Frame::layout`] (IR stack slots) →
//! [`isel::select`] (VCode over virtual registers) → [`regalloc::allocate`] (regalloc2)
//! → frame check (≤ 512 bytes) → [`finalize::finalize`] (physical registers, moves,
//! block layout, jump threading) → [`finalize::relax`] (`gotol` for far jumps, v4).
//! Then [`emit`] writes every function and global into one `asm::Module`, and [`btf`]
//! adds `.BTF` / `.BTF.ext` (func_info, line_info with `-g`, CO-RE relocations). The
//! driver prints that module for `-S` and assembles it for `-c`: one path (tested in
//! `tests/one_path.rs`).
//!
//! Invariants: output depends only on the IR (no hash-map iteration reaches it); errors
//! are `diag` diagnostics with E05xx codes, never panics.

pub mod btf;
mod edge_consts;
pub mod emit;
pub mod encode;
pub mod finalize;
pub mod frame;
pub mod isel;
pub mod regalloc;
pub mod vcode;
mod zmemo;

use asm::isa::CpuVersion;
use asm::module::Expr;
use cranelift_entity::EntityRef;
use diag::{Diagnostic, Diagnostics, codes};
use linker::object::Endian;

use crate::emit::{Emitter, FuncCode};
use crate::frame::{Frame, MAX_FRAME_BYTES};

/// Code generation options (the driver maps `-mcpu`, `-g`, `-target bpfeb` to them).
#[derive(Clone, Copy, Debug)]
pub struct CodegenOptions {
    pub cpu: CpuVersion,
    /// `-g`: line_info in `.BTF.ext` (func_info and BTF types are always emitted: libbpf
    /// needs BTF for `.maps` and for subprograms).
    pub debug_info: bool,
    pub big_endian: bool,
}

impl Default for CodegenOptions {
    fn default() -> Self {
        CodegenOptions {
            cpu: CpuVersion::V3,
            debug_info: false,
            big_endian: false,
        }
    }
}

/// Compiles one function to its final instruction list.
pub fn compile_function(
    f: &ir::Function,
    opts: &CodegenOptions,
) -> Result<FuncCode, Vec<Diagnostic>> {
    let slots: Vec<(u32, u32)> = f.stack_slots.values().map(|s| (s.size, s.align)).collect();
    let mut frame = Frame::layout(&slots);
    let target = isel::Target {
        cpu: opts.cpu,
        big_endian: opts.big_endian,
    };
    let (code, core) = isel::select(f, target, &frame)?;
    let alloc = regalloc::allocate(&code).map_err(|e| {
        vec![Diagnostic::error(
            codes::E_REGALLOC,
            format!("in function `{}`: register allocation failed: {e}", f.name),
        )]
    })?;
    frame.spill_slots = alloc.num_spill_slots;
    if frame.total_bytes() > u64::from(MAX_FRAME_BYTES) {
        return Err(vec![
            Diagnostic::error(
                codes::E_FRAME_TOO_LARGE,
                format!(
                    "function `{}` needs a {}-byte stack frame; BPF allows {MAX_FRAME_BYTES}",
                    f.name,
                    frame.total_bytes()
                ),
            )
            .with_note(format!(
                "{} bytes of local variables, {} bytes of spilled registers",
                frame.slots_bytes,
                8 * frame.spill_slots
            )),
        ]);
    }
    let items = finalize::finalize(&code, &alloc, &frame, opts.cpu).map_err(|e| {
        vec![Diagnostic::error(
            codes::E_REGALLOC,
            format!("in function `{}`: {e}", f.name),
        )]
    })?;
    let items = finalize::relax(items, opts.cpu).map_err(|e| {
        vec![Diagnostic::error(
            codes::E_CPU_FEATURE,
            format!("in function `{}`: {e}", f.name),
        )]
    })?;
    Ok(FuncCode {
        name: f.name.clone(),
        section: f.section.clone(),
        linkage: f.linkage,
        items,
        core,
    })
}

/// The section a global lands in (zero-initialized data without a section goes to .bss).
fn data_section(g: &ir::GlobalData) -> String {
    if g.section.is_empty() {
        if matches!(g.init, ir::DataInit::Zero) {
            ".bss".into()
        } else {
            ".data".into()
        }
    } else {
        g.section.clone()
    }
}

/// Adds where the function is in the C source (the IR keeps lines, not byte spans): the
/// earliest source position of its code, which does not depend on the order passes
/// left the instructions in.
fn locate(d: Diagnostic, m: &ir::Module, f: &ir::Function) -> Diagnostic {
    let known = || {
        f.layout
            .blocks()
            .iter()
            .flat_map(|&b| f.layout.block_insts(b).iter())
            .filter_map(|&i| f.srclocs.get(i).copied())
            .filter(|l| !l.is_unknown())
    };
    let first = known().next().and_then(|l| {
        known()
            .filter(|k| k.file == l.file)
            .min_by_key(|k| (k.line, k.col))
    });
    match first {
        Some(l) => {
            let file = m
                .files
                .get(l.file as usize)
                .map_or("<unknown>", |x| x.name.as_str());
            d.with_note(format!(
                "function `{}` is at {file}:{}:{}",
                f.name, l.line, l.col
            ))
        }
        None => d,
    }
}

/// Compiles a whole module into an asm module.
pub fn compile_module(
    m: &ir::Module,
    opts: &CodegenOptions,
) -> Result<asm::module::Module, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut funcs = Vec::new();
    for f in &m.functions {
        match compile_function(f, opts) {
            Ok(fc) => funcs.push(fc),
            Err(es) => es.into_iter().for_each(|d| diags.push(locate(d, m, f))),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    // Line info for every function or for none (the kernel checks each subprogram).
    let any_loc = funcs.iter().any(|fc| {
        fc.items
            .iter()
            .any(|it| matches!(it, finalize::Item::Inst(_, l) if !l.is_unknown()))
    });
    let mut e = Emitter::new(opts.debug_info && any_loc);
    if let Some(file) = m.files.first() {
        let base = file.name.rsplit('/').next().unwrap_or(&file.name);
        e.file(base);
    }
    let mut sec_used: Vec<(String, u64)> = Vec::new();
    for (i, fc) in funcs.iter().enumerate() {
        // The function's pool constants first, each once, in the order its code loads
        // them (LLVM emits a function's constant pool right before its code).
        let mut pool: Vec<(String, String)> = Vec::new();
        for it in &fc.items {
            if let finalize::Item::Inst(vcode::MInst::LdSym { sym, .. }, _) = it
                && !pool.iter().any(|(n, _)| n == sym)
                && let Some(g) = m.globals.iter().find(|g| g.pool && g.name == *sym)
            {
                let label = format!(".LCPI{i}_{}", pool.len());
                e.pool_entry(g, &label);
                place_in(&mut sec_used, &g.section, g.align, g.size);
                pool.push((sym.clone(), label));
            }
        }
        e.function(i, fc, &pool);
    }
    // Data, laid out per section in module order (offsets for DATASEC). Pool constants
    // went out with their functions; they precede the data in their sections.
    let mut placed = Vec::new();
    for g in &m.globals {
        if g.pool {
            continue;
        }
        let sec = data_section(g);
        let off = place_in(&mut sec_used, &sec, g.align, g.size);
        placed.push(btf::PlacedVar {
            name: g.name.clone(),
            section: sec.clone(),
            offset: u32::try_from(off).unwrap_or(u32::MAX),
            size: u32::try_from(g.size).unwrap_or(u32::MAX),
            linkage: g.linkage,
            debug_type: g.debug_type,
        });
        e.data(g, &sec);
    }
    emit_btf(&mut e, m, &placed, opts);
    let mut sig = Vec::new();
    for f in &m.functions {
        if f.attrs.is_program || address_taken(m, &f.name) {
            sig.push(f.name.clone());
        }
    }
    for g in &m.globals {
        let sec = data_section(g);
        if !matches!(sec.as_str(), ".data" | ".bss") && !sec.starts_with(".rodata") {
            sig.push(g.name.clone());
        }
    }
    for x in &m.externs {
        if address_taken(m, &x.name) {
            sig.push(x.name.clone());
        }
    }
    // Weak externs (`__weak`) may stay unresolved: libbpf needs STB_WEAK to allow it.
    for x in m
        .externs
        .iter()
        .filter(|x| x.weak && referenced(m, &x.name))
    {
        e.weak(&x.name);
    }
    e.addrsig(&sig);
    Ok(e.m)
}

/// Places `size` bytes aligned to `align` at the end of section `sec` (of the running
/// sizes in `used`); returns their offset.
fn place_in(used: &mut Vec<(String, u64)>, sec: &str, align: u32, size: u64) -> u64 {
    let pos = match used.iter().position(|(n, _)| n == sec) {
        Some(p) => p,
        None => {
            used.push((sec.to_string(), 0));
            used.len() - 1
        }
    };
    let align = u64::from(align.max(1));
    let off = used[pos].1.div_ceil(align) * align;
    used[pos].1 = off + size;
    off
}

/// True if some function refers to symbol `name`.
fn referenced(m: &ir::Module, name: &str) -> bool {
    m.functions.iter().any(|f| {
        f.func_refs.values().any(|n| n == name) || f.global_refs.values().any(|n| n == name)
    })
}

fn address_taken(m: &ir::Module, name: &str) -> bool {
    m.functions.iter().any(|f| {
        f.layout.blocks().iter().any(|&b| {
            f.layout.block_insts(b).iter().any(|&i| {
                matches!(f.dfg.insts.get(i), Some(ir::InstData::FuncAddr { func }) if f.func_refs.get(*func).is_some_and(|n| n == name))
            })
        })
    })
}

/// Byte positions (in the encoded `.BTF`) of the DATASEC `offset` fields of variables
/// the module defines, with the variable's name, in increasing order.
fn datasec_fields(
    btf: &linker::btf::Btf,
    bytes: &[u8],
    big: bool,
    m: &ir::Module,
) -> Vec<(usize, String)> {
    let hdr = bytes
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(24, |b| {
            (if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }) as usize
        });
    let mut out = Vec::new();
    let mut at = hdr;
    for (_, t) in btf.types() {
        if let linker::btf::TypeData::Datasec { vars, .. } = &t.data {
            for (k, v) in vars.iter().enumerate() {
                let name = btf.name_of(v.type_id);
                let known = m.globals.iter().any(|g| g.name == name)
                    || m.externs.iter().any(|x| x.name == name);
                if known {
                    // btf_type (12 bytes), then {type, offset, size} per variable.
                    out.push((at + 12 + 12 * k + 4, name.to_string()));
                }
            }
        }
        at += t.encoded_len();
    }
    out
}

/// Per section (name string offset): records of a label and three numbers.
type ExtArea = Vec<(u32, Vec<(String, u32, u32, u32)>)>;

/// `.BTF` (types, FUNCs, VARs, DATASECs) and `.BTF.ext` (func_info always, line_info
/// with `-g`).
fn emit_btf(e: &mut Emitter, m: &ir::Module, placed: &[btf::PlacedVar], opts: &CodegenOptions) {
    let mut mb = btf::build(m, placed);
    // Strings the .BTF.ext records name must live in the .BTF string table.
    let ext = e.ext.clone();
    let mut func_recs: Vec<(u32, Vec<(String, u32)>)> = Vec::new();
    for (sec, list) in &ext.funcs {
        let recs: Vec<(String, u32)> = list
            .iter()
            .filter_map(|(label, idx)| {
                let id = mb.func_ids.get(*idx).copied().unwrap_or(0);
                (id != 0).then(|| (label.clone(), id))
            })
            .collect();
        if !recs.is_empty() {
            func_recs.push((mb.btf.add_string(sec), recs));
        }
    }
    let mut line_recs: ExtArea = Vec::new();
    if opts.debug_info {
        for (sec, list) in &ext.lines {
            if list.is_empty() {
                continue;
            }
            let sec_off = mb.btf.add_string(sec);
            let mut recs = Vec::new();
            for r in list {
                let file = m.files.get(r.loc.file as usize);
                let fname = file.map(|f| f.name.as_str()).unwrap_or("");
                let text = file
                    .and_then(|f| f.lines.get(&r.loc.line))
                    .map(String::as_str)
                    .unwrap_or("");
                let file_off = mb.btf.add_string(fname);
                let line_off = mb.btf.add_string(text);
                let line_col = (r.loc.line << 10) | r.loc.col.min(0x3ff);
                recs.push((r.label.clone(), file_off, line_off, line_col));
            }
            line_recs.push((sec_off, recs));
        }
    }
    // CO-RE records: root type, access string, kind (btf.rst 4.2.3, llvm_reloc.rst).
    let mut core_recs: ExtArea = Vec::new();
    for (sec, list) in &ext.core {
        if list.is_empty() {
            continue;
        }
        let sec_off = mb.btf.add_string(sec);
        let recs = list
            .iter()
            .map(|(label, r)| {
                let ty = mb.type_ids.get(r.ty.index()).copied().unwrap_or(0);
                let access = mb.btf.add_string(&r.access);
                (label.clone(), ty, access, r.kind.value())
            })
            .collect();
        core_recs.push((sec_off, recs));
    }
    if mb.btf.is_empty() && func_recs.is_empty() {
        return;
    }
    let endian = if opts.big_endian {
        Endian::Big
    } else {
        Endian::Little
    };
    let bytes = mb.btf.encode(endian);
    e.plain_section(".BTF");
    // DATASEC offsets of defined variables are written `.long var` (R_BPF_64_NODYLD32
    // against the variable), as clang does, so linkers and libbpf see where it is.
    let mut at = 0usize;
    for (pos, name) in datasec_fields(&mb.btf, &bytes, opts.big_endian, m) {
        e.raw_bytes(bytes.get(at..pos).unwrap_or(&[]));
        e.long(Expr::sym(name));
        at = pos + 4;
    }
    e.raw_bytes(bytes.get(at..).unwrap_or(&[]));
    if func_recs.is_empty() && line_recs.is_empty() && core_recs.is_empty() {
        return;
    }
    // .BTF.ext header (btf.rst 4.2): magic, version 1, flags 0, hdr_len 32, then
    // func_info / line_info / core_relo offsets and lengths relative to the header end.
    // An area is either absent (length 0) or a record size plus sections: libbpf
    // rejects a record size with no records.
    let func_len: u32 = if func_recs.is_empty() {
        0
    } else {
        4 + func_recs
            .iter()
            .map(|(_, r)| 8 + 8 * r.len() as u32)
            .sum::<u32>()
    };
    let line_len: u32 = if line_recs.is_empty() {
        0
    } else {
        4 + line_recs
            .iter()
            .map(|(_, r)| 8 + 16 * r.len() as u32)
            .sum::<u32>()
    };
    let core_len: u32 = if core_recs.is_empty() {
        0
    } else {
        4 + core_recs
            .iter()
            .map(|(_, r)| 8 + 16 * r.len() as u32)
            .sum::<u32>()
    };
    e.plain_section(".BTF.ext");
    let magic: [u8; 2] = if opts.big_endian {
        [0xeb, 0x9f]
    } else {
        [0x9f, 0xeb]
    };
    e.raw_bytes(&[magic[0], magic[1], 1, 0]);
    let num = |v: u32| Expr::Num(i64::from(v));
    for v in [
        32,
        0,
        func_len,
        func_len,
        line_len,
        func_len + line_len,
        core_len,
    ] {
        e.long(num(v));
    }
    if !func_recs.is_empty() {
        e.long(num(8));
    }
    for (sec, recs) in &func_recs {
        e.long(num(*sec));
        e.long(num(recs.len() as u32));
        for (label, id) in recs {
            e.long(Expr::sym(label.clone()));
            e.long(num(*id));
        }
    }
    if !line_recs.is_empty() {
        e.long(num(16));
        for (sec, recs) in &line_recs {
            e.long(num(*sec));
            e.long(num(recs.len() as u32));
            for (label, file, line, lc) in recs {
                e.long(Expr::sym(label.clone()));
                e.long(num(*file));
                e.long(num(*line));
                e.long(num(*lc));
            }
        }
    }
    if !core_recs.is_empty() {
        e.long(num(16));
        for (sec, recs) in &core_recs {
            e.long(num(*sec));
            e.long(num(recs.len() as u32));
            for (label, ty, access, kind) in recs {
                e.long(Expr::sym(label.clone()));
                e.long(num(*ty));
                e.long(num(*access));
                e.long(num(*kind));
            }
        }
    }
}
