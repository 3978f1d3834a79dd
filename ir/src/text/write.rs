//! The printer: modules and functions to the IR text form.
//!
//! Invariants: output depends only on the IR (no hash-map order); values and blocks
//! print with their entity numbers (`v3`, `block1`), so verifier messages and printed
//! IR agree; aliases are resolved when printed. Strings are printed with `"` quotes and
//! `\\`, `\"`, `\n`, `\t`, `\xNN` escapes. The grammar is described in `parser.rs`.

use std::fmt::{self, Write};

use crate::debuginfo::{DebugFile, DebugType, DebugTypes, Member};
use crate::entities::{Block, Inst, Value};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::module::{DataInit, ExternSym, GlobalData, Module};
use crate::types::{Ext, SourceLoc};

/// The text of a module.
pub fn module_to_string(m: &Module) -> String {
    let mut s = String::new();
    // Writing to a String can not fail.
    let _ = write_module(&mut s, m);
    s
}

/// The text of a function.
pub fn function_to_string(f: &Function) -> String {
    let mut s = String::new();
    let _ = write_function(&mut s, f);
    s
}

/// The text of one instruction (without indentation or location).
pub fn inst_to_string(f: &Function, inst: Inst) -> String {
    let mut s = String::new();
    let _ = write_inst(&mut s, f, inst);
    s
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_function(f, self)
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_module(f, self)
    }
}

/// `s` as a quoted string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

pub fn write_module(w: &mut impl Write, m: &Module) -> fmt::Result {
    let mut first = true;
    let mut sep = |w: &mut dyn Write| -> fmt::Result {
        if !first {
            writeln!(w)?;
        }
        first = false;
        Ok(())
    };
    if !m.files.is_empty() {
        sep(w)?;
        for (i, file) in m.files.iter().enumerate() {
            write_file(w, i, file)?;
        }
    }
    if !m.debug_types.is_empty() {
        sep(w)?;
        write_debug_types(w, &m.debug_types)?;
    }
    if !m.externs.is_empty() {
        sep(w)?;
        for e in &m.externs {
            write_extern(w, e)?;
        }
    }
    if !m.globals.is_empty() {
        sep(w)?;
        for g in &m.globals {
            write_global(w, g)?;
        }
    }
    for f in &m.functions {
        sep(w)?;
        write_function(w, f)?;
    }
    Ok(())
}

fn write_file(w: &mut impl Write, idx: usize, file: &DebugFile) -> fmt::Result {
    writeln!(w, "file {idx} {}", quote(&file.name))?;
    for (line, text) in &file.lines {
        writeln!(w, "line {idx}:{line} {}", quote(text))?;
    }
    Ok(())
}

pub fn write_debug_types(w: &mut impl Write, types: &DebugTypes) -> fmt::Result {
    for (id, ty) in types.iter() {
        write!(w, "type {id} = ")?;
        write_debug_type(w, ty)?;
        writeln!(w)?;
    }
    Ok(())
}

fn write_members(w: &mut impl Write, members: &[Member]) -> fmt::Result {
    write!(w, "{{")?;
    for (i, m) in members.iter().enumerate() {
        if i > 0 {
            write!(w, ",")?;
        }
        write!(w, " {}: {} @{}", quote(&m.name), m.ty, m.bit_offset)?;
        if m.bitfield_size != 0 {
            write!(w, " bits {}", m.bitfield_size)?;
        }
    }
    if members.is_empty() {
        write!(w, "}}")
    } else {
        write!(w, " }}")
    }
}

