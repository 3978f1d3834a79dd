//! Diagnostics snapshots: every `tests/sema/*.c` is an invalid program (one kind of
//! error each); the frontend must reject it, and the rendered diagnostics (code,
//! message, file:line:col, caret) are compared with their insta snapshot.

use frontend::driver::{FrontendOptions, compile_source};

#[test]
fn sema_error_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sema");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let mut sources = diag::SourceMap::new();
        let d = match compile_source(&name, &text, &FrontendOptions::default(), &mut sources) {
            Ok(_) => panic!("{name}: expected errors, compiled fine"),
            Err(d) => d,
        };
        assert!(d.has_errors(), "{name}: no error reported");
        assert!(
            d.items
                .iter()
                .all(|x| !x.is_error() || x.primary_span().is_some()),
            "{name}: an error without a location"
        );
        let out = diag::render_all(&sources, &d.items);
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({snapshot_path => "sema/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(stem, out);
        });
    }
}
