//! The frontend's public entry: C source file → IR module.
//!
//! The pipeline is a straight list of phases — preprocess, parse, check, lower — and the
//! driver stops between phases when one reported errors (later phases assume a clean
//! input). Warnings of a successful run are returned next to the module.
//!
//! Invariant: user input never panics here; a missing file is an E0001 diagnostic.

use std::path::Path;

use crate::preprocess::{PpOptions, preprocess};
use crate::{lower, parse, sema};
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, codes};

/// Options of the C frontend (the preprocessor's, for now: include paths, -D/-U, cpu).
#[derive(Clone, Debug, Default)]
pub struct FrontendOptions {
    pub pp: PpOptions,
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
    let mut all = Diagnostics::new();
    let (tokens, d) = preprocess(file, &opts.pp, sources);
    all.extend(d);
    if all.has_errors() {
        return Err(all);
    }
    let (tu, d) = parse::parse(&tokens, sources);
    all.extend(d);
    if all.has_errors() {
        return Err(all);
    }
    let (prog, d) = sema::check(&tu);
    all.extend(d);
    if all.has_errors() {
        return Err(all);
    }
    let module = lower::lower_program(&prog, sources);
    Ok((module, all))
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
