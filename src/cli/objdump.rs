//! `ebpfc objdump`: llvm-objdump-compatible listing of BPF objects (`-d`, `-r`, `-s`,
//! `-j/--section`, `--mcpu`). The text comes from `asm::objdump`; this module reads the
//! files, prints, and reports unreadable or malformed input rustc-style with exit 1.

use asm::isa::CpuVersion;
use asm::objdump::{Options, dump};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ObjdumpArgs {
    /// Disassemble executable sections.
    #[arg(short = 'd', long = "disassemble")]
    disassemble: bool,
    /// Show relocations (inline with -d).
    #[arg(short = 'r', long = "reloc")]
    relocs: bool,
    /// Dump section contents as hex and ASCII.
    #[arg(short = 's', long = "full-contents")]
    contents: bool,
    /// Only this section (repeatable).
    #[arg(short = 'j', long = "section", value_name = "NAME")]
    sections: Vec<String>,
    /// Target cpu: v1, v2, v3, v4 (v3+ prints 32-bit sub-registers in loads and stores).
    #[arg(long = "mcpu", value_name = "CPU", default_value = "v1")]
    mcpu: String,
    /// Object files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn error(code: diag::Code, message: String) -> ExitCode {
    let d = diag::Diagnostic::error(code, message);
    eprint!("{}", diag::render(&diag::SourceMap::new(), &d));
    ExitCode::from(1)
}

pub fn run(args: ObjdumpArgs) -> ExitCode {
    let Some(cpu) = CpuVersion::from_name(&args.mcpu) else {
        return error(
            diag::codes::E_USAGE,
            format!(
                "unknown --mcpu `{}` (expected v1, v2, v3, v4 or generic)",
                args.mcpu
            ),
        );
    };
    let opts = Options {
        disassemble: args.disassemble,
        relocs: args.relocs,
        contents: args.contents,
        sections: args.sections.clone(),
        cpu,
    };
    let mut seen: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut warnings: Vec<String> = Vec::new();
    for file in &args.files {
        let name = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => return error(diag::codes::E_IO, format!("{name}: {e}")),
        };
        match dump(&bytes, &name, &opts) {
            Ok(d) => {
                text.push_str(&d.text);
                seen.extend(d.section_names);
                warnings.extend(d.warnings);
            }
            Err(d) => {
                eprint!("{}", diag::render(&diag::SourceMap::new(), &d));
                return ExitCode::from(1);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    for w in &warnings {
        eprintln!("ebpfc: warning: {w}");
    }
    for s in &args.sections {
        if !seen.contains(s) {
            eprintln!(
                "ebpfc: warning: section '{s}' mentioned in a -j/--section option, but not found in any input file"
            );
        }
    }
    ExitCode::SUCCESS
}
