//! The subcommands. Each lives in its own module and returns the process exit code.

mod asm;
mod compile;
mod link;
mod objdump;
mod process;

#[cfg(not(test))] // (the unit tests have no `main` to call it)
pub use process::ensure_standard_fds;

pub use compile::CompileArgs;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Compile restricted C to a BPF object; takes clang's flags (-c -S -E -o -O -g -I -D -target -mcpu).
    Compile(compile::CompileArgs),
    /// Assemble a .s file (LLVM or GNU syntax) into a BPF object, like llvm-mc.
    Asm(asm::AsmArgs),
    /// Link BPF objects and archives into one object (like `bpftool gen object`).
    Link(link::LinkArgs),
    /// List a BPF object like llvm-objdump (-d, -r, -s, -j, --mcpu).
    Objdump(objdump::ObjdumpArgs),
}

/// Runs one subcommand and ends the process (see [`process::exit_now`]).
pub fn run(command: Command) -> ! {
    let code = match command {
        Command::Compile(args) => compile::run(args),
        Command::Asm(args) => asm::run(args),
        Command::Link(args) => link::run(args),
        Command::Objdump(args) => objdump::run(args),
    };
    process::exit_now(code)
}
