//! The multi-file link cases of `programs/link/<case>/*.bpf.c`: listing them, reading
//! the first file's `// @input:` packets, and building each file with clang-19, bpf-gcc
//! or ebpfc (the library, clang's flags), so the link tests can mix compilers.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The flags both compilers get (clang also needs the multiarch `-I` for `<linux/bpf.h>`).
pub const CFLAGS: &[&str] = &[
    "-O2",
    "-g",
    "-target",
    "bpf",
    "-mcpu=v3",
    "-I/usr/include/x86_64-linux-gnu",
    "-c",
];

/// Which compiler builds an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compiler<'a> {
    Clang(&'a Path),
    /// `bpf-gcc` (GCC's BPF backend, BTF via `-gbtf`).
    Gcc(&'a Path),
    Ebpfc,
}

/// The flags `bpf-gcc` gets: it does not search `/usr/include` for BPF by itself.
pub const GCC_FLAGS: &[&str] = &[
    "-O2",
    "-gbtf",
    "-I/usr/include",
    "-I/usr/include/x86_64-linux-gnu",
    "-c",
];

/// Every case folder, sorted.
pub fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/link");
    sorted(&root, |p| p.is_dir())
}

/// A case's `*.bpf.c` files, sorted (the first one carries the `@input` lines).
pub fn sources(case: &Path) -> Vec<PathBuf> {
    sorted(case, |p| p.to_string_lossy().ends_with(".bpf.c"))
}

/// The entries of `dir` that `keep` accepts, sorted (panics if `dir` cannot be read:
/// the folders are the testsuite's own).
pub fn sorted(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| keep(p))
        .collect();
    v.sort();
    v
}

/// The packets of the first file's `// @input: HEX` lines.
pub fn inputs(case: &Path) -> Vec<Vec<u8>> {
    let first = &sources(case)[0];
    let text = std::fs::read_to_string(first).unwrap_or_default();
    crate::kload::inputs_from_source(&text)
}

/// clang's and ebpfc's flags for `case`: [`CFLAGS`], with the first file's
/// `// @cpu: vN` line (if any) in place of `-mcpu=v3`.
pub fn cflags(case: &Path) -> Vec<String> {
    let first = &sources(case)[0];
    let text = std::fs::read_to_string(first).unwrap_or_default();
    flags_for_cpu(crate::kload::cpu_from_source(&text))
}

/// [`CFLAGS`] with `-mcpu=v{cpu}` in place of `-mcpu=v3`.
pub fn flags_for_cpu(cpu: u8) -> Vec<String> {
    CFLAGS
        .iter()
        .map(|f| match f.starts_with("-mcpu=") {
            true => format!("-mcpu=v{cpu}"),
            false => f.to_string(),
        })
        .collect()
}

/// The name of a case folder.
pub fn case_name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Builds `src` with `cc` into `dir`; returns (short name `x.o`, object path).
pub fn build_one(cc: Compiler, case: &Path, src: &Path, dir: &Path) -> (String, PathBuf) {
    let stem = src
        .file_name()
        .map(|n| n.to_string_lossy().replace(".bpf.c", ""))
        .unwrap_or_default();
    let tag = match cc {
        Compiler::Clang(_) => "clang",
        Compiler::Gcc(_) => "gcc",
        Compiler::Ebpfc => "ebpfc",
    };
    let obj = dir.join(format!("{}-{stem}-{tag}.o", case_name(case)));
    let cc_kind = cc;
    match cc {
        Compiler::Clang(cc) | Compiler::Gcc(cc) => {
            let flags: Vec<String> = if matches!(cc_kind, Compiler::Gcc(_)) {
                GCC_FLAGS.iter().map(|f| f.to_string()).collect()
            } else {
                cflags(case)
            };
            let out = Command::new(cc)
                .args(&flags)
                .arg(src)
                .arg("-o")
                .arg(&obj)
                .output()
                .unwrap_or_else(|e| panic!("{}: {e}", cc.display()));
            assert!(
                out.status.success(),
                "{} failed on {}: {}",
                cc.display(),
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Compiler::Ebpfc => {
            let mut args = cflags(case);
            args.push(src.display().to_string());
            let parsed = ebpfc::clang_args::parse(&args).unwrap_or_else(|e| panic!("{e}"));
            let opts = ebpfc::CompileOptions::from_args(&parsed);
            let mut sources = diag::SourceMap::new();
            match ebpfc::compile(&mut sources, src, parsed.emit, &opts) {
                Ok(done) => std::fs::write(&obj, done.output.bytes())
                    .unwrap_or_else(|e| panic!("{}: {e}", obj.display())),
                Err(d) => panic!(
                    "ebpfc failed on {}:\n{}",
                    src.display(),
                    diag::render_all(&sources, &d.items)
                ),
            }
        }
    }
    (format!("{stem}.o"), obj)
}

/// Builds every source of `case`: `pick(i)` chooses the compiler of the i-th file.
pub fn build<'a>(
    case: &Path,
    dir: &Path,
    pick: impl Fn(usize) -> Compiler<'a>,
) -> Vec<(String, PathBuf)> {
    sources(case)
        .iter()
        .enumerate()
        .map(|(i, src)| build_one(pick(i), case, src, dir))
        .collect()
}
