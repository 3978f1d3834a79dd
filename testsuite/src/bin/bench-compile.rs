//! `bench-compile [-n RUNS] [--lib-only] [--vmlinux] [-I DIR]... [FILE.c...]`: ebpfc's compile time next to
//! clang-19's on the same C files, and the instruction counts of both objects.
//!
//! Per file: ebpfc as a library in-process (best of RUNS and mean, plus the best time of
//! each stage: frontend (and `-E` alone), optimize, codegen, assemble, write), the `ebpfc compile` CLI
//! process (the release binary next to this one: `cargo build --release -p ebpfc`), and
//! `clang-19 -O2 -g -target bpf -c` (best of RUNS). All use `-O2 -g`, `-mcpu=` from a
//! `// @cpu: vN` line of the file (else v3), and `-I` the file's own folder. Instruction
//! counts add up the executable sections of each object (`.text` and program sections;
//! `ld_imm64` counts once). Totals: sums of the best times, geometric means of the
//! per-file ratios, and the total instruction ratio.
//!
//! Default files: `examples/*.bpf.c` and `testsuite/programs/c/*.bpf.c` of this tree.
//! `--vmlinux` adds a row for a CO-RE program including a `vmlinux.h` that bpftool dumps
//! from the running kernel into a temporary folder (134k lines: the big-header case), or
//! prints why it cannot (no bpftool, kernel BTF or libbpf headers).
//! Goals (issue 3): CLI ≥ 30× faster than clang; instructions ≤ 1.10× clang's.

/// The in-process rows run with mimalloc, a fast general allocator, as an embedder would
/// pick one (glibc's malloc and free took about a fifth of a library compile). The
/// command line's own allocator hands out its first 2 MiB once per process, so it
/// cannot serve repeated runs in one; behind that, its dlmalloc made these rows about
/// a quarter slower than mimalloc.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ebpfc::clang_args::Emit;
use ebpfc::compile::{CompileOptions, StageTimes};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Args {
    runs: usize,
    /// `--lib-only`: time only the in-process library (for profiling with perf).
    lib_only: bool,
    /// `--vmlinux`: add the generated vmlinux.h CO-RE program.
    vmlinux: bool,
    include_dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        runs: 10,
        lib_only: false,
        vmlinux: false,
        include_dirs: Vec::new(),
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-n" => {
                a.runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("-n needs a positive number")?
            }
            "-I" => a
                .include_dirs
                .push(it.next().ok_or("-I needs a folder")?.into()),
            "--lib-only" => a.lib_only = true,
            "--vmlinux" => a.vmlinux = true,
            "-h" | "--help" => {
                return Err(
                    "usage: bench-compile [-n RUNS] [--lib-only] [--vmlinux] [-I DIR]... [FILE.c...]"
                        .into(),
                );
            }
            _ if arg.starts_with("-I") => a.include_dirs.push(arg[2..].into()),
            _ => a.files.push(arg.into()),
        }
    }
    if a.files.is_empty() && !a.vmlinux {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for dir in ["examples", "testsuite/programs/c"] {
            let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            let mut found: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
                .collect();
            found.sort();
            a.files.extend(found);
        }
    }
    if a.files.is_empty() && !a.vmlinux {
        return Err("no input files".into());
    }
    Ok(a)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Instructions in the executable sections of an object (`ld_imm64` once).
fn insn_count(obj: &[u8]) -> Option<usize> {
    let o = linker::elf_read::read_object(obj, "x.o").ok()?;
    let mut n = 0;
    for s in o.sections.values().filter(|s| s.is_exec()) {
        let mut i = 0;
        while i + 8 <= s.data.len() {
            i += if s.data[i] == 0x18 { 16 } else { 8 };
            n += 1;
        }
    }
    Some(n)
}

/// Best and mean wall time of `runs` runs of `f` (None if any run fails).
fn time_runs(runs: usize, mut f: impl FnMut() -> bool) -> Option<(Duration, Duration)> {
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        let t = Instant::now();
        if !f() {
            return None;
        }
        let d = t.elapsed();
        best = best.min(d);
        total += d;
    }
    Some((best, total / runs as u32))
}

/// Runs `cmd` as a Makefile would: standard error inherited (a failure shows its
/// messages), standard output discarded; no pipes to drain.
fn run_ok(cmd: &mut Command) -> bool {
    match cmd.stdout(std::process::Stdio::null()).status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("{e}");
            false
        }
    }
}

