//! The compiler as a library: C source → (preprocessed text | optimized IR | asm text |
//! relocatable ELF object), the pipeline `ebpfc compile` runs (DESIGN.md, "Pipeline").
//!
//! Stages: `frontend` (preprocess, parse, check, lower) → `ir::passes::optimize` at the
//! `-O` level → `codegen::compile_module` (an `asm::Module`) → `asm::assemble` →
//! `linker::elf_write::write_object`. `-S` prints the very module that `-c` assembles.
//! Every failure comes back as diagnostics; nothing here panics on user input.

use crate::clang_args::{CompileArgs, Emit, MacroArg};
use asm::isa::CpuVersion;
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, codes};
use frontend::preprocess::PpOptions;
use ir::passes::OptLevel;
use linker::object::Endian;
use std::path::PathBuf;

/// What to compile for: the subset of clang's flags that changes the output.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    pub opt_level: OptLevel,
    /// `-g`: line_info in `.BTF.ext` and DWARF line tables.
    pub debug_info: bool,
    /// `-mcpu=vN`, 1..=4 (clang's default for BPF is v3).
    pub cpu: u8,
    pub big_endian: bool,
    pub include_dirs: Vec<PathBuf>,
    pub system_dirs: Vec<PathBuf>,
    /// `-D NAME[=VALUE]`, in order.
    pub defines: Vec<(String, Option<String>)>,
    /// `-U NAME`.
    pub undefs: Vec<String>,
}

impl Default for CompileOptions {
    /// `clang -target bpf -O2`: cpu v3, little endian, no debug info.
    fn default() -> Self {
        CompileOptions {
            opt_level: OptLevel::O2,
            debug_info: false,
            cpu: 3,
            big_endian: false,
            include_dirs: Vec::new(),
            system_dirs: Vec::new(),
            defines: Vec::new(),
            undefs: Vec::new(),
        }
    }
}

impl CompileOptions {
    /// The options a parsed `ebpfc compile` command line asks for.
    pub fn from_args(a: &CompileArgs) -> Self {
        let opt_level = match (a.opt_level, a.optimize_size) {
            (_, true) => OptLevel::Os,
            (0, _) => OptLevel::O0,
            (1, _) => OptLevel::O1,
            (2, _) => OptLevel::O2,
            _ => OptLevel::O3,
        };
        let mut defines = Vec::new();
        let mut undefs = Vec::new();
        for m in &a.macros {
            match m {
                MacroArg::Define(n, v) => defines.push((n.clone(), v.clone())),
                MacroArg::Undef(n) => undefs.push(n.clone()),
            }
        }
        CompileOptions {
            opt_level,
            debug_info: a.debug_info,
            cpu: a.cpu.clamp(1, 4),
            big_endian: a.big_endian,
            include_dirs: a.include_dirs.clone(),
            system_dirs: a.system_dirs.clone(),
            defines,
            undefs,
        }
    }

    fn pp(&self) -> PpOptions {
        PpOptions {
            include_dirs: self.include_dirs.clone(),
            system_dirs: self.system_dirs.clone(),
            defines: self.defines.clone(),
            undefs: self.undefs.clone(),
            cpu: self.cpu,
            big_endian: self.big_endian,
        }
    }

    fn cpu_version(&self) -> CpuVersion {
        match self.cpu {
            1 => CpuVersion::V1,
            2 => CpuVersion::V2,
            3 => CpuVersion::V3,
            _ => CpuVersion::V4,
        }
    }
}

/// The product of one compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// `-E`.
    Preprocessed(String),
    /// `--emit=ir`: the optimized IR text (it parses back with `ir::text`).
    Ir(String),
    /// `-S`: assembly text that `ebpfc asm` and llvm-mc accept.
    Asm(String),
    /// `-c`: a relocatable ELF object.
    Object(Vec<u8>),
}

impl Output {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Output::Preprocessed(s) | Output::Ir(s) | Output::Asm(s) => s.as_bytes(),
            Output::Object(b) => b,
        }
    }
}

/// A successful compile: the output plus the warnings to show.
#[derive(Debug)]
pub struct Compiled {
    pub output: Output,
    pub warnings: Diagnostics,
}

/// Compiles C source `text`, registered in `sources` as `name`, up to `emit`.
/// Diagnostics refer to `sources`, so callers render them with `diag::render_all`.
pub fn compile_source(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    emit: Emit,
    opts: &CompileOptions,
) -> Result<Compiled, Diagnostics> {
    let file = sources.add(name.to_string(), text.to_string());
    compile_file(sources, file, emit, opts)
}

/// Compiles the C file at `path` (read from disk) up to `emit`.
pub fn compile(
    sources: &mut SourceMap,
    path: &std::path::Path,
    emit: Emit,
    opts: &CompileOptions,
) -> Result<Compiled, Diagnostics> {
    let text = std::fs::read(path).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            codes::E_IO,
            format!("cannot read '{}': {e}", path.display()),
        ))
    })?;
    let text = String::from_utf8(text)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    compile_source(sources, &path.display().to_string(), &text, emit, opts)
}

/// Runs the pipeline on a file already in `sources`.
pub fn compile_file(
    sources: &mut SourceMap,
    file: FileId,
    emit: Emit,
    opts: &CompileOptions,
) -> Result<Compiled, Diagnostics> {
    let fe = frontend::driver::FrontendOptions {
        pp: opts.pp(),
        ..Default::default()
    };
    if emit == Emit::Preprocessed {
        let pre = frontend::preprocess::preprocess_full(file, &fe.pp, sources);
        if pre.diags.has_errors() {
            return Err(pre.diags);
        }
        let text = frontend::preprocess::print_preprocessed_full(&pre, sources);
        return Ok(Compiled {
            output: Output::Preprocessed(text),
            warnings: pre.diags,
        });
    }
    let (mut module, warnings) = frontend::driver::compile_file(file, &fe, sources)?;
    ir::passes::optimize(&mut module, opts.opt_level)?;
    if emit == Emit::Ir {
        return Ok(Compiled {
            output: Output::Ir(ir::module_to_string(&module)),
            warnings,
        });
    }
    let cg = codegen::CodegenOptions {
        cpu: opts.cpu_version(),
        debug_info: opts.debug_info,
        big_endian: opts.big_endian,
    };
    let asm_module = codegen::compile_module(&module, &cg)?;
    if emit == Emit::Asm {
        return Ok(Compiled {
            output: Output::Asm(asm::print::print_module(&asm_module)),
            warnings,
        });
    }
    let asm_opts = asm::AsmOptions {
        endian: if opts.big_endian {
            Endian::Big
        } else {
            Endian::Little
        },
        // Codegen already kept to `-mcpu`; the assembler checks it again.
        cpu: opts.cpu_version(),
    };
    let object = asm::assemble(&asm_module, file, &asm_opts).map_err(|ds| {
        let mut all = Diagnostics::new();
        for d in ds {
            all.push(d);
        }
        all
    })?;
    Ok(Compiled {
        output: Output::Object(linker::elf_write::write_object(&object)),
        warnings,
    })
}