fn write_debug_type(w: &mut impl Write, ty: &DebugType) -> fmt::Result {
    match ty {
        DebugType::Void => write!(w, "void"),
        DebugType::Int {
            name,
            size,
            signed,
            is_char,
            is_bool,
        } => {
            write!(w, "int {} size {size}", quote(name))?;
            if *signed {
                write!(w, " signed")?;
            }
            if *is_char {
                write!(w, " char")?;
            }
            if *is_bool {
                write!(w, " bool")?;
            }
            Ok(())
        }
        DebugType::Float { name, size } => write!(w, "float {} size {size}", quote(name)),
        DebugType::Ptr(t) => write!(w, "ptr {t}"),
        DebugType::Array { elem, len } => write!(w, "array {elem}, {len}"),
        DebugType::Struct {
            name,
            size,
            members,
        } => {
            write!(w, "struct {} size {size} ", quote(name))?;
            write_members(w, members)
        }
        DebugType::Union {
            name,
            size,
            members,
        } => {
            write!(w, "union {} size {size} ", quote(name))?;
            write_members(w, members)
        }
        DebugType::Enum {
            name,
            size,
            signed,
            values,
        } => {
            write!(w, "enum {} size {size}", quote(name))?;
            if *signed {
                write!(w, " signed")?;
            }
            write!(w, " {{")?;
            for (i, (n, v)) in values.iter().enumerate() {
                if i > 0 {
                    write!(w, ",")?;
                }
                write!(w, " {} = {v}", quote(n))?;
            }
            if values.is_empty() {
                write!(w, "}}")
            } else {
                write!(w, " }}")
            }
        }
        DebugType::Typedef { name, ty } => write!(w, "typedef {} {ty}", quote(name)),
        DebugType::Const(t) => write!(w, "const {t}"),
        DebugType::Volatile(t) => write!(w, "volatile {t}"),
        DebugType::Restrict(t) => write!(w, "restrict {t}"),
        DebugType::FuncProto {
            ret,
            params,
            variadic,
        } => {
            write!(w, "func_proto {ret} (")?;
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    write!(w, ", ")?;
                }
                write!(w, "{}: {}", quote(&p.name), p.ty)?;
            }
            if *variadic {
                if !params.is_empty() {
                    write!(w, ", ")?;
                }
                write!(w, "...")?;
            }
            write!(w, ")")
        }
        DebugType::Fwd { name, union } => {
            let kind = if *union { "union" } else { "struct" };
            write!(w, "fwd {kind} {}", quote(name))
        }
    }
}

fn write_extern(w: &mut impl Write, e: &ExternSym) -> fmt::Result {
    write!(w, "extern ")?;
    if e.weak {
        write!(w, "weak ")?;
    }
    write!(w, "{} @{}", e.kind.name(), e.name)?;
    if !e.section.is_empty() {
        write!(w, " section {}", quote(&e.section))?;
    }
    if let Some(t) = e.debug_type {
        write!(w, " debug {t}")?;
    }
    writeln!(w)
}

fn write_global(w: &mut impl Write, g: &GlobalData) -> fmt::Result {
    write!(
        w,
        "data {} @{} size {} align {} section {}",
        g.linkage.name(),
        g.name,
        g.size,
        g.align,
        quote(&g.section)
    )?;
    if g.constant {
        write!(w, " const")?;
    }
    if g.volatile {
        write!(w, " volatile")?;
    }
    if g.keep {
        write!(w, " keep")?;
    }
    if g.pool {
        write!(w, " pool")?;
    }
    if let Some(sec) = &g.unnamed_section {
        write!(w, " unnamed_addr {}", quote(sec))?;
    }
    match &g.init {
        DataInit::Zero => write!(w, " zero")?,
        DataInit::Bytes(bytes) => {
            write!(w, " bytes \"")?;
            for b in bytes {
                write!(w, "{b:02x}")?;
            }
            write!(w, "\"")?;
        }
    }
    for r in &g.relocs {
        write!(w, " reloc {} @{}", r.offset, r.symbol)?;
        if r.addend != 0 {
            write!(w, "{:+}", r.addend)?;
        }
    }
    if let Some(t) = g.debug_type {
        write!(w, " debug {t}")?;
    }
    writeln!(w)
}

