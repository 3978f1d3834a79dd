//! Lowering snapshots: every `tests/lower/*.c` is compiled by the frontend (preprocess,
//! parse, check, lower), the IR module is verified and printed, and the text is
//! compared with its insta snapshot. One small C file per language feature.

use frontend::driver::{FrontendOptions, compile_source};

fn lower_file(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut sources = diag::SourceMap::new();
    match compile_source(&name, &text, &FrontendOptions::default(), &mut sources) {
        Ok((m, _warnings)) => {
            if let Err(d) = ir::verifier::verify_module(&m) {
                panic!(
                    "{name}: lowered IR does not verify:\n{}\n{}",
                    diag::render_all(&sources, &d.items),
                    ir::module_to_string(&m)
                );
            }
            ir::module_to_string(&m)
        }
        Err(d) => panic!(
            "{name}: unexpected errors:\n{}",
            diag::render_all(&sources, &d.items)
        ),
    }
}

#[test]
fn lower_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lower");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let out = lower_file(&f);
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({snapshot_path => "lower/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name, out);
        });
    }
}
