//! The compiler as a library: C source → (preprocessed text | optimized IR | asm text |
//! relocatable ELF object), the pipeline `ebpfc compile` runs (DESIGN.md, "Pipeline").
//!
//! Stages: `frontend` (preprocess, parse, check, lower) → `ir::passes::optimize` at the
//! `-O` level → `codegen::compile_module` (an `asm::Module`) → `asm::assemble` →
//! `linker::elf_write::write_object`. `-S` prints the very module that `-c` assembles.
//! Every failure comes back as diagnostics; nothing here panics on user input.
//! Codegen works on IR, which keeps source positions as line:column only; its errors say
//! where in notes, and [`locate_codegen`] turns those into carets in the C source.

use crate::clang_args::{CompileArgs, Emit, MacroArg};
use crate::debug_paths::DebugPaths;
use asm::isa::CpuVersion;
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, codes};
use frontend::preprocess::PpOptions;
use ir::passes::OptLevel;
use linker::object::Endian;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to compile for: the subset of clang's flags that changes the output.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    pub opt_level: OptLevel,
    /// `-g`: line_info in `.BTF.ext` (no DWARF sections).
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
    /// The file names line_info records (`-fdebug-prefix-map=`, the compilation
    /// directory). The default records names as given.
    pub debug_paths: DebugPaths,
    /// `-w`: no warnings at all.
    pub no_warnings: bool,
    /// `-Wno-FLAG`: warnings whose message ends with `[-WFLAG]` are not shown.
    pub disabled_warnings: Vec<String>,
    /// Leave the frontend's trees to the process exit instead of freeing them (clang's
    /// `-disable-free`): set by the `ebpfc compile` CLI only, which exits right after.
    pub disable_free: bool,
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
            debug_paths: DebugPaths::default(),
            no_warnings: false,
            disabled_warnings: Vec::new(),
            disable_free: false,
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
            system_dirs: a.system_dirs.iter().chain(&a.after_dirs).cloned().collect(),
            defines,
            undefs,
            debug_paths: DebugPaths {
                // As clang: relative names are recorded under the working directory.
                compilation_dir: a.debug_compilation_dir.clone().or_else(|| {
                    std::env::current_dir()
                        .ok()
                        .map(|d| d.to_string_lossy().into_owned())
                }),
                prefix_map: a.debug_prefix_map.clone(),
            },
            no_warnings: a.ignored.iter().any(|f| f == "-w"),
            // The last of -Wfoo / -Wno-foo wins, as in clang.
            disabled_warnings: {
                let mut off: Vec<String> = Vec::new();
                for f in &a.ignored {
                    if let Some(flag) = f.strip_prefix("-Wno-") {
                        off.push(flag.to_string());
                    } else if let Some(flag) = f.strip_prefix("-W") {
                        off.retain(|o| o != flag);
                    }
                }
                off
            },
            // A library caller may compile again: only the CLI sets this.
            disable_free: false,
        }
    }

    pub(crate) fn pp(&self) -> PpOptions {
        PpOptions {
            include_dirs: self.include_dirs.clone(),
            system_dirs: self.system_dirs.clone(),
            defines: self.defines.clone(),
            undefs: self.undefs.clone(),
            cpu: self.cpu,
            big_endian: self.big_endian,
        }
    }

    /// The warnings `-w` and `-Wno-FLAG` leave.
    fn shown_warnings(&self, warnings: Diagnostics) -> Diagnostics {
        let mut out = Diagnostics::new();
        for d in warnings.items {
            let hidden = d.severity == diag::Severity::Warning
                && (self.no_warnings
                    || frontend::diag_pragmas::warning_flag(&d)
                        .is_some_and(|f| self.disabled_warnings.iter().any(|o| o == f)));
            if !hidden {
                out.push(d);
            }
        }
        out
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
    /// The files read: the main file, then each header in first-read order, with
    /// whether it is a system header (what `-MD`/`-MMD` list; `crate::deps`).
    pub dependencies: Vec<(String, bool)>,
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
    compile_file_timed(sources, file, emit, opts, &mut StageTimes::default())
}

/// Wall time spent in each stage of one compile (`bench-compile` prints them); a stage
/// that did not run stays zero.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    /// Preprocess, parse, check and lower to IR (or, for `-E`, preprocess and print).
    pub frontend: Duration,
    pub optimize: Duration,
    /// Instruction selection, register allocation, BTF: IR → asm module.
    pub codegen: Duration,
    /// asm module → object model (or, for `-S`, printing the asm text).
    pub assemble: Duration,
    /// Object model → ELF bytes.
    pub write: Duration,
}

