//! Kernel differential tests of the C compiler (issue 3, "Tests"): every per-feature
//! program `testsuite/programs/c/*.bpf.c` and every `examples/*.bpf.c` is compiled by
//! ebpfc (the library call `ebpfc::compile`, `-O2 -g`, cpu from the file's optional
//! `// @cpu: vN` line, default v3) and by `clang-19 -O2 -g -target bpf -mcpu=vN -c`;
//! both objects are loaded through libbpf (`testsuite::kload`, via bpftool) and
//! test-run on the file's `// @input: HEX` packets (default: `kload::default_packet`).
//! Return values, output packets and the maps after the runs must be equal.
//!
//! Each feature program is also compiled by ebpfc at `-O0`: it must load (clang's -O0
//! output does not, so the reference stays clang -O2) and behave the same — unless it
//! says `// @O2-only: <why>`: a program that tests a code shape the verifier needs and
//! only the optimizer produces (as with clang, its unoptimized build is rejected).
//!
//! What is not compared: read-only maps (`.rodata*`, including `const volatile`
//! configuration). Programs cannot write them, so they carry no behaviour, and their
//! layout legitimately differs: clang folds constant tables it can see through and pools
//! string literals in its own order. Writable `.data`/`.bss` maps are compared byte for
//! byte, so the feature programs declare tentative definitions in first-use order (the
//! order clang lays them out in).
//!
//! Skips, printing why, without clang-19, bpftool or BPF permission. Both objects of one
//! program get the same file name (in different folders), so libbpf names their internal
//! maps alike.

use ebpfc::{CompileOptions, Emit, Output};
use ir::OptLevel;
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::kload::{self, Report};
use testsuite::tools;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testsuite lives inside the workspace")
        .to_path_buf()
}

/// The `*.bpf.c` files of `dir` (relative to the workspace root), sorted.
fn c_programs(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join(dir))
        .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.bpf.c programs in {dir}");
    files
}

/// The reason given on the file's `// @O2-only:` line, if any.
fn o2_only(src: &str) -> Option<&str> {
    src.lines()
        .find_map(|l| l.trim().strip_prefix("// @O2-only:"))
        .map(str::trim)
}

fn file_stem(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.trim_end_matches(".bpf.c").to_string()
}

/// Compiles `src` with ebpfc into `out`; `Err` holds the rendered diagnostics.
fn ebpfc_build(src: &Path, opt_level: OptLevel, cpu: u8, out: &Path) -> Result<(), String> {
    let mut sources = diag::SourceMap::new();
    let opts = CompileOptions {
        opt_level,
        debug_info: true,
        cpu,
        ..CompileOptions::default()
    };
    match ebpfc::compile(&mut sources, src, Emit::Object, &opts) {
        Ok(c) => match c.output {
            Output::Object(bytes) => std::fs::write(out, bytes).map_err(|e| e.to_string()),
            other => Err(format!("expected an object, got {other:?}")),
        },
        Err(d) => Err(diag::render_all(&sources, &d.items)),
    }
}