pub fn write_function(w: &mut impl Write, f: &Function) -> fmt::Result {
    write!(w, "function {} @{}(", f.linkage.name(), f.name)?;
    for (i, t) in f.sig.params.iter().enumerate() {
        if i > 0 {
            write!(w, ", ")?;
        }
        write!(w, "{t}")?;
    }
    write!(w, ")")?;
    if let Some(r) = f.sig.ret {
        write!(w, " -> {r}")?;
    }
    write!(w, " section {}", quote(&f.section))?;
    for a in f.attrs.names() {
        write!(w, " {a}")?;
    }
    if let Some(t) = f.debug_type {
        write!(w, " debug {t}")?;
    }
    writeln!(w, " {{")?;
    for (slot, data) in f.stack_slots.iter() {
        write!(
            w,
            "    {slot} = stack_slot {}, align {}",
            data.size, data.align
        )?;
        if let Some(g) = data.copy_of {
            let name = f.global_refs.get(g).map(String::as_str).unwrap_or("?");
            write!(w, ", copy_of @{name}")?;
        }
        writeln!(w)?;
    }
    for &block in f.layout.blocks() {
        write_block_header(w, f, block)?;
        for &inst in f.layout.block_insts(block) {
            write!(w, "    ")?;
            write_inst(w, f, inst)?;
            write_loc(w, f.srclocs[inst])?;
            writeln!(w)?;
        }
    }
    writeln!(w, "}}")
}

fn write_loc(w: &mut impl Write, loc: SourceLoc) -> fmt::Result {
    if loc.is_unknown() {
        return Ok(());
    }
    if loc.file == 0 {
        write!(w, " ; @{}:{}", loc.line, loc.col)
    } else {
        write!(w, " ; @{}:{}:{}", loc.file, loc.line, loc.col)
    }
}

fn write_block_header(w: &mut impl Write, f: &Function, block: Block) -> fmt::Result {
    write!(w, "{block}")?;
    let params = f.dfg.block_params(block);
    if !params.is_empty() {
        write!(w, "(")?;
        for (i, &p) in params.iter().enumerate() {
            if i > 0 {
                write!(w, ", ")?;
            }
            write!(w, "{p}: {}", f.dfg.value_type(p))?;
        }
        write!(w, ")")?;
    }
    writeln!(w, ":")
}

fn val(f: &Function, v: Value) -> Value {
    if f.dfg.value_is_valid(v) {
        f.dfg.resolve_alias(v)
    } else {
        v
    }
}

fn write_list(w: &mut impl Write, f: &Function, vals: &[Value]) -> fmt::Result {
    for (i, &v) in vals.iter().enumerate() {
        if i > 0 {
            write!(w, ", ")?;
        }
        write!(w, "{}", val(f, v))?;
    }
    Ok(())
}

fn write_dest(w: &mut impl Write, f: &Function, d: &BlockCall) -> fmt::Result {
    write!(w, "{}", d.block)?;
    if !d.args.is_empty() {
        write!(w, "(")?;
        write_list(w, f, &d.args)?;
        write!(w, ")")?;
    }
    Ok(())
}

