//! The `ebpfc` command line: one subcommand per job (compile, asm, link, objdump), each
//! in its own module under `src/cli/`. Errors print rustc-style and exit 1.

// (The unit tests keep the test harness's own entry point.)
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]

mod cli;

use clap::Parser;

/// The command line's allocator: its first 2 MiB in order on a huge page, then dlmalloc
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
/// signal stack with handlers that name the thread on a stack overflow, and ignores
/// SIGPIPE. A compile lasts about a millisecond, and that work was a few percent of it.
/// Without it, a stack overflow still ends the process (by SIGSEGV, with no message), as
/// a broken pipe does, as for clang. Its check that standard input, output and error are
/// open is kept (`ensure_standard_fds`). The arguments are read from `argv` (musl,
/// unlike glibc, does not hand them to the runtime when it does not start the program).
#[cfg(not(test))]
#[allow(unsafe_code)] // no_mangle: the C runtime calls `main` by name; argv is read raw
#[unsafe(no_mangle)]
extern "C" fn main(argc: std::ffi::c_int, argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    use std::os::unix::ffi::OsStrExt;
    cli::ensure_standard_fds();
    let count = usize::try_from(argc).unwrap_or(0);
    let args: Vec<_> = (0..count)
        .map(|i| {
            // SAFETY: the C runtime passes `argc` pointers to NUL-terminated strings that
            // live as long as the process.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect();
    if let Some(compile) = cli::CompileArgs::direct(&args) {
        cli::run(cli::Command::Compile(compile))
    }
    let cli = Cli::parse_from(args);
    cli::run(cli.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CompileArgs::direct` gives what clap gives, or leaves the command line to clap.
    #[test]
    fn direct_compile_arguments_are_clap_s() {
        use std::os::unix::ffi::OsStringExt;
        let lines: &[&[&str]] = &[
            &[
                "compile", "-O2", "-g", "-target", "bpf", "-c", "x.c", "-o", "x.o",
            ],
            &["compile", "x.c"],
            &["compile", "-"],
            &["compile", "-hx"],
            &["compile", "--hel"],
            &["compile", "-O2", "--help"],
            &["compile", "-O2", "-h", "--", "-V"],
            &["compile", "-V"],
            &["compile", "--version"],
            &["compile", "-h"],
            &["compile", "--help"],
            &["compile", "--help=x"],
            &["compile", "--", "-O2", "x.c"],
            &["compile"],
            &["link", "-o", "x.o", "a.o"],
            &["compiler", "x.c"],
        ];
        let clap_args = |argv: &[std::ffi::OsString]| match Cli::try_parse_from(argv) {
            Ok(Cli {
                command: cli::Command::Compile(c),
            }) => Some(c.args().to_vec()),
            _ => None,
        };
        let mut direct_taken = 0;
        for line in lines {
            let argv: Vec<std::ffi::OsString> = std::iter::once("ebpfc")
                .chain(line.iter().copied())
                .map(Into::into)
                .collect();
            if let Some(direct) = cli::CompileArgs::direct(&argv) {
                direct_taken += 1;
                assert_eq!(Some(direct.args().to_vec()), clap_args(&argv), "{line:?}");
            }
        }
        assert_eq!(direct_taken, 9, "the lines that need no clap");
        // Not UTF-8: clap's error, not ours.
        let argv = vec![
            "ebpfc".into(),
            "compile".into(),
            std::ffi::OsString::from_vec(vec![0xff]),
        ];
        assert!(cli::CompileArgs::direct(&argv).is_none());
    }
}