fn clang_build(clang: &Path, src: &Path, cpu: u8, out: &Path) -> Result<(), String> {
    let o = Command::new(clang)
        .args([
            "-O2",
            "-g",
            "-target",
            "bpf",
            &format!("-mcpu=v{cpu}"),
            "-c",
        ])
        .arg(src)
        .arg("-o")
        .arg(out)
        .output()
        .map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// Read-only data (see the module comment): libbpf names these maps `<obj>.rodata` or
/// `.rodata.<suffix>`, and bpftool's pin names spell the dots as underscores.
fn is_read_only_map(pin_name: &str) -> bool {
    let n = pin_name.replace('.', "_");
    n.ends_with("_rodata") || n.contains("_rodata_")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A map's pin name and its sorted `(key, value)` entries, as `kload` dumps them.
type MapDump = (String, Vec<(Vec<u8>, Vec<u8>)>);

/// Every observable difference between the reference run and ours, one line each,
/// naming the program, the input or the map.
fn differences(label: &str, reference: &Report, ours: &Report) -> Vec<String> {
    let mut d = Vec::new();
    let names = |r: &Report| {
        r.programs
            .iter()
            .map(|(n, _)| n.clone())
            .collect::<Vec<_>>()
    };
    if names(reference) != names(ours) {
        d.push(format!(
            "{label}: programs ours {:?} clang {:?}",
            names(ours),
            names(reference)
        ));
    }
    for ((name, want), (_, got)) in reference.programs.iter().zip(&ours.programs) {
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            if w.error.is_some() {
                d.push(format!(
                    "{label}: program {name} input #{i}: the clang build's test run failed: {:?}",
                    w.error
                ));
            }
            if w.retval != g.retval || w.error != g.error {
                d.push(format!(
                    "{label}: program {name} input #{i}: return ours {:?} (error {:?}), clang {:?}",
                    g.retval, g.error, w.retval
                ));
            }
            if w.data_out != g.data_out {
                d.push(format!(
                    "{label}: program {name} input #{i}: output packet\n  ours  {}\n  clang {}",
                    hex(&g.data_out),
                    hex(&w.data_out)
                ));
            }
        }
    }
    let writable = |r: &Report| {
        r.maps
            .iter()
            .filter(|(n, _)| !is_read_only_map(n))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (want, got) = (writable(reference), writable(ours));
    let map_names = |m: &[MapDump]| m.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if map_names(&want) != map_names(&got) {
        d.push(format!(
            "{label}: maps ours {:?} clang {:?}",
            map_names(&got),
            map_names(&want)
        ));
    }
    for ((name, w), (_, g)) in want.iter().zip(&got) {
        if w != g {
            let show = |e: &[(Vec<u8>, Vec<u8>)]| {
                e.iter()
                    .map(|(k, v)| format!("{}={}", hex(k), hex(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            d.push(format!(
                "{label}: map {name}\n  ours  {}\n  clang {}",
                show(g),
                show(w)
            ));
        }
    }
    d
}

/// Builds every program of `dir` with clang -O2 and with ebpfc at each of `levels`, runs
/// them all in the kernel and panics with every difference found.
fn check_dir(test: &str, dir: &str, levels: &[OptLevel]) {
    let Some(clang) = tools::require(test, "clang-19") else {
        return;
    };
    if tools::require(test, "bpftool").is_none() || !tools::require_bpf(test) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    let mut checked = 0;
    for src in c_programs(dir) {
        let text = std::fs::read_to_string(&src).expect("read program");
        let cpu = kload::cpu_from_source(&text);
        let stem = file_stem(&src);
        let mut inputs = kload::inputs_from_source(&text);
        if inputs.is_empty() {
            inputs.push(kload::default_packet());
        }
        let ref_dir = tmp.path().join("clang");
        std::fs::create_dir_all(&ref_dir).expect("mkdir");
        let ref_obj = ref_dir.join(format!("{stem}.o"));
        if let Err(e) = clang_build(&clang, &src, cpu, &ref_obj) {
            failures.push(format!("{stem}: clang-19 failed:\n{e}"));
            continue;
        }
        let reference = match kload::load_and_run(&ref_obj, &inputs) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{stem}: the clang build does not load:\n{e}"));
                continue;
            }
        };
        for &level in levels {
            let label = format!("{stem} (ebpfc {level:?}, cpu v{cpu})");
            if level == OptLevel::O0
                && let Some(why) = o2_only(&text)
            {
                println!("{label}: skipped, optimized builds only: {why}");
                continue;
            }
            let our_dir = tmp.path().join(format!("ebpfc-{level:?}"));
            std::fs::create_dir_all(&our_dir).expect("mkdir");
            let our_obj = our_dir.join(format!("{stem}.o"));
            if let Err(e) = ebpfc_build(&src, level, cpu, &our_obj) {
                failures.push(format!("{label}: ebpfc failed:\n{e}"));
                continue;
            }
            match kload::load_and_run(&our_obj, &inputs) {
                Ok(ours) => failures.extend(differences(&label, &reference, &ours)),
                Err(e) => failures.push(format!("{label}: does not load:\n{e}")),
            }
            checked += 1;
        }
    }
    println!("{test}: {checked} builds compared with clang-19 in the kernel");
    assert!(
        failures.is_empty(),
        "{} difference(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn feature_programs_match_clang_at_o2() {
    check_dir(
        "feature_programs_match_clang_at_o2",
        "testsuite/programs/c",
        &[OptLevel::O2],
    );
}

#[test]
fn feature_programs_load_at_o0_and_match_clang() {
    check_dir(
        "feature_programs_load_at_o0_and_match_clang",
        "testsuite/programs/c",
        &[OptLevel::O0],
    );
}

#[test]
fn examples_match_clang() {
    check_dir(
        "examples_match_clang",
        "examples",
        &[OptLevel::O2, OptLevel::O0],
    );
}

/// The comparison itself notices a changed return, packet byte or map entry, and
/// leaves read-only data alone.
#[test]
fn differences_name_the_program_and_map() {
    let run = |retval, data: &[u8]| kload::Run {
        retval: Some(retval),
        data_out: data.to_vec(),
        error: None,
    };
    let base = Report {
        programs: vec![("prog".into(), vec![run(2, &[1, 2, 3])])],
        maps: vec![
            ("counts".into(), vec![(vec![0], vec![1])]),
            ("x_rodata".into(), vec![(vec![0], vec![7])]),
        ],
    };
    assert!(differences("t", &base, &base.clone()).is_empty());

    let mut other = base.clone();
    other.maps[1].1[0].1 = vec![8];
    assert!(
        differences("t", &base, &other).is_empty(),
        "rodata is not compared"
    );

    other.programs[0].1[0] = run(1, &[1, 2, 4]);
    other.maps[0].1[0].1 = vec![9];
    let d = differences("t", &base, &other);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d[0].contains("program prog input #0: return ours Some(1)"));
    assert!(d[1].contains("output packet"));
    assert!(d[2].contains("map counts"));
    assert_eq!(kload::cpu_from_source("// @cpu: v4\nint x;"), 4);
    assert_eq!(kload::cpu_from_source("int x;"), 3);
}
