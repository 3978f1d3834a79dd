//! `pgo-train`: records `pgo/ebpfc.profdata`, the profile that optimized builds of the
//! `ebpfc` binary use for profile-guided optimization (see `pgo/README.md`).
//!
//! 1. Builds `ebpfc` instrumented (`cargo build --release` into `target/pgo-train`, with
//!    `EBPFC_PGO_GENERATE` set, which `pgo/rustc-wrapper` turns into
//!    `-Cprofile-generate`).
//! 2. Runs it on the project's own inputs, as users run it: each C program of
//!    `examples/`, `testsuite/programs/c/` and `testsuite/programs/asm/` compiled with
//!    `-O2 -g` (at the file's `// @cpu:` version), each link case of
//!    `testsuite/programs/link/` compiled and linked, 8 generated objects with 300 shared
//!    struct types linked (the shape of `bench-link`'s inputs, smaller), and each `.s`
//!    file of `testsuite/programs/asm/` assembled and disassembled.
//! 3. Merges the counters, the compile runs weighted 4 to 1 (`COMPILE_WEIGHT`), with `llvm-profdata` (rustup's `llvm-tools` component, whose
//!    LLVM is rustc's own; else `llvm-profdata-19` or `llvm-profdata`).
//!
//! Run: `cargo run --release -p testsuite --bin pgo-train`, then rebuild
//! (`cargo build --release`) and compare with `bench-compile` and `bench-link`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use testsuite::link_bench::LinkBenchShape;
use testsuite::{kload, link_cases};

/// How much more the compile runs count than the link and assembler runs. LLVM calls
/// code hot relative to the profile's largest counts, and the link's deduplication loops
/// count highest: with equal weights, the compiler's own paths came out cooler and a
/// compile of switch.bpf.c took 1.55 ms (best of 150) against 1.42 with a compile-only
/// profile. (Weights 4:1:1, the value here: see pgo/README.md.)
const COMPILE_WEIGHT: u32 = 4;

/// The generated link: 8 objects sharing 300 struct types, 30 of each file's own.
const LINK_SHAPE: LinkBenchShape = LinkBenchShape {
    objects: 8,
    shared: 300,
    own: 30,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pgo-train: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no workspace folder")?
        .to_path_buf();
    let target_dir = root.join("target/pgo-train");
    let raw_dir = target_dir.join("profraw");
    let work = target_dir.join("work");
    for dir in [&raw_dir, &work] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }

    eprintln!(
        "pgo-train: building the instrumented ebpfc into {}",
        target_dir.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--release", "-p", "ebpfc", "--target-dir"])
        .arg(&target_dir)
        .env("EBPFC_PGO_GENERATE", &raw_dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the instrumented build failed".into());
    }
    let ebpfc = find_binary(&target_dir)?;

    let mut runs = Runs::new(&ebpfc, &raw_dir);
    train_compiles(&root, &work, &mut runs);
    train_links(&work, &mut runs);
    train_asm(&root, &work, &mut runs);
    eprintln!(
        "pgo-train: {} runs of the instrumented ebpfc ({} failed: programs it rejects, as clang does some)",
        runs.total, runs.failed
    );

    let profdata = llvm_profdata()?;
    let out = root.join("pgo/ebpfc.profdata");
    let raws = link_cases::sorted(&raw_dir, |p| p.extension().is_some_and(|x| x == "profraw"));
    if raws.is_empty() {
        return Err(format!("no .profraw file in {}", raw_dir.display()));
    }
    let mut merge = Command::new(&profdata);
    merge.arg("merge").arg("-o").arg(&out);
    for raw in &raws {
        let name = raw
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let weight = if name.starts_with("compile-") {
            COMPILE_WEIGHT
        } else {
            1
        };
        merge.arg(format!("--weighted-input={weight},{}", raw.display()));
    }
    let status = merge
        .status()
        .map_err(|e| format!("cannot run {}: {e}", profdata.display()))?;
    if !status.success() {
        return Err(format!("{} merge failed", profdata.display()));
    }
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "pgo-train: wrote {} ({size} bytes) with {}; rebuild with `cargo build --release`",
        out.display(),
        profdata.display()
    );
    Ok(())
}

/// Runs of the instrumented binary, counted.
struct Runs<'a> {
    ebpfc: &'a Path,
    raw_dir: &'a Path,
    /// The workload now running (`compile`, `link`, `asm`): each writes its own file.
    kind: &'static str,
    total: usize,
    failed: usize,
}

impl<'a> Runs<'a> {
    fn new(ebpfc: &'a Path, raw_dir: &'a Path) -> Self {
        Runs {
            ebpfc,
            raw_dir,
            kind: "compile",
            total: 0,
            failed: 0,
        }
    }

    /// Runs `ebpfc ARGS` with its output discarded; true if it succeeded.
    fn run<S: AsRef<std::ffi::OsStr>>(&mut self, args: &[S]) -> bool {
        self.total += 1;
        let ok = Command::new(self.ebpfc)
            .args(args)
            .env(
                "LLVM_PROFILE_FILE",
                self.raw_dir.join(format!("{}-%m.profraw", self.kind)),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            self.failed += 1;
        }
        ok
    }

