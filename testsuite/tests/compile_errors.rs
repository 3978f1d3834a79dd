//! Invalid C programs through the real `ebpfc compile` command line: one small program per
//! kind of error in `testsuite/programs/errors/` (preprocessor, lexer, parser, semantic
//! checks, BPF limits, codegen). Each must exit with code 1, leave no object behind (a stale
//! one from an earlier run is removed), and print a rustc-style error; the rendered stderr
//! is snapshotted.
//!
//! Each program's header says what the first error must be:
//! `// EXPECT: E0305 at 5:2` (code, line:column of the caret), and optionally
//! `// ARGS: -mcpu=v1` (extra flags) and `// CLANG-ACCEPTS: why` (clang-19 compiles it:
//! otherwise clang-19 must reject the program too, checked when it is installed). The test checks the code and the ` --> file:line:col`
//! line independently of the snapshots, so a snapshot update cannot move an error to the
//! wrong line unnoticed.
//!
//! Uses the `ebpfc` binary of the same target directory, building it when it is missing or
//! older than this test (see `ebpfc_bin`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn ebpfc_bin() -> Option<PathBuf> {
    testsuite::ebpfc_bin::ebpfc_bin("compile_errors")
}

fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/errors")
}

/// The value of a `// KEY: value` header line.
fn header<'a>(src: &'a str, key: &str) -> Option<&'a str> {
    src.lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| l.strip_prefix("// ")?.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// Compiles `name` from the errors folder; returns (exit code, stderr, whether an output
