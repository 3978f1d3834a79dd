//! `bench-objdump [N]`: builds an N-instruction object (default 1,000,000; every
//! instruction form of the opcode table, branches with targets, relocations, several
//! functions) with our assembler, then times `ebpfc objdump -d -r --mcpu=v4` (the release
//! binary next to this one, if built) and `llvm-objdump-19` with the same flags, and the
//! library in-process; prints the times, the ratio, and whether the listings agree.

/// The in-process rows run with mimalloc, a fast general allocator, as an embedder would
/// pick one (glibc's malloc and free took about a fifth of a library compile). The
/// command line's own allocator hands out its first 2 MiB once per process, so it
/// cannot serve repeated runs in one; behind that, its dlmalloc made these rows about
/// a quarter slower than mimalloc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

/// LLVM-syntax assembly: functions of 1000 instructions cycling through every sample of
/// the opcode table (pc-relative jumps aimed inside the function), plus a map reloc.
fn generate(n: usize) -> String {
    let samples: Vec<asm::isa::Insn> = asm::isa::samples::all_samples()
        .into_iter()
        .filter(|i| !i.is_jump_off() && !i.is_gotol() && i.code != 0x85)
        .collect();
    let mut s = String::with_capacity(n * 32);
    s.push_str("\t.text\n");
    let per_fn = 1000;
    let mut emitted = 0;
    let mut f = 0;
    while emitted < n {
        let _ = write!(s, "\t.globl\tf{f}\n\t.type\tf{f},@function\nf{f}:\n");
        for k in 0..per_fn {
            if emitted >= n {
                break;
            }
            let line = match k % 50 {
                0 => format!("if r{} > {} goto +{}", k % 10, k, (per_fn - k).min(20)),
                10 => "r1 = counts ll".to_string(),
                20 => "call 1".to_string(),
                30 => format!("if w2 s< w3 goto -{}", k.min(20)),
                _ => asm::isa::print_llvm(&samples[(emitted * 7) % samples.len()], None),
            };
            let _ = writeln!(s, "\t{line}");
            emitted += if line.ends_with(" ll") { 2 } else { 1 };
        }
        s.push_str("\texit\n");
        f += 1;
    }
    s.push_str("\t.data\n\t.globl\tcounts\ncounts:\n\t.quad\t0\n");
    s
}

fn best_of(runs: usize, mut f: impl FnMut() -> Option<Duration>) -> Option<Duration> {
    (0..runs).filter_map(|_| f()).min()
}

fn run(cmd: &mut Command) -> Option<(Duration, Vec<u8>)> {
    let t = Instant::now();
    let out = cmd.output().ok()?;
    let d = t.elapsed();
    if !out.status.success() {
        eprintln!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some((d, out.stdout))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let text = generate(n);
    let mut sources = diag::SourceMap::new();
    let obj = match asm::assemble_text(
        &mut sources,
        "bench.s",
        &text,
        None,
        &asm::AsmOptions::default(),
    ) {
        Ok(o) => o,
        Err(d) => {
            eprint!("{}", diag::render_all(&sources, &d));
            std::process::exit(1);
        }
    };
    let bytes = linker::elf_write::write_object(&obj);
    let path = dir.path().join("bench.o");
    std::fs::write(&path, &bytes).expect("write object");
    println!(
        "bench-objdump: {n} instructions, {} bytes of object",
        bytes.len()
    );
    let flags = ["-d", "-r", "--mcpu=v4"];

    let opts = asm::objdump::Options {
        disassemble: true,
        relocs: true,
        cpu: asm::isa::CpuVersion::V4,
        ..Default::default()
    };
    let name = path.display().to_string();
    let mut lib_text = String::new();
    let lib = best_of(3, || {
        let t = Instant::now();
        let d = asm::objdump::dump(&bytes, &name, &opts).ok()?;
        let e = t.elapsed();
        lib_text = d.text;
        Some(e)
    });

    let installed = testsuite::bench_cli::installed_cli();
    let ebpfc = installed.as_ref().map(|c| c.path().to_path_buf());
    let mut ours_out = Vec::new();
    let ours = ebpfc.as_ref().and_then(|e| {
        best_of(3, || {
            let (d, out) = run(Command::new(e).arg("objdump").args(flags).arg(&path))?;
            ours_out = out;
            Some(d)
        })
    });
    let mut ref_out = Vec::new();
    let llvm = testsuite::tools::find("llvm-objdump-19").and_then(|tool| {
        best_of(3, || {
            let (d, out) = run(Command::new(&tool).args(flags).arg(&path))?;
            ref_out = out;
            Some(d)
        })
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    match lib {
        Some(d) => println!("ebpfc objdump (library, in-process): {:9.1} ms", ms(d)),
        None => println!("ebpfc objdump (library): failed"),
    }
    match ours {
        Some(d) => println!("ebpfc objdump -d -r --mcpu=v4 (CLI):  {:9.1} ms", ms(d)),
        None => println!("ebpfc objdump (CLI): not timed (build it with `cargo build --release`)"),
    }
    match llvm {
        Some(d) => println!("llvm-objdump-19 -d -r --mcpu=v4:      {:9.1} ms", ms(d)),
        None => println!("llvm-objdump-19: not found, no reference time"),
    }
    if let (Some(r), Some(o)) = (llvm, ours.or(lib)) {
        println!(
            "ratio llvm-objdump / ebpfc: {:.2}x",
            r.as_secs_f64() / o.as_secs_f64()
        );
    }
    if !ref_out.is_empty() {
        let same = lib_text.as_bytes() == ref_out.as_slice();
        println!("listings {}", if same { "identical" } else { "DIFFER" });
    }
}
