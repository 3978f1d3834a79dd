//! The `ebpfc` command line: one subcommand per job (compile, asm, link, objdump), each
//! in its own module under `src/cli/`. Errors print rustc-style and exit 1.

mod cli;

use clap::Parser;

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
