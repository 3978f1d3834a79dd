//! `bench-asm [N]`: generates an N-instruction (default 1,000,000) LLVM-syntax `.s`
//! (functions with labels, branches, calls, loads/stores, ld_imm64 of symbols, data
//! and BTF-like `.long` tables), then times `ebpfc asm` (the release binary next to
//! this one, if built: `cargo build --release`) and `llvm-mc-19 -filetype=obj` on it,
//! and the assembler library in-process; prints the times and the ratio.
//! `BENCH_ASM_KEEP=FILE` saves the generated text too.

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

fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 24);
    s.push_str("\t.text\n");
    let per_fn = 1000;
    let funcs = n.div_ceil(per_fn);
    let mut emitted = 0;
    for f in 0..funcs {
        let _ = write!(
            s,
            "\t.globl\tf{f}\n\t.p2align\t3\n\t.type\tf{f},@function\nf{f}:\n"
        );
        let mut k = 0;
        while k < per_fn && emitted < n {
            let r = k % 9 + 1;
            match k % 10 {
                0 => {
                    let _ = writeln!(s, "\tr{r} = *(u64 *)(r10 - {})", 8 * (k % 60 + 1));
                }
                1 => {
                    let _ = writeln!(s, "\tr{r} += {}", k as i32 - 500);
                }
                2 => {
                    let _ = writeln!(
                        s,
                        "\tif r{r} > {} goto LBB{f}_{}",
                        k % 100,
                        (k / 10 + 1) * 10
                    );
                }
                3 => {
                    let _ = writeln!(s, "\t*(u32 *)(r10 - {}) = w{r}", 4 * (k % 100 + 1));
                }
                4 => {
                    let _ = writeln!(s, "\tw{r} = w{} ", (r % 9) + 1);
                }
                5 => {
                    let _ = writeln!(s, "\tr{r} = table+{} ll", 8 * (k % 16));
                    emitted += 1; // ld_imm64 takes two slots; count it as two
                }
                6 => {
                    let _ = writeln!(
                        s,
                        "\tcall {}",
                        if f > 0 {
                            format!("f{}", f - 1)
                        } else {
                            "1".into()
                        }
                    );
                }
                7 => {
                    let _ = writeln!(s, "\tr{r} <<= {}", k % 63);
                }
                8 => {
                    let _ = writeln!(s, "\tlock *(u64 *)(r{r} + 8) += r{}", (r % 9) + 1);
                }
                _ => {
                    let _ = writeln!(s, "LBB{f}_{}:\n\tr0 = {}", k + 1, k);
                }
            }
            k += 1;
            emitted += 1;
        }
        let _ = write!(
            s,
            "LBB{f}_{}:\n\texit\n.Lfunc_end{f}:\n\t.size\tf{f}, .Lfunc_end{f}-f{f}\n",
            (k / 10 + 1) * 10
        );
    }
    s.push_str(
        "\t.data\n\t.globl\ttable\n\t.p2align\t3\ntable:\n\t.zero\t128\n\t.size\ttable, 128\n",
    );
    s
}

fn time_cmd(mut cmd: Command) -> Option<Duration> {
    let t = Instant::now();
    let out = cmd.output().ok()?;
    let d = t.elapsed();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(d)
}

fn best_of(runs: usize, mut f: impl FnMut() -> Option<Duration>) -> Option<Duration> {
    (0..runs).filter_map(|_| f()).min()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("bench.s");
    let text = generate(n);
    std::fs::write(&src, &text).expect("write");
    // `BENCH_ASM_KEEP=FILE` also saves the generated text (for profiling the CLI).
    if let Some(keep) = std::env::var_os("BENCH_ASM_KEEP") {
        std::fs::write(keep, &text).expect("write BENCH_ASM_KEEP");
    }
    println!(
        "bench-asm: {} instructions, {} bytes of assembly",
        n,
        text.len()
    );

    // In-process, by phase: text → Module (includes the isa instruction parser),
    // Module → Object, Object → ELF bytes.
    let mut phases = [Duration::MAX; 3];
    let lib = best_of(3, || {
        let t = Instant::now();
        let (module, diags) = asm::text::parse(&text, diag::FileId(0), None);
        let t1 = Instant::now();
        if !diags.is_empty() {
            return None;
        }
        let obj = asm::assemble(&module, diag::FileId(0), &asm::AsmOptions::default()).ok()?;
        let t2 = Instant::now();
        let bytes = linker::elf_write::write_object(&obj);
        let t3 = Instant::now();
        std::hint::black_box(bytes);
        for (p, d) in phases.iter_mut().zip([t1 - t, t2 - t1, t3 - t2]) {
            *p = (*p).min(d);
        }
        Some(t3 - t)
    });

    let installed = testsuite::bench_cli::installed_cli();
    let ebpfc = installed.as_ref().map(|c| c.path().to_path_buf());
    let ours = ebpfc.as_ref().and_then(|e| {
        best_of(3, || {
            let mut c = Command::new(e);
            c.arg("asm")
                .arg(&src)
                .arg("-o")
                .arg(dir.path().join("ours.o"));
            time_cmd(c)
        })
    });
    let llvm = testsuite::tools::find("llvm-mc-19").and_then(|mc| {
        best_of(3, || {
            let mut c = Command::new(&mc);
            c.args(["-triple", "bpfel", "-mcpu=v4", "-filetype=obj"])
                .arg(&src)
                .arg("-o")
                .arg(dir.path().join("ref.o"));
            time_cmd(c)
        })
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    match lib {
        Some(d) => println!(
            "ebpfc asm (library, in-process): {:9.1} ms  (parse {:.1}, assemble {:.1}, write {:.1})",
            ms(d),
            ms(phases[0]),
            ms(phases[1]),
            ms(phases[2])
        ),
        None => println!("ebpfc asm (library): failed"),
    }
    match ours {
        Some(d) => println!(
            "ebpfc asm (CLI {}): {:9.1} ms",
            ebpfc
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            ms(d)
        ),
        None => println!(
            "ebpfc asm (CLI): not timed (build it with `cargo build --release` next to bench-asm)"
        ),
    }
    match llvm {
        Some(d) => println!("llvm-mc-19 -filetype=obj:        {:9.1} ms", ms(d)),
        None => println!("llvm-mc-19: not found, no reference time"),
    }
    if let (Some(r), Some(o)) = (llvm, ours.or(lib)) {
        println!(
            "ratio llvm-mc / ebpfc: {:.1}x",
            r.as_secs_f64() / o.as_secs_f64()
        );
    }
    if let (Ok(a), Ok(b)) = (
        std::fs::read(dir.path().join("ours.o")),
        std::fs::read(dir.path().join("ref.o")),
    ) {
        println!(
            "objects {}",
            if a == b { "byte-identical" } else { "DIFFER" }
        );
    }
}
