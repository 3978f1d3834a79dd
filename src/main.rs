//! The `ebpfc` command line: one subcommand per job (compile, asm, link, objdump), each
//! in its own module under `src/cli/`. Errors print rustc-style and exit 1.

mod cli;

use clap::Parser;

/// The command line's allocator: its first few MiB in order on huge pages, then dlmalloc
/// (see `src/allocator/`). The library leaves the choice to its users.
#[global_allocator]
static ALLOC: ebpfc::allocator::StartArena = ebpfc::allocator::StartArena;

/// A C-to-eBPF toolchain without LLVM.
#[derive(Parser)]
#[command(name = "ebpfc", version, about)]
struct Cli {
    #[command(subcommand)]
    command: cli::Command,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    cli::run(cli.command)
}