struct Row {
    name: String,
    lib: Option<(Duration, Duration)>,
    stages: StageTimes,
    /// Best time of `-E` (preprocess and print) in-process.
    pp: Option<Duration>,
    cli: Option<Duration>,
    clang: Option<Duration>,
    ours_insns: Option<usize>,
    clang_insns: Option<usize>,
}

fn geomean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

fn main() {
    let mut args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench-compile: {e}");
            std::process::exit(2);
        }
    };
    let tmp = tempfile::tempdir().expect("a temporary folder");
    if args.vmlinux {
        match testsuite::vmlinux::write_core_program(tmp.path()) {
            Ok(p) => args.files.push(p),
            Err(why) => println!("SKIP vmlinux row: {why}"),
        }
        if args.files.is_empty() {
            return;
        }
    }
    let installed = testsuite::bench_cli::installed_cli().filter(|_| !args.lib_only);
    let cli = installed.as_ref().map(|c| c.path().to_path_buf());
    let clang = testsuite::tools::find("clang-19").filter(|_| !args.lib_only);
    if cli.is_none() {
        println!("(no ebpfc binary next to bench-compile: `cargo build --release -p ebpfc`)");
    }
    if clang.is_none() {
        println!("(clang-19 not found: no reference times or counts)");
    }
    let mut rows = Vec::new();
    for file in &args.files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut incs = args.include_dirs.clone();
        if let Some(dir) = file.parent() {
            incs.push(if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            });
        }
        // A `// @cpu: vN` line (the differential tests' convention) picks -mcpu.
        let cpu = std::fs::read_to_string(file)
            .map(|t| testsuite::kload::cpu_from_source(&t))
            .unwrap_or(3);
        let opts = CompileOptions {
            cpu,
            debug_info: true,
            include_dirs: incs.clone(),
            ..CompileOptions::default()
        };
        // In-process library, with the best time of each stage.
        let mut stages = StageTimes::default();
        let mut best_stage = |t: &StageTimes| {
            let pick = |a: &mut Duration, b: Duration| {
                if *a == Duration::ZERO || b < *a {
                    *a = b
                }
            };
            pick(&mut stages.frontend, t.frontend);
            pick(&mut stages.optimize, t.optimize);
            pick(&mut stages.codegen, t.codegen);
            pick(&mut stages.assemble, t.assemble);
            pick(&mut stages.write, t.write);
        };
        let mut ours_obj = Vec::new();
        let lib = time_runs(args.runs, || {
            let mut sources = diag::SourceMap::new();
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    return false;
                }
            };
            let id = sources.add(file.display().to_string(), text);
            let mut t = StageTimes::default();
            match ebpfc::compile::compile_file_timed(&mut sources, id, Emit::Object, &opts, &mut t)
            {
                Ok(c) => {
                    best_stage(&t);
                    ours_obj = c.output.bytes().to_vec();
                    true
                }
                Err(d) => {
                    eprint!("{}", diag::render_all(&sources, &d.items));
                    false
                }
            }
        });
        // The preprocessor alone (`-E`: preprocess and print), to split the frontend.
        let pp = time_runs(args.runs, || {
            let mut sources = diag::SourceMap::new();
            ebpfc::compile::compile(&mut sources, file, Emit::Preprocessed, &opts).is_ok()
        })
        .map(|(best, _)| best);
        let inc_flags: Vec<String> = incs.iter().map(|d| format!("-I{}", d.display())).collect();
        let mcpu = format!("-mcpu=v{cpu}");
        let flags = ["-O2", "-g", "-target", "bpf", &mcpu, "-c"];
        let cli_time = cli.as_ref().and_then(|bin| {
            let out = tmp.path().join("cli.o");
            time_runs(args.runs, || {
                run_ok(
                    Command::new(bin)
                        .arg("compile")
                        .args(flags)
                        .args(&inc_flags)
                        .arg(file)
                        .arg("-o")
                        .arg(&out),
                )
            })
            .map(|(best, _)| best)
        });
        let clang_out = tmp.path().join("clang.o");
        let clang_time = clang.as_ref().and_then(|c| {
            time_runs(args.runs, || {
                run_ok(
                    Command::new(c)
                        .args(flags)
                        .args(&inc_flags)
                        .arg(file)
                        .arg("-o")
                        .arg(&clang_out),
                )
            })
            .map(|(best, _)| best)
        });
        let clang_insns = clang_time
            .and_then(|_| std::fs::read(&clang_out).ok())
            .and_then(|b| insn_count(&b));
        rows.push(Row {
            name,
            lib,
            stages,
            pp,
            cli: cli_time,
            clang: clang_time,
            ours_insns: lib.and_then(|_| insn_count(&ours_obj)),
            clang_insns,
        });
    }
    print_table(&rows, args.runs);
}

