//! The subcommands. Each lives in its own module and returns the process exit code.

mod link;

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Link BPF objects and archives into one object (like `bpftool gen object`).
    Link(link::LinkArgs),
}

pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Link(args) => link::run(args),
    }
}