    /// `ebpfc compile FLAGS.. SRC -o OUT` (FLAGS, clang's, include `-c`).
    fn compile(&mut self, flags: &[String], src: &Path, out: &Path) -> bool {
        let mut args: Vec<std::ffi::OsString> = vec!["compile".into()];
        args.extend(flags.iter().map(Into::into));
        args.extend([src.into(), "-o".into(), out.into()]);
        self.run(&args)
    }
}

/// Every C program of the examples and the testsuite, compiled as users compile them
/// (the link tests' flags, at the file's `// @cpu:` version, with `-I` its folder).
fn train_compiles(root: &Path, work: &Path, runs: &mut Runs) {
    for dir in ["examples", "testsuite/programs/c", "testsuite/programs/asm"] {
        let dir = root.join(dir);
        for src in link_cases::sorted(&dir, |p| p.extension().is_some_and(|x| x == "c")) {
            let cpu = std::fs::read_to_string(&src).map_or(3, |t| kload::cpu_from_source(&t));
            let mut flags = link_cases::flags_for_cpu(cpu);
            flags.push(format!("-I{}", dir.display()));
            runs.compile(&flags, &src, &work.join("compile.o"));
        }
    }
}

/// Each link case, compiled and linked; then the generated many-types link.
fn train_links(work: &Path, runs: &mut Runs) {
    runs.kind = "link";
    for case in link_cases::cases() {
        let flags = link_cases::cflags(&case);
        let name = link_cases::case_name(&case);
        let mut objs = Vec::new();
        for (i, src) in link_cases::sources(&case).iter().enumerate() {
            let obj = work.join(format!("{name}.{i}.o"));
            if runs.compile(&flags, src, &obj) {
                objs.push(obj);
            }
        }
        link(runs, &objs, &work.join(format!("{name}.linked.o")));
    }
    let mut objs = Vec::new();
    for i in 0..LINK_SHAPE.objects {
        let src = work.join(format!("gen{i}.bpf.c"));
        let obj = work.join(format!("gen{i}.o"));
        if std::fs::write(&src, LINK_SHAPE.source(i)).is_ok()
            && runs.compile(&link_cases::flags_for_cpu(3), &src, &obj)
        {
            objs.push(obj);
        }
    }
    if objs.len() < LINK_SHAPE.objects {
        eprintln!(
            "pgo-train: {} of {} generated objects built (they need libbpf's headers, \
             package libbpf-dev)",
            objs.len(),
            LINK_SHAPE.objects
        );
    }
    link(runs, &objs, &work.join("gen.linked.o"));
}

/// `ebpfc link -o OUT OBJS..` (nothing to do without inputs).
fn link(runs: &mut Runs, objs: &[PathBuf], out: &Path) {
    if objs.is_empty() {
        return;
    }
    let mut args: Vec<&std::ffi::OsStr> = vec!["link".as_ref(), "-o".as_ref(), out.as_os_str()];
    args.extend(objs.iter().map(|o| o.as_os_str()));
    runs.run(&args);
}

/// Each `.s` file assembled, and the object disassembled.
fn train_asm(root: &Path, work: &Path, runs: &mut Runs) {
    runs.kind = "asm";
    let asm_dir = root.join("testsuite/programs/asm");
    for src in link_cases::sorted(&asm_dir, |p| p.extension().is_some_and(|x| x == "s")) {
        let obj = work.join("asm.o");
        let assembled = runs.run(&[
            "asm".as_ref(),
            src.as_os_str(),
            "-o".as_ref(),
            obj.as_os_str(),
        ]);
        if assembled {
            runs.run(&["objdump".as_ref(), "-d".as_ref(), obj.as_os_str()]);
        }
    }
}

/// The instrumented binary: `target/pgo-train/<target>/release/ebpfc` (the workspace
/// builds for an explicit target, see `.cargo/config.toml`), or `release/ebpfc` when it
/// does not.
fn find_binary(target_dir: &Path) -> Result<PathBuf, String> {
    let direct = target_dir.join("release/ebpfc");
    if direct.is_file() {
        return Ok(direct);
    }
    std::fs::read_dir(target_dir)
        .map_err(|e| format!("{}: {e}", target_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path().join("release/ebpfc")))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("no release/ebpfc under {}", target_dir.display()))
}

/// `llvm-profdata`: rustup's `llvm-tools` copy (the LLVM rustc uses) if installed,
/// else one on the PATH.
fn llvm_profdata() -> Result<PathBuf, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let ask = |args: &[&str]| {
        Command::new(&rustc)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let sysroot = ask(&["--print", "sysroot"]);
    let host = ask(&["-vV"]).and_then(|v| {
        v.lines()
            .find_map(|l| l.strip_prefix("host: "))
            .map(str::to_string)
    });
    if let (Some(sysroot), Some(host)) = (sysroot, host) {
        let tool = Path::new(sysroot.trim())
            .join("lib/rustlib")
            .join(host)
            .join("bin/llvm-profdata");
        if tool.is_file() {
            return Ok(tool);
        }
    }
    for name in ["llvm-profdata-19", "llvm-profdata"] {
        if Command::new(name).arg("--version").output().is_ok() {
            return Ok(PathBuf::from(name));
        }
    }
    Err("no llvm-profdata: `rustup component add llvm-tools` (or install llvm-19)".into())
}