fn opt_ms(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.2}", ms(d)))
}

fn print_table(rows: &[Row], runs: usize) {
    println!(
        "bench-compile: -O2 -g (-mcpu=v3 unless `// @cpu:`), best of {runs} (lib: best/mean); clang-19 and the CLI are processes"
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6} {:>6}",
        "file",
        "lib ms",
        "mean",
        "cli ms",
        "clang ms",
        "x(cli)",
        "x(lib)",
        "insns",
        "clang",
        "ratio"
    );
    let (mut cli_x, mut lib_x, mut insn_x) = (Vec::new(), Vec::new(), Vec::new());
    let (mut t_lib, mut t_cli, mut t_clang) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut n_ours, mut n_clang) = (0usize, 0usize);
    let mut st = StageTimes::default();
    let mut t_pp = Duration::ZERO;
    for r in rows {
        let cx = r
            .clang
            .zip(r.cli)
            .map(|(c, o)| c.as_secs_f64() / o.as_secs_f64());
        let lx = r
            .clang
            .zip(r.lib)
            .map(|(c, (o, _))| c.as_secs_f64() / o.as_secs_f64());
        let ix = r
            .ours_insns
            .zip(r.clang_insns)
            .filter(|&(_, c)| c > 0)
            .map(|(o, c)| o as f64 / c as f64);
        println!(
            "{:<22} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6} {:>6}",
            r.name,
            opt_ms(r.lib.map(|l| l.0)),
            opt_ms(r.lib.map(|l| l.1)),
            opt_ms(r.cli),
            opt_ms(r.clang),
            cx.map_or("-".into(), |x| format!("{x:.1}")),
            lx.map_or("-".into(), |x| format!("{x:.1}")),
            r.ours_insns.map_or("-".into(), |n| n.to_string()),
            r.clang_insns.map_or("-".into(), |n| n.to_string()),
            ix.map_or("-".into(), |x| format!("{x:.2}")),
        );
        cli_x.extend(cx);
        lib_x.extend(lx);
        insn_x.extend(ix);
        if let (Some((l, _)), Some(c)) = (r.lib, r.clang) {
            t_lib += l;
            t_clang += c;
            if let Some(o) = r.cli {
                t_cli += o;
            }
        }
        if let (Some(o), Some(c)) = (r.ours_insns, r.clang_insns) {
            n_ours += o;
            n_clang += c;
        }
        st.frontend += r.stages.frontend;
        st.optimize += r.stages.optimize;
        st.codegen += r.stages.codegen;
        st.assemble += r.stages.assemble;
        st.write += r.stages.write;
        t_pp += r.pp.unwrap_or_default();
    }
    println!(
        "{:<22} {:>8.2} {:>8} {:>8.2} {:>8.2} {:>7} {:>7} {:>6} {:>6} {:>6}",
        "total",
        ms(t_lib),
        "",
        ms(t_cli),
        ms(t_clang),
        "",
        "",
        n_ours,
        n_clang,
        if n_clang > 0 {
            format!("{:.2}", n_ours as f64 / n_clang as f64)
        } else {
            "-".into()
        }
    );
    let g = |xs: &[f64]| geomean(xs).map_or("-".into(), |x| format!("{x:.2}"));
    println!(
        "geomean: clang/cli {}x, clang/lib {}x, insns ours/clang {}",
        g(&cli_x),
        g(&lib_x),
        g(&insn_x)
    );
    let total = st.frontend + st.optimize + st.codegen + st.assemble + st.write;
    let pct = |d: Duration| 100.0 * d.as_secs_f64() / total.as_secs_f64().max(1e-12);
    println!(
        "lib stages (sum of per-file bests): frontend {:.2} ms ({:.0}%), optimize {:.2} ({:.0}%), codegen {:.2} ({:.0}%), assemble {:.2} ({:.0}%), write {:.2} ({:.0}%)",
        ms(st.frontend),
        pct(st.frontend),
        ms(st.optimize),
        pct(st.optimize),
        ms(st.codegen),
        pct(st.codegen),
        ms(st.assemble),
        pct(st.assemble),
        ms(st.write),
        pct(st.write)
    );
    println!(
        "  of which -E alone (preprocess and print): {:.2} ms ({:.0}%)",
        ms(t_pp),
        pct(t_pp)
    );
}
