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
    parse_file_with(name, text, include_dirs, Vec::new())
}

fn parse_file_with(
    name: &str,
    text: &str,
    include_dirs: Vec<PathBuf>,
    defines: Vec<(String, Option<String>)>,
) -> (String, String, usize) {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let opts = PpOptions {
        include_dirs,
        defines,
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

/// Disassembly and relocations of an object, without its header line (file name).
fn objdump(obj: &Path) -> Option<String> {
    let out = Command::new("llvm-objdump-19")
        .args(["-d", "-r", "--no-show-raw-insn"])
        .arg(obj)
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(2)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[test]
fn clang_compiles_printed_core_program_to_the_same_code() {
    let test = "clang_compiles_printed_core_program_to_the_same_code";
    let have = |tool: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
    };
    if !have("clang-19") || !have("llvm-objdump-19") || !have("bpftool") {
        println!("SKIP {test}: needs clang-19, llvm-objdump-19 and bpftool");
        return;
    }
    if !Path::new("/usr/include/bpf/bpf_core_read.h").exists() {
        println!("SKIP {test}: libbpf-dev is not installed");
        return;
    }
    let dump = Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output();
    let Some(dump) = dump.ok().filter(|o| o.status.success()) else {
        println!("SKIP {test}: `bpftool btf dump` of /sys/kernel/btf/vmlinux failed");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("ebpfc-parse-core-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    std::fs::write(tmp.join("vmlinux.h"), &dump.stdout).expect("write vmlinux.h");
    // A CO-RE tracing program in the libbpf-tools style: BPF_KPROBE/BPF_PROG wrappers,
    // BPF_CORE_READ chains, field/type/enum existence checks, maps, ring buffer.
    let program = r#"#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, u32); __type(value, u64); } starts SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 256 * 1024); } rb SEC(".maps");
struct event { u32 pid; char comm[16]; u64 delta; };
SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)
{
    pid_t pid = bpf_get_current_pid_tgid() >> 32;
    const char *filename = BPF_CORE_READ(name, name);
    u64 ts = bpf_ktime_get_ns();
    bpf_map_update_elem(&starts, &pid, &ts, BPF_ANY);
    bpf_printk("pid = %d, filename = %s\n", pid, filename);
    return 0;
}
SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(do_unlinkat_exit, long ret)
{
    u32 pid = bpf_get_current_pid_tgid() >> 32;
    u64 *tsp = bpf_map_lookup_elem(&starts, &pid);
    struct event *e;
    if (!tsp) return 0;
    e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
    if (!e) return 0;
    e->pid = pid;
    e->delta = bpf_ktime_get_ns() - *tsp;
    bpf_get_current_comm(&e->comm, sizeof(e->comm));
    bpf_ringbuf_submit(e, 0);
    if (bpf_core_field_exists(struct task_struct, pid)) {
        struct task_struct *t = (void *)bpf_get_current_task();
        int p = BPF_CORE_READ(t, real_parent, tgid);
        bpf_printk("%d %d", p, bpf_core_type_size(struct task_struct));
    }
    if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) bpf_printk("loop");
    return 0;
}
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
    u64 x = bpf_htonl(1) + bpf_ntohs(2) + BPF_CORE_READ(next, pid);
    if (bpf_core_type_exists(struct task_struct)) x++;
    return x > 0;
}
char LICENSE[] SEC("license") = "GPL";
"#;
    let main = tmp.join("core.bpf.c");
    std::fs::write(&main, program).expect("write program");
    // Without the vmlinux.h `#pragma clang attribute` (which the printed C cannot carry),
    // so both builds get CO-RE relocations only from the explicit builtins.
    let defines = vec![
        ("__TARGET_ARCH_x86".to_string(), None),
        ("BPF_NO_PRESERVE_ACCESS_INDEX".to_string(), None),
    ];
    let (_, c, errors) = parse_file_with(
        &main.display().to_string(),
        program,
        vec![tmp.clone()],
        defines,
    );
    assert_eq!(errors, 0);
    let printed = tmp.join("printed.c");
    std::fs::write(&printed, &c).expect("write printed C");
    // Macro-expanded system-header code loses clang's system-header leniency in the
    // printed file: keep int-conversion a warning there.
    let flags = [
        "-target",
        "bpf",
        "-O2",
        "-g",
        "-c",
        "-w",
        "-Wno-error=int-conversion",
    ];
    let build = |src: &Path, obj: &Path, extra: &[&str]| {
        Command::new("clang-19")
            .args(flags)
            .args(extra)
            .arg("-o")
            .arg(obj)
            .arg(src)
            .status()
            .is_ok_and(|s| s.success())
    };
    let inc = format!("-I{}", tmp.display());
    assert!(build(
        &main,
        &tmp.join("a.o"),
        &[
            "-D__TARGET_ARCH_x86",
            "-DBPF_NO_PRESERVE_ACCESS_INDEX",
            &inc
        ]
    ));
    assert!(
        build(&printed, &tmp.join("b.o"), &[]),
        "clang rejects the printed program"
    );
    let (want, got) = (objdump(&tmp.join("a.o")), objdump(&tmp.join("b.o")));
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        want.is_some() && want == got,
        "printed CO-RE program compiles differently"
    );
}