fn write_inst(w: &mut impl Write, f: &Function, inst: Inst) -> fmt::Result {
    let data = &f.dfg.insts[inst];
    let result = f.dfg.inst_result(inst);
    if let Some(r) = result {
        write!(w, "{r} = ")?;
    }
    let suffix = match result {
        Some(r) => format!(".{}", f.dfg.value_type(r)),
        None => String::new(),
    };
    let op = data.opcode();
    let v = |x: Value| val(f, x);
    match data {
        InstData::Iconst { imm } => {
            write!(w, "iconst{suffix} {imm}")?;
            match f.core_relocs.get(&inst) {
                Some(r) => write!(w, " {r}"),
                None => Ok(()),
            }
        }
        InstData::Unary { arg, .. } | InstData::Opaque { arg } => {
            write!(w, "{} {}", op.name(), v(*arg))
        }
        InstData::Convert { arg, .. } => write!(w, "{}{suffix} {}", op.name(), v(*arg)),
        InstData::Binary { args, .. } => {
            write!(w, "{} {}, {}", op.name(), v(args[0]), v(args[1]))
        }
        InstData::Icmp { cond, args } => {
            write!(w, "icmp {} {}, {}", cond.name(), v(args[0]), v(args[1]))
        }
        InstData::Select { args } => {
            write!(w, "select {}, {}, {}", v(args[0]), v(args[1]), v(args[2]))
        }
        InstData::Load {
            mem,
            ext,
            flags,
            addr,
            offset,
        } => {
            write!(w, "load{suffix}")?;
            if result.is_some_and(|r| f.dfg.value_type(r) != *mem) {
                let e = match ext {
                    Ext::Zero => "zext",
                    Ext::Sign => "sext",
                };
                write!(w, " {e}.{mem}")?;
            }
            if flags.volatile {
                write!(w, " volatile")?;
            }
            write!(w, " {}, {offset}", v(*addr))
        }
        InstData::Store {
            flags,
            args,
            offset,
        } => {
            write!(w, "store")?;
            if flags.volatile {
                write!(w, " volatile")?;
            }
            write!(w, " {}, {}, {offset}", v(args[0]), v(args[1]))
        }
        InstData::StackAddr { slot, offset } => write!(w, "stack_addr {slot}, {offset}"),
        InstData::GlobalAddr { global, offset } => {
            let name = f
                .global_refs
                .get(*global)
                .map(String::as_str)
                .unwrap_or("?");
            write!(w, "global_addr @{name}, {offset}")
        }
        InstData::FuncAddr { func } => {
            let name = f.func_refs.get(*func).map(String::as_str).unwrap_or("?");
            write!(w, "func_addr @{name}")
        }
        InstData::Call { func, args, .. } => {
            let name = f.func_refs.get(*func).map(String::as_str).unwrap_or("?");
            write!(w, "{}{suffix} @{name}(", op.name())?;
            write_list(w, f, args)?;
            write!(w, ")")
        }
        InstData::CallHelper { helper, args } => {
            write!(w, "call_helper{suffix} {helper}(")?;
            write_list(w, f, args)?;
            write!(w, ")")
        }
        InstData::AtomicRmw {
            op: aop,
            fetch,
            addr,
            offset,
            arg,
        } => {
            // The type comes from the operand, so a result-less (non-fetch) form prints too.
            let ty = if f.dfg.value_is_valid(*arg) {
                f.dfg.value_type(v(*arg))
            } else {
                crate::types::Type::I64
            };
            write!(w, "atomic_rmw.{}.{ty}", aop.name())?;
            if *fetch {
                write!(w, " fetch")?;
            }
            write!(w, " {}, {offset}, {}", v(*addr), v(*arg))
        }
        InstData::AtomicCas { args, offset } => write!(
            w,
            "atomic_cas{suffix} {}, {offset}, {}, {}",
            v(args[0]),
            v(args[1]),
            v(args[2])
        ),
        InstData::Memcpy { args, size, align } => {
            write!(w, "memcpy {}, {}, {size}, {align}", v(args[0]), v(args[1]))
        }
        InstData::Memset {
            dst,
            byte,
            size,
            align,
        } => write!(w, "memset {}, {byte}, {size}, {align}", v(*dst)),
        InstData::Jump { dest } => {
            write!(w, "jump ")?;
            write_dest(w, f, dest)
        }
        InstData::Brif {
            cond,
            then_dest,
            else_dest,
        } => {
            write!(w, "brif {}, ", v(*cond))?;
            write_dest(w, f, then_dest)?;
            write!(w, ", ")?;
            write_dest(w, f, else_dest)
        }
        InstData::Return { arg } => match arg {
            Some(a) => write!(w, "return {}", v(*a)),
            None => write!(w, "return"),
        },
        InstData::Unreachable => write!(w, "unreachable"),
    }
}
