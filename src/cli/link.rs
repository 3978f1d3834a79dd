//! `ebpfc link A.o B.o ... -o OUT.o [--verbose]`: the static linker, like
//! `bpftool gen object OUT A B ...`. Reads objects and `ar` archives (on the linker's
//! threads, each through one buffer), links them with `linker::link_stream`, writes the
//! result atomically (no output file on error) and prints every error rustc-style,
//! exiting 1.

use linker::link::{LinkOptions, link_stream};
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
    ebpfc::allocator::narrow_for_link();
    super::process::one_malloc_heap();
    // The files are read on the linker's threads (this one included), a few ahead of
    // the merge, without their DWARF (`LinkReader`).
    thread_local! {
        static MOVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    // A helper thread, on its first input, moves off this thread's CPU (see
    // `keep_off_cpu`).
    let (this_thread, this_cpu) = (std::thread::current().id(), super::process::current_cpu());
    let reader = linker::elf_sparse::LinkReader::default();
    let read = move |p: &PathBuf| {
        if let Some(cpu) = this_cpu
            && std::thread::current().id() != this_thread
            && !MOVED.replace(true)
        {
            super::process::keep_off_cpu(cpu);
        }
        reader.read(p)
    };
    let opts = LinkOptions {
        verbose: args.verbose,
    };
    let linked = match link_stream(args.inputs.iter(), read, &opts) {
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
    // The process ends here: leave the inputs and the linked object to the OS instead of
    // freeing them piece by piece (tens of thousands of allocations for a big link).
    std::mem::forget(linked);
    ExitCode::SUCCESS
}
