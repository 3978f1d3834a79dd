//! Snapshot tests of the parser: every `tests/parse/*.c` file is preprocessed, parsed
//! and printed (AST S-expression plus rendered diagnostics); the text is compared with
//! `tests/snapshots/parse_snapshots__<name>.snap`.

use diag::SourceMap;
use frontend::parse::{parse, print_ast};
use frontend::preprocess::{PpOptions, preprocess};
use std::path::Path;

/// Preprocesses and parses `text` as file `name`; returns the printed tree and the
/// rendered diagnostics.
fn parse_text(name: &str, text: &str) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let (tokens, mut diags) = preprocess(file, &PpOptions::default(), &mut sources);
    let (tu, pdiags) = parse(&tokens, &sources);
    diags.extend(pdiags);
    let mut out = print_ast(&tu);
    if !diags.is_empty() {
        out.push_str("\n--- diagnostics ---\n");
        out.push_str(&diag::render_all(&sources, &diags.items));
    }
    out
}

#[test]
fn parse_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/parse exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the parser's test inputs in {dir:?}"
    );
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("readable test input");
        let out = parse_text(&format!("{name}.c"), &text);
        insta::assert_snapshot!(name, out);
    }
}
