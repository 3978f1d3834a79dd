//! Snapshot tests of the preprocessor: every `tests/pp/*.c` is preprocessed (with
//! `-I tests/pp/sys -I tests/pp/sys2 -mcpu=v3`) and its `-E` output plus rendered diagnostics are
//! compared with `tests/snapshots/pp_snapshots__<name>.snap`. Inputs named `err_*`
//! and `warn_*` exercise diagnostics; every other input must preprocess cleanly.

use diag::SourceMap;
use frontend::preprocess::{PpOptions, preprocess_full, print_preprocessed_full};
use std::path::{Path, PathBuf};

/// `-E` output and diagnostics of one input, as the snapshot stores them.
fn run(rel: &str) -> (String, bool) {
    let text = std::fs::read_to_string(rel).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut map = SourceMap::new();
    let id = map.add(rel, text);
    let opts = PpOptions {
        include_dirs: vec![
            PathBuf::from("tests/pp/sys"),
            PathBuf::from("tests/pp/sys2"),
        ],
        cpu: 3,
        ..PpOptions::default()
    };
    let p = preprocess_full(id, &opts, &mut map);
    let mut out = print_preprocessed_full(&p, &map);
    let diags = p.diags;
    if !diags.is_empty() {
        out.push_str("\n--- diagnostics ---\n");
        out.push_str(&diag::render_all(&map, &diags.items));
    }
    (out, diags.is_empty())
}

#[test]
fn pp_inputs_match_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(dir).unwrap_or_else(|e| panic!("cd: {e}"));
    let mut names: Vec<String> = std::fs::read_dir("tests/pp")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".c"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert!(names.len() >= 25, "test inputs missing: {names:?}");
    for name in names {
        let (out, clean) = run(&format!("tests/pp/{name}"));
        let expect_diags = name.starts_with("err_") || name.starts_with("warn_");
        assert_eq!(!clean, expect_diags, "{name}: diagnostics presence\n{out}");
        let stem = name.trim_end_matches(".c").to_string();
        insta::assert_snapshot!(stem, out);
    }
}
