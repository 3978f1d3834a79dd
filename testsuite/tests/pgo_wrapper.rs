//! The rustc wrapper that applies profile-guided optimization (`pgo/rustc-wrapper`,
//! set as `build.rustc-wrapper` in `.cargo/config.toml`; see `pgo/README.md`): which
//! rustc calls get the profile, which get instrumentation, and which stay unchanged.
//! Each case runs the wrapper with `echo` standing in for rustc, so the test sees the
//! arguments rustc would get.

use std::path::{Path, PathBuf};
use std::process::Command;

fn pgo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../pgo")
}

/// The arguments the wrapper passes on to "rustc" (`echo`), or None where `sh` or
/// `echo` cannot run (then the test says it skips).
fn wrapped(args: &[&str], generate: Option<&str>) -> Option<Vec<String>> {
    let mut cmd = Command::new(pgo_dir().join("rustc-wrapper"));
    cmd.arg("echo").args(args).env_remove("EBPFC_PGO_GENERATE");
    if let Some(dir) = generate {
        cmd.env("EBPFC_PGO_GENERATE", dir);
    }
    match cmd.output() {
        Ok(out) if out.status.success() => Some(
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        ),
        Ok(out) => panic!(
            "the wrapper failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            eprintln!("skipped: cannot run pgo/rustc-wrapper through sh ({e})");
            None
        }
    }
}

const RELEASE: &[&str] = &[
    "--crate-name",
    "ir",
    "-C",
    "opt-level=3",
    "--target",
    "x86_64-unknown-linux-gnu",
];

#[test]
fn release_builds_for_x86_64_linux_use_the_committed_profile() {
    let profile = pgo_dir().join("ebpfc.profdata");
    assert!(
        profile.is_file(),
        "pgo/ebpfc.profdata is missing: `cargo run --release -p testsuite --bin pgo-train`"
    );
    let Some(args) = wrapped(RELEASE, None) else {
        return;
    };
    let used: Vec<&String> = args
        .iter()
        .filter(|a| a.starts_with("-Cprofile-use="))
        .collect();
    assert_eq!(used.len(), 1, "{args:?}");
    let path = Path::new(used[0].trim_start_matches("-Cprofile-use="));
    // An absolute path: rustc runs dependencies from their own folders.
    assert!(path.is_absolute(), "{args:?}");
    assert_eq!(
        path.canonicalize().ok(),
        profile.canonicalize().ok(),
        "{args:?}"
    );
    assert_eq!(&args[..RELEASE.len()], RELEASE);
}

#[test]
fn instrumented_builds_write_the_profile_and_set_the_cfg() {
    let Some(args) = wrapped(RELEASE, Some("/tmp/raw")) else {
        return;
    };
    assert!(
        args.contains(&"-Cprofile-generate=/tmp/raw".to_string()),
        "{args:?}"
    );
    let cfg = args.iter().position(|a| a == "--cfg");
    assert_eq!(
        cfg.and_then(|i| args.get(i + 1)).map(String::as_str),
        Some("ebpfc_pgo_generate"),
        "{args:?}"
    );
    assert!(
        !args.iter().any(|a| a.starts_with("-Cprofile-use")),
        "{args:?}"
    );
}

#[test]
fn other_builds_pass_through_unchanged() {
    let cases: &[&[&str]] = &[
        // a debug build
        &[
            "--crate-name",
            "ir",
            "-C",
            "opt-level=0",
            "--target",
            "x86_64-unknown-linux-gnu",
        ],
        // a build script or proc macro (for the host: no --target)
        &["--crate-name", "build_script_build", "-C", "opt-level=3"],
        // another target
        &[
            "--crate-name",
            "ir",
            "-C",
            "opt-level=3",
            "--target",
            "aarch64-unknown-linux-gnu",
        ],
        // a fuzzing build
        &[
            "--crate-name",
            "ir",
            "-C",
            "opt-level=3",
            "-Zsanitizer=address",
            "--target",
            "x86_64-unknown-linux-gnu",
        ],
        // cargo's probe of the compiler
        &["-vV"],
    ];
    for case in cases {
        let Some(args) = wrapped(case, None) else {
            return;
        };
        assert_eq!(args, *case, "changed: {case:?}");
    }
}
