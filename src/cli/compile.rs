//! `ebpfc compile [clang flags] FILE.c`: the C compiler, taking clang's flags (parsed by
//! `ebpfc::clang_args`) so a Makefile can swap `clang` for `ebpfc compile`. Output goes
//! where clang puts it: `-o`, else `FILE.o` for `-c`, `FILE.s` for `-S`, standard output
//! for `-E` and `--emit=ir`. Errors print rustc-style, exit 1, and leave no output file.
//! `-M`/`-MM` write a make rule instead of compiling; `-MD`/`-MMD` write one next to the
//! output (`ebpfc::deps`).

use ebpfc::clang_args::{self, Emit};
use ebpfc::compile::{self, CompileOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(disable_help_flag = false)]
pub struct CompileArgs {
    /// clang's flags and the input file (`-` reads standard input), e.g.
    /// `-O2 -g -target bpf -mcpu=v3 -c prog.bpf.c -o prog.o`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<String>,
}

impl CompileArgs {
    /// The arguments clap would give `ebpfc compile` for `argv` (the whole command line,
    /// program name first), read without building clap's command tree for every
    /// subcommand (a compile of xdp_counter: 3.955M -> 3.928M instructions, 84 -> 82 page
    /// faults); None leaves it to clap: another subcommand, no argument after
    /// `compile`, a first one that clap reads itself (`-h`, `--help`, `--help=…`, and
    /// `--`, which it drops), or one that is not UTF-8 (clap's error). After the first
    /// argument, clap takes every argument as it is (`trailing_var_arg`), and so does
    /// this. `main`'s tests check it against clap.
    pub fn direct(argv: &[std::ffi::OsString]) -> Option<CompileArgs> {
        let [_, sub, first, ..] = argv else {
            return None;
        };
        let first = first.to_str()?;
        if sub != "compile" || first == "-h" || first == "--" || first.starts_with("--help") {
            return None;
        }
        let args = argv[2..]
            .iter()
            .map(|a| a.to_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        Some(CompileArgs { args })
    }

    /// The arguments, for comparing with clap's in tests.
    #[cfg(test)]
    pub fn args(&self) -> &[String] {
        &self.args
    }
}

/// Where clang writes the output when there is no `-o`: in the working directory, the
/// input's file name with its last extension replaced (`src/prog.bpf.c` → `prog.bpf.o`;
/// standard input `-` → `-.o`).
fn default_output(input: &Path, emit: Emit) -> PathBuf {
    let named = |ext: &str| {
        let mut name = if input.as_os_str() == "-" {
            std::ffi::OsString::from("-")
        } else {
            input.file_stem().unwrap_or_default().to_os_string()
        };
        name.push(ext);
        PathBuf::from(name)
    };
    match emit {
        Emit::Preprocessed | Emit::Ir => PathBuf::from("-"),
        Emit::Asm => named(".s"),
        Emit::Object => named(".o"),
    }
}

fn fail(sources: &diag::SourceMap, diags: &[diag::Diagnostic], output: Option<&Path>) -> ExitCode {
    if let Some(o) = output {
        ebpfc::output::remove_stale(o);
    }
    eprint!("{}", diag::render_all(sources, diags));
    ExitCode::from(1)
}

pub fn run(args: CompileArgs) -> ExitCode {
    let sources = diag::SourceMap::new();
    let parsed = match clang_args::parse(&args.args) {
        Ok(p) => p,
        Err(msg) => {
            let d = diag::Diagnostic::error(diag::codes::E_USAGE, msg);
            return fail(&sources, &[d], None);
        }
    };
    let output = parsed
        .output
        .clone()
        .unwrap_or_else(|| default_output(&parsed.input, parsed.emit));
    let opts = CompileOptions {
        // This process exits after the compile: leave the trees to the exit (clang).
        disable_free: true,
        ..CompileOptions::from_args(&parsed)
    };
    let mut sources = sources;
    let stdin = parsed.input.as_os_str() == "-";
    let text = if stdin {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            let d = diag::Diagnostic::error(diag::codes::E_IO, format!("<stdin>: {e}"));
            return fail(&sources, &[d], Some(&output));
        }
        Some(text)
    } else {
        None
    };
    if let Some(deps) = parsed.deps.as_ref().filter(|d| d.only) {
        // -M/-MM: the rule goes to -MF, else -o, else standard output.
        let dest = deps
            .file
            .clone()
            .or_else(|| parsed.output.clone())
            .unwrap_or_else(|| PathBuf::from("-"));
        let target = default_output(&parsed.input, Emit::Object);
        return match files_to_list(&parsed, text.as_deref(), &opts) {
            Ok(files) => write_deps(deps, files, &target, &dest),
            Err(code) => code,
        };
    }
    let result = match &text {
        Some(text) => compile::compile_source(&mut sources, "<stdin>", text, parsed.emit, &opts),
        None => compile::compile(&mut sources, &parsed.input, parsed.emit, &opts),
    };
    match result {
        Ok(done) => {
            if !done.warnings.is_empty() {
                eprint!("{}", diag::render_all(&sources, &done.warnings.items));
            }
            if let Err(e) = ebpfc::output::write_atomic(&output, done.output.bytes()) {
                let d = diag::Diagnostic::error(
                    diag::codes::E_IO,
                    format!("{}: {e}", output.display()),
                );
                return fail(&sources, &[d], Some(&output));
            }
            if let Some(deps) = &parsed.deps {
                // -MD/-MMD: next to the output (`x.o` → `x.d`), or as -MF says.
                let dest = deps.file.clone().unwrap_or_else(|| {
                    let base = if output.as_os_str() == "-" {
                        default_output(&parsed.input, Emit::Object)
                    } else {
                        output.clone()
                    };
                    base.with_extension("d")
                });
                return write_deps(deps, done.dependencies, &output, &dest);
            }
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&sources, &diags.items, Some(&output)),
    }
}

