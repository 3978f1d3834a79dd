//! The `ebpfc` command line: one subcommand per job (compile, asm, link, objdump), each
//! in its own module under `src/cli/`. Errors print rustc-style and exit 1.

mod cli;

use clap::Parser;

/// mimalloc for the command line: a compile makes and frees many small objects (tokens,
/// AST and IR nodes), and glibc's malloc/free took about a quarter of the instructions
/// of a small compile (callgrind). The library leaves the choice to its users.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
