//! `ebpfc asm IN.s -o OUT.o [--target bpfel|bpfeb] [-mcpu=v1..v4] [--dialect llvm|gnu]`:
//! the assembler, producing what `llvm-mc-19 -triple bpfel -mcpu=v4 -filetype=obj`
//! produces. `-` reads standard input. Errors print rustc-style, exit 1, and leave no
//! output file (written atomically through `ebpfc::output`).

use ::asm::AsmOptions;
use ::asm::isa::{CpuVersion, Dialect};
use linker::object::Endian;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct AsmArgs {
    /// Input assembly (`-` for standard input).
    input: PathBuf,
    /// Output object (`-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    output: PathBuf,
    /// Target: bpfel (default), bpfeb, or bpf (little-endian).
    #[arg(long = "target", alias = "triple", default_value = "bpfel")]
    target: String,
    /// CPU version: v1, v2, v3, v4 (default), generic, probe. `-mcpu=v3` works too.
    #[arg(short = 'm', long = "mcpu", default_value = "v4")]
    mcpu: String,
    /// Force one instruction syntax: llvm (pseudo-C) or gnu (mnemonics).
    #[arg(long = "dialect")]
    dialect: Option<String>,
}

fn usage(msg: String, output: &std::path::Path) -> ExitCode {
    ebpfc::output::remove_stale(output);
    let d = diag::Diagnostic::error(diag::codes::E_USAGE, msg);
    eprint!("{}", diag::render_all(&diag::SourceMap::new(), &[d]));
    ExitCode::from(1)
}

/// The byte order a target triple names (parsed with target-lexicon).
fn endian_of(target: &str) -> Option<Endian> {
    use target_lexicon::{Architecture, Triple};
    let arch = match target {
        "bpf" | "bpfel" => return Some(Endian::Little),
        "bpfeb" => return Some(Endian::Big),
        t => t.parse::<Triple>().ok()?.architecture,
    };
    match arch {
        Architecture::Bpfel => Some(Endian::Little),
        Architecture::Bpfeb => Some(Endian::Big),
        _ => None,
    }
}

pub fn run(args: AsmArgs) -> ExitCode {
    let Some(endian) = endian_of(&args.target) else {
        return usage(
            format!("unknown target `{}` (expected bpfel or bpfeb)", args.target),
            &args.output,
        );
    };
    let cpu_name = args.mcpu.strip_prefix("cpu=").unwrap_or(&args.mcpu);
    let Some(cpu) = CpuVersion::from_name(cpu_name) else {
        return usage(
            format!("unknown cpu `{cpu_name}` (expected v1, v2, v3 or v4)"),
            &args.output,
        );
    };
    let dialect = match args.dialect.as_deref() {
        None => None,
        Some("llvm") => Some(Dialect::Llvm),
        Some("gnu") => Some(Dialect::Gnu),
        Some(other) => {
            return usage(
                format!("unknown dialect `{other}` (expected llvm or gnu)"),
                &args.output,
            );
        }
    };
    let (name, text) = if args.input.as_os_str() == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            return usage(format!("<stdin>: {e}"), &args.output);
        }
        ("<stdin>".to_string(), s)
    } else {
        match std::fs::read(&args.input) {
            Ok(b) => (
                args.input.display().to_string(),
                // Valid UTF-8 (the usual case) is taken without a copy.
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            Err(e) => {
                ebpfc::output::remove_stale(&args.output);
                let d = diag::Diagnostic::error(
                    diag::codes::E_IO,
                    format!("{}: {e}", args.input.display()),
                );
                eprint!("{}", diag::render_all(&diag::SourceMap::new(), &[d]));
                return ExitCode::from(1);
            }
        }
    };
    let mut sources = diag::SourceMap::new();
    let opts = AsmOptions { endian, cpu };
    match ::asm::assemble_text_then_exit(&mut sources, &name, &text, dialect, &opts) {
        Ok(obj) => {
            let bytes = linker::elf_write::write_object(&obj);
            if let Err(e) = ebpfc::output::write_atomic(&args.output, &bytes) {
                ebpfc::output::remove_stale(&args.output);
                let d = diag::Diagnostic::error(
                    diag::codes::E_IO,
                    format!("{}: {e}", args.output.display()),
                );
                eprint!("{}", diag::render_all(&sources, &[d]));
                return ExitCode::from(1);
            }
            // The process ends now: leave the object, its bytes and the text to the exit
            // rather than free them piece by piece.
            std::mem::forget((obj, bytes, text));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            ebpfc::output::remove_stale(&args.output);
            eprint!("{}", diag::render_all(&sources, &diags));
            ExitCode::from(1)
        }
    }
}
