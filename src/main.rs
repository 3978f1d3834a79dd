//! The `ebpfc` command line: one subcommand per job (compile, asm, link, objdump), each
//! in its own module under `src/cli/`. Errors print rustc-style and exit 1.

// (The unit tests keep the test harness's own entry point.)
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]

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

/// The C entry point, in place of the Rust runtime's (`#![no_main]`). The runtime's
/// start-up work suits long-lived programs: it reads `/proc/self/maps` (through glibc's
/// `pthread_getattr_np`) to place a guard for the main thread's stack, maps an alternate
/// signal stack with handlers that name the thread on a stack overflow, checks that
/// standard input, output and error are open and ignores SIGPIPE. A compile lasts about
/// a millisecond, and that work was a few percent of it. Without it, a stack overflow
/// still ends the process (by SIGSEGV, with no message), as a broken pipe does, as for
/// clang. `std::env::args` works as before: glibc passes the arguments to the runtime
/// through `.init_array`.
#[cfg(not(test))]
#[allow(unsafe_code)] // no_mangle: the C runtime calls `main` by name
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    let cli = Cli::parse();
    cli::run(cli.command)
}
