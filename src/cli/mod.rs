//! The subcommands. Each lives in its own module and returns the process exit code.

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {}

pub fn run(command: Command) -> ExitCode {
    match command {}
}
