//! Real programs through the whole frontend: libbpf-style BPF programs that include
//! `<linux/bpf.h>`, `<bpf/bpf_helpers.h>` and friends (installed by libbpf-dev and the
//! kernel headers) must preprocess, parse, check and lower to IR that verifies. Skips,
//! printing why, when the headers are not installed.

use frontend::driver::{FrontendOptions, compile_source};
use frontend::preprocess::PpOptions;
use std::path::{Path, PathBuf};

#[test]
fn real_programs_lower_and_verify() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file()
        || !Path::new("/usr/include/linux/bpf.h").is_file()
    {
        println!(
            "SKIP real_programs_lower_and_verify: libbpf-dev / linux headers are not installed"
        );
        return;
    }
    let opts = FrontendOptions {
        pp: PpOptions {
            include_dirs: vec![PathBuf::from("/usr/include/x86_64-linux-gnu")],
            ..PpOptions::default()
        },
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lower_real");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.to_string_lossy().to_string();
        let mut sources = diag::SourceMap::new();
        let m = match compile_source(&name, &text, &opts, &mut sources) {
            Ok((m, _)) => m,
            Err(d) => panic!("{name}: errors:\n{}", diag::render_all(&sources, &d.items)),
        };
        if let Err(d) = ir::verifier::verify_module(&m) {
            panic!(
                "{name}: IR does not verify:\n{}",
                diag::render_all(&sources, &d.items)
            );
        }
        assert!(
            m.functions.iter().any(|f| f.attrs.is_program),
            "{name}: no program"
        );
        assert!(
            m.globals.iter().any(|g| g.section == "license"),
            "{name}: no license"
        );
    }
}
