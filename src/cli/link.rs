//! `ebpfc link A.o B.o ... -o OUT.o [--verbose]`: the static linker, like
//! `bpftool gen object OUT A B ...`. Reads objects and `ar` archives, links them with
//! `linker::link`, writes the result atomically (no output file on error) and prints
//! every error rustc-style, exiting 1.

use linker::link::{LinkOptions, link_files};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LinkArgs {
    /// Output object (`-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// List what was merged, resolved and deduplicated.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Input objects and archives, in link order.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

fn fail(diags: &[diag::Diagnostic], output: &std::path::Path) -> ExitCode {
    ebpfc::output::remove_stale(output);
    eprint!("{}", diag::render_all(&diag::SourceMap::new(), diags));
    ExitCode::from(1)
}

pub fn run(args: LinkArgs) -> ExitCode {
    let mut files = Vec::new();
    for p in &args.inputs {
        let name = p.display().to_string();
        match std::fs::read(p) {
            Ok(b) => files.push((name, b)),
            Err(e) => {
                let d = diag::Diagnostic::error(diag::codes::E_IO, format!("{name}: {e}"));
                return fail(&[d], &args.output);
            }
        }
    }
    let opts = LinkOptions {
        verbose: args.verbose,
    };
    let linked = match link_files(&files, &opts) {
        Ok(l) => l,
        Err(diags) => return fail(&diags, &args.output),
    };
    let bytes = linker::elf_write::write_object(&linked.object);
    if let Err(e) = ebpfc::output::write_atomic(&args.output, &bytes) {
        let d =
            diag::Diagnostic::error(diag::codes::E_IO, format!("{}: {e}", args.output.display()));
        return fail(&[d], &args.output);
    }
    if args.verbose {
        let mut text = linked.log.join("\n");
        text.push('\n');
        let _ = if args.output.as_os_str() == "-" {
            std::io::stderr().lock().write_all(text.as_bytes())
        } else {
            std::io::stdout().lock().write_all(text.as_bytes())
        };
    }
    ExitCode::SUCCESS
}