/// [`compile_file`], recording how long each stage took into `times`.
pub fn compile_file_timed(
    sources: &mut SourceMap,
    file: FileId,
    emit: Emit,
    opts: &CompileOptions,
    times: &mut StageTimes,
) -> Result<Compiled, Diagnostics> {
    let mut clock = Instant::now();
    let mut lap = |slot: &mut Duration| {
        let now = Instant::now();
        *slot = now - clock;
        clock = now;
    };
    let fe = frontend::driver::FrontendOptions {
        pp: opts.pp(),
        disable_free: opts.disable_free,
        ..Default::default()
    };
    if emit == Emit::Preprocessed {
        let pre = frontend::preprocess::preprocess_full(file, &fe.pp, sources);
        if pre.diags.has_errors() {
            return Err(pre.diags);
        }
        let text = frontend::preprocess::print_preprocessed_full(&pre, sources);
        lap(&mut times.frontend);
        return Ok(Compiled {
            output: Output::Preprocessed(text),
            dependencies: crate::deps::files_read(sources, file, pre.headers()),
            warnings: opts.shown_warnings(pre.diags),
        });
    }
    let (mut module, warnings, headers) =
        frontend::driver::compile_file_with_headers(file, &fe, sources)?;
    let dependencies = crate::deps::files_read(sources, file, headers);
    let warnings = opts.shown_warnings(warnings);
    lap(&mut times.frontend);
    ir::passes::optimize(&mut module, opts.opt_level)?;
    lap(&mut times.optimize);
    if emit == Emit::Ir {
        return Ok(Compiled {
            output: Output::Ir(ir::module_to_string(&module)),
            warnings,
            dependencies,
        });
    }
    let cg = codegen::CodegenOptions {
        cpu: opts.cpu_version(),
        debug_info: opts.debug_info,
        big_endian: opts.big_endian,
    };
    let renamed = opts.debug_paths.apply(&mut module);
    let asm_module = codegen::compile_module(&module, &cg)
        .map_err(|ds| locate_codegen(ds, sources, &renamed))?;
    lap(&mut times.codegen);
    if emit == Emit::Asm {
        let text = asm::print::print_module(&asm_module);
        lap(&mut times.assemble);
        return Ok(Compiled {
            output: Output::Asm(text),
            warnings,
            dependencies,
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
    lap(&mut times.assemble);
    let bytes = linker::elf_write::write_object(&object);
    if opts.disable_free {
        // The back end's structures go to the process exit too, as the frontend's do.
        // (Measured when `.BTF` was one asm expression per byte: dropping the asm module
        // alone was ~48K instructions per compile; `.BTF` is now `Bytes` rows, which
        // drop cheaply, and the IR module and object still cost their drops.)
        std::mem::forget((module, asm_module, object));
    }
    lap(&mut times.write);
    Ok(Compiled {
        output: Output::Object(bytes),
        warnings,
        dependencies,
    })
}

/// Gives codegen's diagnostics a caret in the C source. Codegen knows positions only as
/// the IR's `line:col`, and states them in two notes (codegen/src/isel.rs and lib.rs):
/// `at source line L:C` (the operation at fault) and `function `F` is at FILE:L:C` (the
/// function's first located instruction). The more precise one becomes the primary label
/// and both notes go; a diagnostic that already has a label, or whose place cannot be
/// found among `sources`, is left as it is.
/// `renamed` holds `(recorded, original)` file names ([`DebugPaths::apply`]).
fn locate_codegen(
    diags: Diagnostics,
    sources: &SourceMap,
    renamed: &[(String, String)],
) -> Diagnostics {
    let mut out = Diagnostics::new();
    for d in diags.items {
        out.push(locate_one(d, sources, renamed));
    }
    out
}

fn locate_one(mut d: Diagnostic, sources: &SourceMap, renamed: &[(String, String)]) -> Diagnostic {
    if !d.labels.is_empty() {
        return d;
    }
    let mut file_name = None;
    let mut func_name = String::new();
    let mut func_pos = None;
    let mut op_pos = None;
    for n in &d.notes {
        if let Some(rest) = n.strip_prefix("at source line ") {
            op_pos = parse_line_col(rest);
        } else if let Some((head, rest)) = n.split_once("` is at ") {
            func_name = head.strip_prefix("function `").unwrap_or(head).to_string();
            // FILE:L:C, where FILE may itself contain ':'.
            let mut parts = rest.rsplitn(3, ':');
            let (c, l, f) = (parts.next(), parts.next(), parts.next());
            if let (Some(f), Some(pos)) = (
                f,
                parse_line_col(&format!("{}:{}", l.unwrap_or(""), c.unwrap_or(""))),
            ) {
                file_name = Some(f.to_string());
                func_pos = Some(pos);
            }
        }
    }
    let Some(mut file_name) = file_name else {
        return d;
    };
    if let Some((_, original)) = renamed.iter().find(|(r, _)| *r == file_name) {
        file_name = original.clone();
    }
    let Some((file, sf)) = sources.files().find(|(_, f)| f.name == file_name) else {
        return d;
    };
    let (message, pos) = match (op_pos, func_pos) {
        (Some(p), _) => ("this operation".to_string(), p),
        (None, Some(p)) => (format!("in function `{func_name}`"), p),
        (None, None) => return d,
    };
    let Some(span) = span_at(sf, file, pos) else {
        return d;
    };
    d.notes
        .retain(|n| !n.starts_with("at source line ") && !n.contains("` is at "));
    d.with_label(span, message)
}

/// `L:C` with both numbers positive.
fn parse_line_col(s: &str) -> Option<(u32, u32)> {
    let (l, c) = s.trim().split_once(':')?;
    let (l, c) = (l.parse().ok()?, c.parse().ok()?);
    (l > 0 && c > 0).then_some((l, c))
}

/// The span of the token (identifier or number, else one character) at 1-based `line:col`
/// of `sf`, if that position exists.
fn span_at(sf: &diag::SourceFile, file: FileId, (line, col): (u32, u32)) -> Option<diag::Span> {
    if line as usize > sf.line_count() {
        return None;
    }
    let text = sf.line_text(line);
    let line_start = (text.as_ptr() as usize).checked_sub(sf.text.as_ptr() as usize)?;
    let col_off = (col - 1) as usize;
    let rest = text.get(col_off..)?;
    let first = rest.chars().next()?;
    let len = if first.is_ascii_alphanumeric() || first == '_' {
        rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    Some(diag::Span::new(
        file,
        line_start + col_off,
        line_start + col_off + len,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes codegen writes (codegen/src/isel.rs `error`, lib.rs `locate`) become a
    /// caret on the operation; without the operation's note, on the function.
    /// Codegen names files as debug info records them; the caret still finds the source.
    #[test]
    fn carets_follow_renamed_files() {
        let mut sources = SourceMap::new();
        let file = sources.add("p.c", "int f(int a, int b)\n{\n\treturn a / b;\n}\n");
        let d = Diagnostic::error(codes::E_CPU_FEATURE, "in function `f`: needs v4")
            .with_note("at source line 3:9")
            .with_note("function `f` is at /src/p.c:3:2");
        let renamed = [("/src/p.c".to_string(), "p.c".to_string())];
        let ds = locate_codegen(Diagnostics::from(d), &sources, &renamed);
        assert_eq!(
            ds.items[0].primary_span(),
            Some(diag::Span::new(file, 30, 31))
        );
    }

    #[test]
    fn codegen_notes_become_carets() {
        let mut sources = SourceMap::new();
        let file = sources.add("dir:x/p.c", "int f(int a, int b)\n{\n\treturn a / b;\n}\n");
        let d = Diagnostic::error(codes::E_CPU_FEATURE, "in function `f`: needs v4")
            .with_note("at source line 3:9")
            .with_note("function `f` is at dir:x/p.c:3:2");
        let ds = locate_codegen(Diagnostics::from(d), &sources, &[]);
        let d = &ds.items[0];
        assert_eq!(d.primary_span(), Some(diag::Span::new(file, 30, 31)));
        assert!(d.notes.is_empty(), "{:?}", d.notes);
        let d = Diagnostic::error(codes::E_FRAME_TOO_LARGE, "frame")
            .with_note("600 bytes of locals")
            .with_note("function `f` is at dir:x/p.c:3:2");
        let ds = locate_codegen(Diagnostics::from(d), &sources, &[]);
        let d = &ds.items[0];
        assert_eq!(d.primary_span(), Some(diag::Span::new(file, 23, 29)));
        assert_eq!(d.notes, vec!["600 bytes of locals".to_string()]);
        // Unknown file or position: left alone.
        let d = Diagnostic::error(codes::E_FRAME_TOO_LARGE, "frame")
            .with_note("function `f` is at other.c:3:2");
        assert!(
            locate_codegen(Diagnostics::from(d), &sources, &[]).items[0]
                .labels
                .is_empty()
        );
        let d = Diagnostic::error(codes::E_FRAME_TOO_LARGE, "frame")
            .with_note("function `f` is at dir:x/p.c:99:2");
        assert!(
            locate_codegen(Diagnostics::from(d), &sources, &[]).items[0]
                .labels
                .is_empty()
        );
    }
}
