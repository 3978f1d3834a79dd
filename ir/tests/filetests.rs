//! Text-file tests. `files/*.ir`: parse, verify, check that printing gives the input
//! back (after the leading `;` comment lines), then run the passes named on the
//! `; passes:` line (verifying after each) and snapshot the result.
//! `verify_errors/*.ir`: the verifier's messages, snapshotted.
//! `parse_errors/cases.txt`: one bad input per line; rendered diagnostics, snapshotted.

use std::path::{Path, PathBuf};

use diag::{FileId, SourceMap};

fn files_in(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == ext));
    v.sort();
    assert!(!v.is_empty(), "no test files in {}", root.display());
    v
}

/// The text after the leading comment lines.
fn body(text: &str) -> String {
    let mut lines = text.lines().peekable();
    while lines.peek().is_some_and(|l| l.starts_with(';')) {
        lines.next();
    }
    let mut s: String = lines.collect::<Vec<_>>().join("\n");
    s.push('\n');
    s
}

fn passes_of(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with(';'))
        .find_map(|l| l.strip_prefix("; passes:"))
        .map(|p| p.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

fn render(name: &str, text: &str, diags: &diag::Diagnostics) -> String {
    let mut map = SourceMap::new();
    map.add(name, text);
    diag::render_all(&map, &diags.items)
}

fn parse(path: &Path) -> (String, ir::Module) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match ir::parse_module(&text, FileId(0)) {
        Ok(m) => (text, m),
        Err(d) => panic!("{name} does not parse:\n{}", render(&name, &text, &d)),
    }
}

fn verify(name: &str, m: &ir::Module) {
    for f in &m.functions {
        // Passes drop the CO-RE relocations of the instructions they remove.
        for inst in f.core_relocs.keys() {
            assert!(
                f.layout.inst_block(*inst).is_some(),
                "{name}: stale CO-RE relocation in @{}",
                f.name
            );
        }
    }
    if let Err(d) = ir::verify_module(m) {
        let msgs: Vec<String> = d
            .items
            .iter()
            .map(|e| format!("{}: {}", e.code, e.message))
            .collect();
        panic!(
            "{name}: verifier errors:\n{}\n{}",
            msgs.join("\n"),
            ir::module_to_string(m)
        );
    }
}

#[test]
fn round_trip_and_pass_snapshots() {
    for path in files_in("files", "ir") {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (text, mut m) = parse(&path);
        verify(&stem, &m);
        assert_eq!(
            ir::module_to_string(&m),
            body(&text),
            "{stem}: print(parse(x)) != x"
        );
        let passes = passes_of(&text);
        if passes.is_empty() || passes == ["verify"] {
            continue;
        }
        for p in &passes {
            if let Err(e) = ir::passes::run_named(&mut m, p) {
                panic!("{stem}: {e}");
            }
            verify(&format!("{stem} after {p}"), &m);
        }
        let out = ir::module_to_string(&m);
        // The output is itself valid text.
        let again = ir::parse_module(&out, FileId(0)).map(|m2| ir::module_to_string(&m2));
        assert_eq!(
            again.as_deref().ok(),
            Some(out.as_str()),
            "{stem}: output does not round-trip"
        );
        insta::assert_snapshot!(stem, format!("; passes: {}\n{out}", passes.join(" ")));
    }
}

#[test]
fn verifier_error_snapshots() {
    for path in files_in("verify_errors", "ir") {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (_, m) = parse(&path);
        let errs = match ir::verify_module(&m) {
            Ok(()) => panic!("{stem}: the verifier accepted it"),
            Err(d) => d,
        };
        let out: Vec<String> = errs
            .items
            .iter()
            .map(|e| format!("{}: {}", e.code, e.message))
            .collect();
        insta::assert_snapshot!(format!("verify_{stem}"), out.join("\n"));
    }
}

#[test]
fn parse_error_snapshots() {
    for path in files_in("parse_errors", "txt") {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut out = String::new();
        for (i, case) in text.lines().enumerate() {
            let name = format!("case{}.ir", i + 1);
            match ir::parse_module(case, FileId(0)) {
                Ok(_) => panic!("{name} parsed but should not: {case}"),
                Err(d) => {
                    assert!(d.items.iter().all(|e| e.code.id.starts_with("E04")));
                    out.push_str(&render(&name, case, &d));
                    out.push('\n');
                }
            }
        }
        insta::assert_snapshot!("parse_errors", out);
    }
}
