//! The frontend's public entry: C source file → IR module.
//!
//! The pipeline is a straight list of phases — preprocess, parse, check, lower — and the
//! driver stops between phases when one reported errors (later phases assume a clean
//! input). Warnings of a successful run are returned next to the module.
//!
//! Invariant: user input never panics here; a missing file is an E0001 diagnostic.

use std::path::Path;

use crate::preprocess::{PpOptions, Pragma, preprocess_full};
use crate::token::Token;
use crate::{diag_pragmas, lower, parse, sema};
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, codes};

/// Options of the C frontend (the preprocessor's, for now: include paths, -D/-U, cpu).
#[derive(Clone, Debug)]
pub struct FrontendOptions {
    pub pp: PpOptions,
    /// Honour `#pragma clang attribute push(__attribute__((preserve_access_index)))`
    /// (bpftool's `vmlinux.h`): every member access to those structs becomes a CO-RE
    /// relocation, as with clang. On by default: codegen puts a relocated field
    /// offset in the `off` field of the load/store (the verifier rejects a context
    /// pointer moved by an `add`: "dereference of modified ctx ptr").
    pub core_pragmas: bool,
    /// Leave the tokens, syntax tree and checked program to the process exit instead
    /// of freeing them, as clang's driver has cc1 do (`-disable-free`): freeing the
    /// millions of nodes of a `vmlinux.h` costs as much as checking them. Only for a
    /// process that exits after this compile (the CLI); off by default.
    pub disable_free: bool,
}

impl Default for FrontendOptions {
    fn default() -> Self {
        FrontendOptions {
            pp: PpOptions::default(),
            core_pragmas: true,
            disable_free: false,
        }
    }
}

/// Compiles the C file at `path` to an IR module.
pub fn compile_c(
    path: &Path,
    opts: &FrontendOptions,
    sources: &mut SourceMap,
) -> Result<ir::Module, Diagnostics> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return Err(Diagnostic::error(
                codes::E_IO,
                format!("cannot read '{}': {e}", path.display()),
            )
            .into());
        }
    };
    let file = sources.add(path.display().to_string(), text);
    compile_file(file, opts, sources).map(|(m, _)| m)
}

/// Compiles C source text already registered in `sources` as `file`; returns the
/// module and the warnings.
pub fn compile_file(
    file: FileId,
    opts: &FrontendOptions,
    sources: &mut SourceMap,
) -> Result<(ir::Module, Diagnostics), Diagnostics> {
    compile_file_with_headers(file, opts, sources).map(|(m, w, _)| (m, w))
}

/// The headers a compile read, in first-read order, each with whether it is a system
/// header (`Preprocessed::included_system`).
pub type Headers = Vec<(FileId, bool)>;

/// [`compile_file`], also returning the headers it read, for `-MD`.
pub fn compile_file_with_headers(
    file: FileId,
    opts: &FrontendOptions,
    sources: &mut SourceMap,
) -> Result<(ir::Module, Diagnostics, Headers), Diagnostics> {
    let mut all = Diagnostics::new();
    let pre = preprocess_full(file, &opts.pp, sources);
    let headers = pre.headers().collect();
    let tokens = pre.tokens;
    all.extend(pre.diags);
    if all.has_errors() {
        return Err(all);
    }
    let (tu, d) = parse::parse(&tokens, sources);
    all.extend(d);
    if all.has_errors() {
        return Err(all);
    }
    let sema_opts = sema::SemaOptions {
        core_regions: if opts.core_pragmas {
            core_regions(&pre.pragmas, &tokens)
        } else {
            Vec::new()
        },
    };
    let (prog, d) = sema::check_with(&tu, &sema_opts);
    let ignored = diag_pragmas::ignored_regions(&pre.pragmas, tokens.len());
    all.extend(diag_pragmas::filter(d, &ignored, &tokens));
    if all.has_errors() {
        return Err(all);
    }
    let module = lower::lower_program(&prog, sources);
    if opts.disable_free {
        std::mem::forget((tu, tokens, prog));
    }
    Ok((module, all, headers))
}

/// Compiles C source text (tests and `-` input): registers it under `name`.
pub fn compile_source(
    name: &str,
    text: &str,
    opts: &FrontendOptions,
    sources: &mut SourceMap,
) -> Result<(ir::Module, Diagnostics), Diagnostics> {
    let file = sources.add(name.to_string(), text.to_string());
    compile_file(file, opts, sources)
}

/// The source ranges under `#pragma clang attribute push(...preserve_access_index...)`
/// up to the matching `pop` (a push without a pop runs to the end of its file).
fn core_regions(pragmas: &[Pragma], tokens: &[Token]) -> Vec<(FileId, u32, u32)> {
    let pos = |i: usize| tokens.get(i).map(|t| t.span);
    let mut stack: Vec<Option<usize>> = Vec::new();
    let mut out = Vec::new();
    for p in pragmas {
        let text: String = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.starts_with("clang attribute push") {
            stack.push(
                text.contains("preserve_access_index")
                    .then_some(p.before_token),
            );
        } else if text.starts_with("clang attribute pop")
            && let Some(Some(start)) = stack.pop()
            && let Some(s) = pos(start)
        {
            let end = pos(p.before_token)
                .filter(|e| e.file == s.file)
                .map(|e| e.start)
                .unwrap_or(u32::MAX);
            out.push((s.file, s.start, end));
        }
    }
    for start in stack.into_iter().flatten() {
        if let Some(s) = pos(start) {
            out.push((s.file, s.start, u32::MAX));
        }
    }
    out
}
