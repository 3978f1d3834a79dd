//! Round trips through the C printer (`frontend::parse::print_c`):
//! - parse → print as C → lex and parse again gives the same tree, for every test
//!   input and for the real libbpf/uapi headers (skipped without libbpf-dev);
//! - differential against clang: where clang-19 compiles a test input, it compiles
//!   our printed C to the same BPF assembly. Because the printer parenthesizes every
//!   expression and rebuilds every declarator from the tree, this checks operator
//!   precedence, associativity and declarator structure against clang itself.
//!   Skipped, with a printed reason, without clang-19.

use diag::SourceMap;
use frontend::parse::{parse, print_ast, print_c};
use frontend::preprocess::{PpOptions, preprocess};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Preprocesses and parses a file's text, returning (tree text, C text, error count).
fn parse_file(name: &str, text: &str, include_dirs: Vec<PathBuf>) -> (String, String, usize) {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let opts = PpOptions {
        include_dirs,
        ..PpOptions::default()
    };
    let (tokens, d1) = preprocess(id, &opts, &mut sources);
    let (tu, d2) = parse(&tokens, &sources);
    let errors = d1
        .items
        .iter()
        .chain(&d2.items)
        .filter(|d| d.is_error())
        .count();
    (print_ast(&tu), print_c(&tu), errors)
}

/// Lexes (without preprocessing: the text is already preprocessed) and parses C text.
fn reparse(c: &str) -> (String, String) {
    let mut sources = SourceMap::new();
    let id = sources.add("printed.c", c);
    let (tokens, _) = frontend::lexer::tokenize(id, &sources);
    let (tu, diags) = parse(&tokens, &sources);
    (print_ast(&tu), diag::render_all(&sources, &diags.items))
}

fn test_inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/parse exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .filter(|p| !p.to_string_lossy().contains("errors"))
        .collect();
    files.sort();
    files
}

#[test]
fn printed_c_parses_to_the_same_tree() {
    let files = test_inputs();
    assert!(files.len() >= 8);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (ast, c, errors) = parse_file(&path.display().to_string(), &text, Vec::new());
        assert_eq!(errors, 0, "{}", path.display());
        let (ast2, diags) = reparse(&c);
        assert!(
            diags.is_empty(),
            "{}: printed C does not parse:\n{diags}\n{c}",
            path.display()
        );
        assert_eq!(
            ast,
            ast2,
            "{}: round trip changed the tree; printed C:\n{c}",
            path.display()
        );
    }
}

#[test]
fn printed_headers_parse_to_the_same_tree() {
    if !Path::new("/usr/include/bpf/bpf_helpers.h").exists() {
        println!("SKIP printed_headers_parse_to_the_same_tree: libbpf-dev is not installed");
        return;
    }
    let text = "#include <linux/bpf.h>\n#include <linux/if_ether.h>\n#include <linux/ip.h>\n\
#include <linux/tcp.h>\n#include <linux/udp.h>\n#include <linux/pkt_cls.h>\n\
#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_endian.h>\n#include <bpf/bpf_tracing.h>\n";
    let (ast, c, errors) = parse_file(
        "headers.c",
        text,
        vec![PathBuf::from("/usr/include/x86_64-linux-gnu")],
    );
    assert_eq!(errors, 0);
    let (ast2, diags) = reparse(&c);
    assert!(diags.is_empty(), "{diags}");
    assert!(ast == ast2, "round trip of the headers changed the tree");
}

/// Compiles C text with clang-19 to BPF assembly, without `.file`/`.ident` lines.
fn clang_asm(clang: &Path, dir: &Path, name: &str, text: &str) -> Result<String, String> {
    let src = dir.join(name);
    std::fs::write(&src, text).map_err(|e| e.to_string())?;
    let out = Command::new(clang)
        .args(["-target", "bpf", "-O2", "-S", "-w", "-o", "-"])
        .arg(&src)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim_start().starts_with(".file") && !l.trim_start().starts_with(".ident"))
        .collect::<Vec<_>>()
        .join("\n"))
}

#[test]
fn clang_compiles_printed_c_to_the_same_code() {
    let Some(clang) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("clang-19"))
            .find(|p| p.is_file())
    }) else {
        println!("SKIP clang_compiles_printed_c_to_the_same_code: clang-19 is not installed");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("ebpfc-parse-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut compared = 0;
    for path in test_inputs() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(want) = clang_asm(&clang, &tmp, "orig.c", &text) else {
            println!("note: clang-19 rejects {}, not compared", path.display());
            continue;
        };
        let (_, c, _) = parse_file(&path.display().to_string(), &text, Vec::new());
        let got = clang_asm(&clang, &tmp, "orig.c", &c).unwrap_or_else(|e| {
            panic!("{}: clang rejects the printed C:\n{e}\n{c}", path.display())
        });
        assert_eq!(
            want,
            got,
            "{}: printed C compiles differently:\n{c}",
            path.display()
        );
        compared += 1;
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(compared >= 5, "only {compared} inputs compared");
}

#[test]
fn clang_compiles_printed_example_programs_to_the_same_code() {
    let Some(clang) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("clang-19"))
            .find(|p| p.is_file())
    }) else {
        println!(
            "SKIP clang_compiles_printed_example_programs_to_the_same_code: clang-19 is not installed"
        );
        return;
    };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
                .collect()
        })
        .unwrap_or_default();
    programs.sort();
    if programs.is_empty() {
        println!(
            "SKIP clang_compiles_printed_example_programs_to_the_same_code: no examples/*.bpf.c"
        );
        return;
    }
    let tmp = std::env::temp_dir().join(format!("ebpfc-parse-examples-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let incs = [
        examples.clone(),
        PathBuf::from("/usr/include/x86_64-linux-gnu"),
    ];
    for path in programs {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (_, c, errors) = parse_file(&path.display().to_string(), &text, incs.to_vec());
        assert_eq!(errors, 0, "{}", path.display());
        // The original goes through clang's own preprocessor, with the same -I.
        let out = Command::new(&clang)
            .args(["-target", "bpf", "-O2", "-S", "-w", "-o", "-"])
            .arg(format!("-I{}", examples.display()))
            .arg("-I/usr/include/x86_64-linux-gnu")
            .arg(&path)
            .output()
            .expect("clang runs");
        if !out.status.success() {
            println!("note: clang-19 rejects {}, not compared", path.display());
            continue;
        }
        let want: String = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| {
                !l.trim_start().starts_with(".file") && !l.trim_start().starts_with(".ident")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let got = clang_asm(&clang, &tmp, "printed.c", &c)
            .unwrap_or_else(|e| panic!("{}: clang rejects the printed C:\n{e}", path.display()));
        assert_eq!(
            want,
            got,
            "{}: printed C compiles differently",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
