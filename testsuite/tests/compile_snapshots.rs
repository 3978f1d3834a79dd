//! Snapshots of the C compiler's intermediate forms (issue 3, "Tests"): for each
//! `examples/*.bpf.c` and each per-feature program `testsuite/programs/c/*.bpf.c`, the
//! optimized IR (`Emit::Ir`) and the assembly (`Emit::Asm`), both at `-O2 -g` with the
//! file's `// @cpu: vN` (default v3), one insta snapshot per file and stage, named
//! `compile_snapshots__<stage>-<example|feature>-<file>.snap`. Also checks that the
//! printed IR of every program parses back with `ir::text` and prints identically.
//!
//! The optimizer changes code quality on purpose; re-bless after reviewing the diffs with
//! `INSTA_UPDATE=always cargo test -p testsuite --test compile_snapshots`.
//! Every file is checked even when an earlier one differs, and the failure lists them all.

use ebpfc::{CompileOptions, Emit, Output};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testsuite lives inside the workspace")
        .to_path_buf()
}

/// `(snapshot group, path)` of every program: the examples, then the feature programs.
fn programs() -> Vec<(&'static str, PathBuf)> {
    let mut all = Vec::new();
    for (group, dir) in [("example", "examples"), ("feature", "testsuite/programs/c")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join(dir))
            .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no *.bpf.c programs in {dir}");
        all.extend(files.into_iter().map(|f| (group, f)));
    }
    all
}

/// Compiles `path` at `-O2 -g` up to `emit` and returns the text, with the workspace
/// path replaced by `<root>` so that snapshots do not depend on the checkout location
/// (in the text, and through `-fdebug-prefix-map` in line_info's file names, which the
/// asm holds as `.byte` rows).
fn compile_text(path: &Path, emit: Emit) -> String {
    let src = std::fs::read_to_string(path).expect("read program");
    let opts = CompileOptions {
        debug_info: true,
        cpu: testsuite::kload::cpu_from_source(&src),
        debug_paths: ebpfc::debug_paths::DebugPaths {
            compilation_dir: None,
            prefix_map: vec![(repo_root().to_string_lossy().into_owned(), "<root>".into())],
        },
        ..CompileOptions::default()
    };
    let mut sources = diag::SourceMap::new();
    let text = match ebpfc::compile(&mut sources, path, emit, &opts) {
        Ok(c) => match c.output {
            Output::Ir(t) | Output::Asm(t) => t,
            other => panic!("{}: expected text, got {other:?}", path.display()),
        },
        Err(d) => panic!(
            "{} does not compile:\n{}",
            path.display(),
            diag::render_all(&sources, &d.items)
        ),
    };
    text.replace(&repo_root().to_string_lossy().into_owned(), "<root>")
}

fn stem(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.trim_end_matches(".bpf.c").to_string()
}

/// Runs `check` on every program, catching failures so that all of them are reported.
fn for_each_program(check: impl Fn(&str, &Path)) {
    let mut failed = Vec::new();
    for (group, path) in programs() {
        if catch_unwind(AssertUnwindSafe(|| check(group, &path))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} program(s) failed (see above):\n{}",
        failed.len(),
        failed.join("\n")
    );
}

fn snapshot(stage: &str, group: &str, path: &Path, text: &str) {
    insta::with_settings!({
        description => format!("{stage} of {} at -O2 -g", path.file_name().unwrap_or_default().to_string_lossy()),
        omit_expression => true,
        prepend_module_to_snapshot => true,
    }, {
        insta::assert_snapshot!(format!("{stage}-{group}-{}", stem(path)), text);
    });
}

#[test]
fn ir_snapshots() {
    for_each_program(|group, path| snapshot("ir", group, path, &compile_text(path, Emit::Ir)));
}

#[test]
fn asm_snapshots() {
    for_each_program(|group, path| snapshot("asm", group, path, &compile_text(path, Emit::Asm)));
}

/// The optimized IR of every program parses back and prints the same text.
#[test]
fn ir_text_round_trips() {
    for_each_program(|_, path| {
        let printed = compile_text(path, Emit::Ir);
        let mut sources = diag::SourceMap::new();
        let file = sources.add("printed.ir".to_string(), printed.clone());
        let module = match ir::parse_module(&printed, file) {
            Ok(m) => m,
            Err(d) => panic!(
                "{}: the printed IR does not parse:\n{}",
                path.display(),
                diag::render_all(&sources, &d.items)
            ),
        };
        let again = ir::module_to_string(&module);
        if again != printed {
            let line = printed
                .lines()
                .zip(again.lines())
                .position(|(a, b)| a != b)
                .map_or(printed.lines().count().min(again.lines().count()), |i| i);
            panic!(
                "{}: IR text does not round-trip; first difference at line {}:\n  printed {:?}\n  again   {:?}",
                path.display(),
                line + 1,
                printed.lines().nth(line),
                again.lines().nth(line)
            );
        }
    });
}