/// file is left). A stale output file is put in place first.
fn compile_bad(bin: &Path, name: &str) -> (Option<i32>, String, bool) {
    let src = std::fs::read_to_string(errors_dir().join(name)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.o");
    std::fs::write(&out, b"stale object from an earlier run").unwrap();
    let extra: Vec<&str> = header(&src, "ARGS")
        .map(|a| a.split_whitespace().collect())
        .unwrap_or_default();
    let res = Command::new(bin)
        .current_dir(errors_dir())
        .args(["compile", "-O2", "-g", "-target", "bpf"])
        .args(&extra)
        .args(["-c", name, "-o"])
        .arg(&out)
        .output()
        .unwrap();
    (
        res.status.code(),
        String::from_utf8_lossy(&res.stderr).into_owned(),
        out.exists(),
    )
}

fn check(name: &str) {
    let Some(bin) = ebpfc_bin() else { return };
    let src = std::fs::read_to_string(errors_dir().join(name)).unwrap();
    let expect = header(&src, "EXPECT").expect("every error program has an EXPECT header");
    let (code, loc) = expect
        .split_once(" at ")
        .expect("EXPECT: <code> at <line>:<col>");
    let (status, stderr, left) = compile_bad(&bin, name);
    assert_eq!(status, Some(1), "{name}: exit code\n{stderr}");
    assert!(
        !left,
        "{name}: a failed compile must not leave an output file"
    );
    let first_error = stderr
        .lines()
        .find(|l| l.starts_with("error["))
        .unwrap_or_default();
    assert!(
        first_error.starts_with(&format!("error[{code}]")),
        "{name}: first error should be {code}:\n{stderr}"
    );
    let first_loc = stderr
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap_or_default();
    assert_eq!(
        first_loc,
        format!("{name}:{loc}"),
        "{name}: error location\n{stderr}"
    );
    // The caret's line is shown with its source text.
    let line_no: usize = loc.split(':').next().unwrap().parse().unwrap();
    let line_text = src.lines().nth(line_no - 1).unwrap().trim();
    assert!(
        stderr.contains(&format!("{line_no} | ")) && stderr.contains(line_text),
        "{name}: the source line {line_no} is not shown\n{stderr}"
    );
    assert!(
        stderr.ends_with("previous error\n") || stderr.ends_with("previous errors\n"),
        "{name}: missing the closing count\n{stderr}"
    );
    let snap = name.trim_end_matches(".c");
    insta::assert_snapshot!(snap, stderr);
    clang_agrees(name, &src);
}

/// clang-19 rejects the program as well, unless its header says why clang accepts it
/// (`// CLANG-ACCEPTS: <why>`: limits ebpfc checks at compile time that clang leaves to
/// the verifier, and known gaps); then clang must accept it, so the list stays true.
fn clang_agrees(name: &str, src: &str) {
    let Some(clang) = testsuite::tools::find("clang-19") else {
        println!("SKIP {name} against clang: clang-19 is not installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let extra: Vec<&str> = header(src, "ARGS")
        .map(|a| a.split_whitespace().collect())
        .unwrap_or_default();
    let ok = Command::new(clang)
        .current_dir(errors_dir())
        .args(["-O2", "-g", "-target", "bpf"])
        .args(&extra)
        .args(["-c", name, "-o"])
        .arg(tmp.path().join("clang.o"))
        .output()
        .unwrap()
        .status
        .success();
    match header(src, "CLANG-ACCEPTS") {
        Some(why) => assert!(ok, "{name}: clang-19 no longer accepts it ({why})"),
        None => assert!(
            !ok,
            "{name}: clang-19 accepts this program; ebpfc should too"
        ),
    }
}

macro_rules! error_tests {
    ($($test:ident => $file:literal,)*) => {
        $(#[test] fn $test() { check($file); })*

        /// Every program in the folder has a test above.
        #[test]
        fn every_program_is_tested() {
            let listed: Vec<&str> = vec![$($file),*];
            let mut on_disk: Vec<String> = std::fs::read_dir(errors_dir())
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".c"))
                .collect();
            on_disk.sort();
            for f in &on_disk {
                assert!(listed.contains(&f.as_str()), "{f} has no test in compile_errors.rs");
            }
        }
    };
}

error_tests! {
    // preprocessor
    pp_error_directive => "pp_error_directive.c",
    pp_missing_include => "pp_missing_include.c",
    pp_unterminated_if => "pp_unterminated_if.c",
    pp_macro_args => "pp_macro_args.c",
    pp_unterminated_call => "pp_unterminated_call.c",
    // lexer
    lex_unterminated_comment => "lex_unterminated_comment.c",
    lex_unterminated_string => "lex_unterminated_string.c",
    lex_bad_number => "lex_bad_number.c",
    // parser
    parse_syntax => "parse_syntax.c",
    parse_unexpected_eof => "parse_unexpected_eof.c",
    // semantic checks
    sema_undeclared => "sema_undeclared.c",
    implicit_function => "implicit_function.c",
    unsupported_builtin => "unsupported_builtin.c",
    sema_type_mismatch => "sema_type_mismatch.c",
    sema_not_lvalue => "sema_not_lvalue.c",
    sema_assign_const => "sema_assign_const.c",
    sema_redefinition => "sema_redefinition.c",
    sema_arg_count => "sema_arg_count.c",
    sema_global_not_constant => "sema_global_not_constant.c",
    sema_no_member => "sema_no_member.c",
    sema_enum_base_range => "sema_enum_base_range.c",
    sema_enum_base_redeclared => "sema_enum_base_redeclared.c",
    sema_not_callable => "sema_not_callable.c",
    // BPF limits
    bpf_float => "bpf_float.c",
    bpf_vla => "bpf_vla.c",
    bpf_float_conversion => "bpf_float_conversion.c",
    bpf_recursion_direct => "bpf_recursion_direct.c",
    bpf_recursion_mutual => "bpf_recursion_mutual.c",
    bpf_too_many_params => "bpf_too_many_params.c",
    bpf_struct_by_value => "bpf_struct_by_value.c",
    bpf_struct_return => "bpf_struct_return.c",
    bpf_struct_arg_registers => "bpf_struct_arg_registers.c",
    bpf_indirect_call => "bpf_indirect_call.c",
    bpf_variadic => "bpf_variadic.c",
    bpf_inline_asm => "bpf_inline_asm.c",
    bpf_stack_too_large => "bpf_stack_too_large.c",
    // codegen
    cg_sdiv_cpu => "cg_sdiv_cpu.c",
    cg_atomic_cpu => "cg_atomic_cpu.c",
}

/// Errors in the command line itself: exit 1, an E0002 message, no output.
#[test]
fn usage_errors() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x.o");
    for args in [
        vec!["--no-such-flag", "x.c"],
        vec!["-target", "x86_64", "x.c"],
        vec!["-mcpu=v9", "x.c"],
        vec!["-c"],
        vec!["a.c", "b.c"],
    ] {
        let res = Command::new(&bin)
            .arg("compile")
            .args(&args)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[E0002]"), "{args:?}: {err}");
        assert!(!out.exists());
    }
    // A missing input file is an I/O error that names the file.
    let res = Command::new(&bin)
        .args(["compile", "-c", "/nonexistent/dir/x.c", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E0001]") && err.contains("/nonexistent/dir/x.c"),
        "{err}"
    );
    assert!(!out.exists());
}