/// The files `-M`/`-MM` list, found by preprocessing the input (standard input's text
/// when given) without compiling it; on failure, the exit code after the diagnostics.
fn files_to_list(
    parsed: &clang_args::CompileArgs,
    stdin_text: Option<&str>,
    opts: &CompileOptions,
) -> Result<Vec<(String, bool)>, ExitCode> {
    let mut sources = diag::SourceMap::new();
    let (name, text) = match stdin_text {
        Some(t) => ("<stdin>".to_string(), t.to_string()),
        None => match std::fs::read(&parsed.input) {
            Ok(b) => (
                parsed.input.display().to_string(),
                String::from_utf8_lossy(&b).into_owned(),
            ),
            Err(e) => {
                let d = diag::Diagnostic::error(
                    diag::codes::E_IO,
                    format!("cannot read '{}': {e}", parsed.input.display()),
                );
                return Err(fail(&sources, &[d], None));
            }
        },
    };
    ebpfc::deps::dependencies(&mut sources, &name, &text, opts)
        .map_err(|d| fail(&sources, &d.items, None))
}

/// Writes the make rule of `-M…` for `files` (with their system flags) to `dest`
/// (`-` is standard output); the target is `-MT`/`-MQ`, else `target`.
fn write_deps(
    deps: &clang_args::DepsArgs,
    files: Vec<(String, bool)>,
    target: &Path,
    dest: &Path,
) -> ExitCode {
    let files: Vec<String> = files
        .into_iter()
        .filter(|(_, system)| deps.system || !system)
        .map(|(f, _)| f)
        .collect();
    let targets = if deps.targets.is_empty() {
        vec![ebpfc::deps::escape(&target.display().to_string())]
    } else {
        deps.targets.clone()
    };
    let rule = ebpfc::deps::make_rule(&targets, &files, deps.phony);
    if let Err(e) = ebpfc::output::write_atomic(dest, rule.as_bytes()) {
        let d = diag::Diagnostic::error(diag::codes::E_IO, format!("{}: {e}", dest.display()));
        return fail(&diag::SourceMap::new(), &[d], Some(dest));
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_outputs_keep_inner_dots() {
        let o = |i: &str, e| default_output(Path::new(i), e);
        assert_eq!(
            o("src/prog.bpf.c", Emit::Object),
            PathBuf::from("prog.bpf.o")
        );
        assert_eq!(o("x.c", Emit::Asm), PathBuf::from("x.s"));
        assert_eq!(o("noext", Emit::Object), PathBuf::from("noext.o"));
        assert_eq!(o("-", Emit::Object), PathBuf::from("-.o"));
        assert_eq!(o("x.c", Emit::Preprocessed), PathBuf::from("-"));
        assert_eq!(o("x.c", Emit::Ir), PathBuf::from("-"));
    }
}
