//! The `ebpfc compile` command line, driven as a user would: `-E` against clang-19's
//! preprocessor, `-S` text reassembled by `ebpfc asm` and llvm-mc-19 into the very bytes
//! `-c` writes, `--emit=ir` text that parses back, clang's default output names, `-` for
//! standard input, `-D/-U/-I/-isystem`, `-target bpfeb`, `-mcpu=v1..v4` (checked on the
//! instruction classes in `.text`, instruction-set.rst "Instruction classes"),
//! determinism across runs and working directories, `-O0` objects that the kernel
//! loads and that behave like the `-O2` ones, and an allocator that reads no
//! environment.
//!
//! Uses the `ebpfc` binary of the same target directory (built when missing or older than
//! this test). Tests needing clang-19, llvm-mc-19, bpftool or bpf() print `SKIP` without.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use testsuite::tools;

fn ebpfc_bin() -> Option<PathBuf> {
    testsuite::ebpfc_bin::ebpfc_bin("compile_cli")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Runs `ebpfc compile ARGS` in `cwd`; panics with stderr unless it succeeds.
fn compile_ok(bin: &Path, cwd: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin)
        .current_dir(cwd)
        .arg("compile")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ebpfc compile {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn run_tool(tool: &Path, args: &[&str], cwd: &Path) -> Output {
    let out = Command::new(tool)
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}",
        tool.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The lines of preprocessed text that carry tokens (no line markers, no blank lines).
fn token_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect()
}

#[test]
fn preprocessed_output_matches_clang() {
    let Some(bin) = ebpfc_bin() else { return };
    let Some(clang) = tools::require("preprocessed_output_matches_clang", "clang-19") else {
        return;
    };
    let dir = examples();
    for ex in ["xdp_counter", "socket_filter", "tc_classifier"] {
        let file = format!("{ex}.bpf.c");
        let ours = compile_ok(&bin, &dir, &["-E", "-target", "bpf", "-I.", &file]);
        let theirs = run_tool(&clang, &["-E", "-target", "bpf", "-I.", &file], &dir);
        let (ours, theirs) = (
            String::from_utf8(ours.stdout).unwrap(),
            String::from_utf8(theirs.stdout).unwrap(),
        );
        assert_eq!(token_lines(&ours), token_lines(&theirs), "{file}");
        // The preprocessed text compiles to the same code as the source.
        let tmp = tempfile::tempdir().unwrap();
        let i = tmp.path().join("x.i.c");
        std::fs::write(&i, &ours).unwrap();
        let a = tmp.path().join("a.o");
        let b = tmp.path().join("b.o");
        compile_ok(&bin, &dir, &["-O2", "-c", &file, "-o", a.to_str().unwrap()]);
        compile_ok(
            &bin,
            &dir,
            &["-O2", "-c", i.to_str().unwrap(), "-o", b.to_str().unwrap()],
        );
        assert_eq!(
            code_of(&a),
            code_of(&b),
            "{file}: -E then -c differs from -c"
        );
    }
}

/// An executable section: name, bytes, relocations as (offset, type, symbol name).
type Code = (String, Vec<u8>, Vec<(u64, String, String)>);

/// Every executable section's bytes and relocations (by offset, type and symbol name).
fn code_of(obj: &Path) -> Vec<Code> {
    let o = linker::elf_read::read_object(&std::fs::read(obj).unwrap(), "x.o").unwrap();
    o.sections
        .values()
        .filter(|s| s.is_exec())
        .map(|s| {
            let relocs = s
                .relocs
                .iter()
                .map(|r| {
                    let sym = &o.symbols[r.symbol];
                    let name = if sym.name.is_empty() {
                        match sym.place {
                            linker::object::SymbolPlace::Section(id) => o.sections[id].name.clone(),
                            _ => String::new(),
                        }
                    } else {
                        sym.name.clone()
                    };
                    (r.byte_off, format!("{:?}", r.kind), name)
                })
                .collect();
            (s.name.clone(), s.data.clone(), relocs)
        })
        .collect()
}

#[test]
fn asm_output_reassembles_to_the_object() {
    let Some(bin) = ebpfc_bin() else { return };
    let llvm_mc = tools::require("asm_output_reassembles_to_the_object", "llvm-mc-19");
    let dir = examples();
    let tmp = tempfile::tempdir().unwrap();
    for ex in ["xdp_counter", "socket_filter", "tc_classifier"] {
        for debug in [false, true] {
            let file = format!("{ex}.bpf.c");
            let t = |n: &str| tmp.path().join(n).to_str().unwrap().to_string();
            let mut flags = vec!["-O2", "-I."];
            if debug {
                flags.push("-g");
            }
            let (obj, s, ours, mc) = (t("c.o"), t("s.s"), t("asm.o"), t("mc.o"));
            compile_ok(
                &bin,
                &dir,
                &[&flags[..], &["-c", &file, "-o", &obj]].concat(),
            );
            compile_ok(&bin, &dir, &[&flags[..], &["-S", &file, "-o", &s]].concat());
            let st = Command::new(&bin)
                .args(["asm", &s, "-o", &ours])
                .status()
                .unwrap();
            assert!(st.success());
            let want = std::fs::read(&obj).unwrap();
            assert!(
                std::fs::read(&ours).unwrap() == want,
                "{file} (-g {debug}): `ebpfc asm` of -S output differs from -c"
            );
            if let Some(mc_bin) = &llvm_mc {
                run_tool(
                    mc_bin,
                    &[
                        "-triple",
                        "bpfel",
                        "-mcpu=v3",
                        "-filetype=obj",
                        &s,
                        "-o",
                        &mc,
                    ],
                    tmp.path(),
                );
                assert_eq!(
                    code_of(Path::new(&mc)),
                    code_of(Path::new(&obj)),
                    "{file} (-g {debug}): llvm-mc of -S output: code or relocations differ"
                );
                assert!(
                    std::fs::read(&mc).unwrap() == want,
                    "{file} (-g {debug}): llvm-mc of -S output is not byte-identical to -c"
                );
            }
        }
    }
}

#[test]
fn ir_output_parses_back() {
    let Some(bin) = ebpfc_bin() else { return };
    let dir = examples();
    for ex in ["xdp_counter", "socket_filter", "tc_classifier"] {
        for opt in ["-O0", "-O2"] {
            let file = format!("{ex}.bpf.c");
            let out = compile_ok(&bin, &dir, &[opt, "-g", "--emit=ir", "-I.", &file]);
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(
                text.contains("function"),
                "{file}: no IR functions:\n{text}"
            );
            let m = ir::parse_module(&text, diag::FileId(0))
                .unwrap_or_else(|d| panic!("{file} {opt}: IR does not parse back: {d:?}"));
            ir::verify_module(&m).unwrap_or_else(|d| panic!("{file} {opt}: {d:?}"));
            assert_eq!(ir::module_to_string(&m), text, "{file} {opt}: round trip");
        }
    }
}

const SMALL: &str = "int f(int x) { return x * 3 + 1; }\n";

#[test]
fn default_output_names_follow_clang() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::create_dir(cwd.join("src")).unwrap();
    std::fs::write(cwd.join("src/prog.bpf.c"), SMALL).unwrap();
    // -c and -S write next to the working directory, named after the input's stem.
    compile_ok(&bin, cwd, &["-O2", "-c", "src/prog.bpf.c"]);
    assert!(cwd.join("prog.bpf.o").is_file());
    compile_ok(&bin, cwd, &["-O2", "-S", "src/prog.bpf.c"]);
    let s = std::fs::read_to_string(cwd.join("prog.bpf.s")).unwrap();
    assert!(s.contains("f:"), "{s}");
    // No -c/-S/-E: an object as well (ebpfc does not link).
    std::fs::remove_file(cwd.join("prog.bpf.o")).unwrap();
    compile_ok(&bin, cwd, &["-O2", "src/prog.bpf.c"]);
    assert!(cwd.join("prog.bpf.o").is_file());
    // -E and --emit=ir print to standard output and write no file.
    let before: Vec<_> = std::fs::read_dir(cwd).unwrap().collect();
    let e = compile_ok(&bin, cwd, &["-E", "src/prog.bpf.c"]);
    assert!(String::from_utf8_lossy(&e.stdout).contains("return x * 3 + 1;"));
    let ir = compile_ok(&bin, cwd, &["--emit=ir", "src/prog.bpf.c"]);
    assert!(String::from_utf8_lossy(&ir.stdout).contains("function"));
    assert_eq!(std::fs::read_dir(cwd).unwrap().count(), before.len());
    // `-o -` sends an object to standard output.
    let o = compile_ok(&bin, cwd, &["-c", "src/prog.bpf.c", "-o", "-"]);
    assert_eq!(o.stdout, std::fs::read(cwd.join("prog.bpf.o")).unwrap());
}

/// Runs `ebpfc compile ARGS` with `input` on standard input.
fn compile_stdin(bin: &Path, cwd: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(bin)
        .current_dir(cwd)
        .arg("compile")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn standard_input_compiles_like_a_file() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::write(cwd.join("x.c"), SMALL).unwrap();
    compile_ok(&bin, cwd, &["-O2", "-c", "x.c", "-o", "file.o"]);
    compile_stdin(
        &bin,
        cwd,
        &["-O2", "-x", "c", "-c", "-", "-o", "stdin.o"],
        SMALL,
    );
    assert_eq!(code_of(&cwd.join("file.o")), code_of(&cwd.join("stdin.o")));
    // Without -o, clang names the outputs of `-` `-.o` and `-.s`.
    compile_stdin(&bin, cwd, &["-O2", "-c", "-"], SMALL);
    assert_eq!(code_of(&cwd.join("-.o")), code_of(&cwd.join("file.o")));
    compile_stdin(&bin, cwd, &["-O2", "-S", "-"], SMALL);
    assert!(cwd.join("-.s").is_file());
    // Errors in standard input name it.
    let res = Command::new(&bin)
        .current_dir(cwd)
        .args(["compile", "-c", "-", "-o", "bad.o"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(b"int f(void) { return y; }\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("--> <stdin>:1:22"), "{err}");
    assert!(!cwd.join("bad.o").exists());
}

/// Standard input, output and error that the caller closed are reopened on `/dev/null`
/// before anything else is opened (as the Rust runtime would; `ebpfc` starts without
/// it): otherwise the input file would take descriptor 0, `/dev/stdin` would name
/// nothing, and output meant for the terminal could reach an open file.
#[test]
fn closed_standard_descriptors_are_reopened() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.o");
    let res = Command::new("sh")
        .args([
            "-c",
            r#"exec "$0" compile -O2 -c /dev/stdin -o "$1" <&- >&-"#,
        ])
        .arg(&bin)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(out.is_file(), "an empty translation unit compiles");
}

#[test]
fn macro_and_include_flags() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    for d in ["inc", "sys", "src"] {
        std::fs::create_dir(cwd.join(d)).unwrap();
    }
    std::fs::write(cwd.join("inc/local.h"), "#define FROM_LOCAL 10\n").unwrap();
    std::fs::write(cwd.join("sys/system.h"), "#define FROM_SYSTEM 20\n").unwrap();
    std::fs::write(
        cwd.join("src/m.c"),
        "#include \"local.h\"\n#include <system.h>\n\
         #ifdef EXTRA\nint extra = EXTRA;\n#endif\n\
         #ifndef VALUE\n#define VALUE 1\n#endif\n\
         int f(void) { return VALUE + FROM_LOCAL + FROM_SYSTEM; }\n",
    )
    .unwrap();
    let pp = |args: &[&str]| {
        let base = ["-E", "-Iinc", "-isystem", "sys", "src/m.c"];
        let out = compile_ok(&bin, cwd, &[args, &base[..]].concat());
        let text = String::from_utf8(out.stdout).unwrap();
        token_lines(&text).join("\n")
    };
    assert_eq!(pp(&[]), "int f(void) { return 1 + 10 + 20; }");
    assert_eq!(
        pp(&["-DVALUE=7", "-DEXTRA"]),
        "int extra = 1;\nint f(void) { return 7 + 10 + 20; }"
    );
    assert_eq!(
        pp(&["-D", "EXTRA=3", "-UEXTRA", "-D", "VALUE=(2*4)"]),
        "int f(void) { return (2*4) + 10 + 20; }"
    );
    // Without the search directories the includes are missing.
    let res = Command::new(&bin)
        .current_dir(cwd)
        .args(["compile", "-E", "src/m.c"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("error[E0107]"));
    // -I folders serve <...> includes too, and "..." includes fall back to -isystem ones.
    std::fs::write(
        cwd.join("src/q.c"),
        "#include <local.h>\nint v = FROM_LOCAL;\n",
    )
    .unwrap();
    compile_ok(&bin, cwd, &["-c", "-Iinc", "src/q.c", "-o", "q.o"]);
    std::fs::write(
        cwd.join("src/r.c"),
        "#include \"system.h\"\nint v = FROM_SYSTEM;\n",
    )
    .unwrap();
    compile_ok(
        &bin,
        cwd,
        &["-c", "-isystem", "sys", "src/r.c", "-o", "r.o"],
    );
    // libbpf-bootstrap's line: system folders through -idirafter, -D__TARGET_ARCH_x86.
    compile_ok(
        &bin,
        cwd,
        &[
            "-g",
            "-O2",
            "-target",
            "bpf",
            "-D__TARGET_ARCH_x86",
            "-Iinc",
            "-idirafter",
            "sys",
            "-Wall",
            "-c",
            "src/m.c",
            "-o",
            "m.tmp.bpf.o",
        ],
    );
    assert!(cwd.join("m.tmp.bpf.o").is_file());
}

#[test]
fn bpfeb_target_writes_big_endian_objects() {
    let Some(bin) = ebpfc_bin() else { return };
    let dir = examples();
    let tmp = tempfile::tempdir().unwrap();
    for (flags, big) in [
        (&["-target", "bpfeb"][..], true),
        (&["--target=bpfeb"][..], true),
        (&["-target", "bpfel"][..], false),
        (&["-target", "bpf", "-mbig-endian"][..], true),
    ] {
        let o = tmp.path().join("x.o");
        let o_s = o.to_str().unwrap();
        compile_ok(
            &bin,
            &dir,
            &[
                flags,
                &["-O2", "-g", "-I.", "-c", "xdp_counter.bpf.c", "-o", o_s],
            ]
            .concat(),
        );
        let bytes = std::fs::read(&o).unwrap();
        // e_ident[EI_DATA]: 1 little, 2 big.
        assert_eq!(bytes[5], if big { 2 } else { 1 }, "{flags:?}");
        let obj = linker::elf_read::read_object(&bytes, "x.o").unwrap();
        let want = if big {
            linker::object::Endian::Big
        } else {
            linker::object::Endian::Little
        };
        assert_eq!(obj.endian, want);
        // The first instruction `r4 = r1` (mov64 reg) puts dst in the high nibble of the
        // register byte on big-endian, in the low nibble on little-endian.
        let text = &obj.sections[obj.section_by_name(".text").unwrap()].data;
        assert_eq!(text[0], 0xbf);
        assert_eq!(text[1], if big { 0x41 } else { 0x14 }, "{flags:?}");
    }
}

/// Opcode bytes of every instruction in the object's executable sections (skipping the
/// second half of `ld_imm64`), with the 16-bit offset field, little-endian objects only.
fn insns(obj: &Path) -> Vec<(u8, i16)> {
    let mut out = Vec::new();
    for (_, data, _) in code_of(obj) {
        let mut i = 0;
        while i + 8 <= data.len() {
            let op = data[i];
            out.push((op, i16::from_le_bytes([data[i + 2], data[i + 3]])));
            i += if op == 0x18 { 16 } else { 8 };
        }
    }
    out
}

const CPU_PROG: &str = "\
unsigned int narrow(unsigned int a, unsigned int b)
{
	if (a < b)
		return a * 3 + b;
	return a - b;
}
long widen(signed char *p, long a, long b)
{
	if (a <= b)
		return *p;
	return a >> 3;
}
unsigned short swap(unsigned short x) { return __builtin_bswap16(x); }
long sdiv(long a, long b) { return a / b; }
";

#[test]
fn mcpu_selects_the_instruction_set() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::write(cwd.join("cpu.c"), CPU_PROG).unwrap();
    // Signed division exists from v4 only (as in clang, an error below).
    std::fs::write(
        cwd.join("nodiv.c"),
        CPU_PROG.replace("return a / b;", "return a + b;"),
    )
    .unwrap();
    let class = |op: u8| op & 7;
    const ALU: u8 = 0x04;
    const JMP: u8 = 0x05;
    const JMP32: u8 = 0x06;
    const ALU64: u8 = 0x07;
    for cpu in 1..=4 {
        let flag = format!("-mcpu=v{cpu}");
        let src = if cpu == 4 { "cpu.c" } else { "nodiv.c" };
        compile_ok(&bin, cwd, &["-O2", &flag, "-c", src, "-o", "x.o"]);
        let is = insns(&cwd.join("x.o"));
        // ALU32 and JMP32 arrive with v3; only the byte swaps (`be16`, END) sit in
        // the ALU class at every level.
        let alu32 = is
            .iter()
            .any(|&(op, _)| (class(op) == ALU && op & 0xf0 != 0xd0) || class(op) == JMP32);
        // v2 adds jlt/jle/jslt/jsle (ops 0xa0, 0xb0, 0xc0, 0xd0 in the JMP classes).
        let lt = is.iter().any(|&(op, _)| {
            (class(op) == JMP || class(op) == JMP32)
                && matches!(op & 0xf0, 0xa0 | 0xb0 | 0xc0 | 0xd0)
        });
        // v4: sdiv/smod and movsx (offset 1/8/16/32 on div, mod, mov), memsx loads, bswap.
        let v4 = is.iter().any(|&(op, off)| {
            let alu = class(op) == ALU || class(op) == ALU64;
            (alu && matches!(op & 0xf0, 0x30 | 0x90 | 0xb0) && off != 0)
                || (class(op) == 0x01 && op & 0xe0 == 0x80)
                || op == 0xd7
        });
        match cpu {
            1 => assert!(!alu32 && !lt && !v4, "v1: {is:x?}"),
            2 => assert!(!alu32 && !v4, "v2: {is:x?}"),
            3 => assert!(alu32 && !v4, "v3 uses ALU32/JMP32 and no v4 instruction"),
            _ => assert!(alu32 && v4, "v4 uses sdiv/movsx/bswap"),
        }
        // The assembler re-checks the level: the -S text assembles at that -mcpu.
        compile_ok(&bin, cwd, &["-O2", &flag, "-S", src, "-o", "x.s"]);
        let st = Command::new(&bin)
            .current_dir(cwd)
            .args(["asm", &flag, "x.s", "-o", "y.o"])
            .status()
            .unwrap();
        assert!(st.success(), "{flag}");
        assert_eq!(
            code_of(&cwd.join("x.o")),
            code_of(&cwd.join("y.o")),
            "{flag}"
        );
    }
    let res = Command::new(&bin)
        .current_dir(cwd)
        .args(["compile", "-mcpu=v3", "-c", "cpu.c", "-o", "x3.o"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("error[E0502]"));
    // `generic` is v1 and `probe` is v3, as in clang.
    for (name, same_as) in [("generic", "v1"), ("probe", "v3")] {
        compile_ok(
            &bin,
            cwd,
            &[&format!("-mcpu={name}"), "-c", "nodiv.c", "-o", "a.o"],
        );
        compile_ok(
            &bin,
            cwd,
            &[&format!("-mcpu={same_as}"), "-c", "nodiv.c", "-o", "b.o"],
        );
        assert_eq!(
            std::fs::read(cwd.join("a.o")).unwrap(),
            std::fs::read(cwd.join("b.o")).unwrap()
        );
    }
}

#[test]
fn output_is_deterministic_across_runs_and_directories() {
    let Some(bin) = ebpfc_bin() else { return };
    let ex = examples();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for d in [&a, &b] {
        std::fs::create_dir(d).unwrap();
        for f in [
            "ebpfc_bpf.h",
            "xdp_counter.bpf.c",
            "tc_classifier.bpf.c",
            "socket_filter.bpf.c",
        ] {
            std::fs::copy(ex.join(f), d.join(f)).unwrap();
        }
    }
    for f in ["xdp_counter", "tc_classifier", "socket_filter"] {
        let src = format!("{f}.bpf.c");
        let abs = ex.join(&src);
        let abs = abs.to_str().unwrap();
        let inc = format!("-I{}", ex.display());
        for emit in ["-c", "-S"] {
            let run = |cwd: &Path, input: &str| {
                compile_ok(&bin, cwd, &["-O2", "-g", &inc, emit, input, "-o", "-"]).stdout
            };
            // Same absolute input from two working directories, twice.
            let first = run(&a, abs);
            assert!(first == run(&a, abs), "{src} {emit}: two runs differ");
            assert!(
                first == run(&b, abs),
                "{src} {emit}: working directory changes output"
            );
            // Same relative input in two directories: as clang, line_info records the
            // working directory, which -fdebug-prefix-map takes out again.
            let mapped = |cwd: &Path| {
                let map = format!("-fdebug-prefix-map={}=/src", cwd.display());
                compile_ok(&bin, cwd, &["-O2", "-g", &inc, &map, emit, &src, "-o", "-"]).stdout
            };
            assert!(
                mapped(&a) == mapped(&b),
                "{src} {emit}: mapped copies differ"
            );
            if emit == "-c" {
                let recorded =
                    |obj: &[u8], name: &str| obj.windows(name.len()).any(|w| w == name.as_bytes());
                let in_a = format!("{}/{src}\0", a.display());
                assert!(
                    recorded(&run(&a, &src), &in_a),
                    "{src}: no {in_a:?} in line_info"
                );
                assert!(
                    recorded(&mapped(&a), &format!("/src/{src}\0")),
                    "{src}: not mapped"
                );
            }
        }
    }
}

#[test]
fn o0_objects_load_and_behave_like_o2() {
    let Some(bin) = ebpfc_bin() else { return };
    if tools::require("o0_objects_load_and_behave_like_o2", "bpftool").is_none()
        || !tools::require_bpf("o0_objects_load_and_behave_like_o2")
    {
        return;
    }
    let dir = examples();
    let tmp = tempfile::tempdir().unwrap();
    for ex in ["xdp_counter", "socket_filter", "tc_classifier"] {
        let file = format!("{ex}.bpf.c");
        let mut reports = Vec::new();
        for opt in ["-O0", "-O2"] {
            let o = tmp.path().join(format!("{ex}{opt}.o"));
            compile_ok(
                &bin,
                &dir,
                &[opt, "-g", "-I.", "-c", &file, "-o", o.to_str().unwrap()],
            );
            let inputs = vec![testsuite::kload::default_packet()];
            match testsuite::kload::load_and_run(&o, &inputs) {
                Ok(r) => reports.push(r),
                Err(e) => panic!("{file} {opt} does not load:\n{e}"),
            }
        }
        assert!(!reports[0].programs.is_empty(), "{file}: no programs");
        assert_eq!(
            reports[0].programs, reports[1].programs,
            "{file}: -O0 and -O2 programs behave differently"
        );
        // Maps and writable data end equal. Read-only data may differ: -O2 folds
        // constant globals into the code (as clang), -O0 keeps them in `.rodata*`.
        let writable = |r: &testsuite::kload::Report| {
            r.maps
                .iter()
                .filter(|(name, _)| !name.contains("rodata"))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            writable(&reports[0]),
            writable(&reports[1]),
            "{file}: -O0 and -O2 leave different map contents"
        );
    }
}

#[test]
fn warnings_print_and_the_compile_succeeds() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::write(
        cwd.join("w.c"),
        "#warning \"check this\"\nint f(void) { return 1; }\n",
    )
    .unwrap();
    let out = compile_ok(&bin, cwd, &["-O2", "-c", "w.c", "-o", "w.o"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning[E0116]") && err.contains("--> w.c:1:1"),
        "{err}"
    );
    assert!(!err.contains("error"), "{err}");
    assert!(cwd.join("w.o").is_file());
}

/// `-Wno-FLAG` hides the warnings that name `[-WFLAG]`, `-w` hides all, and a later
/// `-WFLAG` turns one back on, as in clang.
#[test]
fn warning_flags_hide_warnings() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    std::fs::write(
        cwd.join("w.c"),
        "#warning \"check this\"\nint g(int x) { return x; }\nint f(void *p) { return g(p); }\n",
    )
    .unwrap();
    let stderr = |flags: &[&str]| {
        let mut args = vec!["-O2", "-c", "w.c", "-o", "w.o"];
        args.extend_from_slice(flags);
        String::from_utf8_lossy(&compile_ok(&bin, cwd, &args).stderr).into_owned()
    };
    let all = stderr(&[]);
    assert!(
        all.contains("[-Wint-conversion]") && all.contains("E0116"),
        "{all}"
    );
    let some = stderr(&["-Wno-int-conversion"]);
    assert!(
        !some.contains("[-Wint-conversion]") && some.contains("E0116"),
        "{some}"
    );
    let back = stderr(&["-Wno-int-conversion", "-Wint-conversion"]);
    assert!(back.contains("[-Wint-conversion]"), "{back}");
    assert_eq!(stderr(&["-w"]), "");
}

/// `-M`, `-MM`, `-MD`, `-MMD` with `-MF`, `-MT`, `-MQ`, `-MP` write the same make rules
/// as clang-19 (system headers from <linux/bpf.h> included, a quoted header, a space
/// in a folder name); without clang, our rule for a known header set is checked alone.
#[test]
fn dependency_rules_match_clang() {
    let Some(bin) = ebpfc_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my src");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("local.h"), "#define LOCAL 1\n").unwrap();
    std::fs::write(
        dir.join("p.bpf.c"),
        "#include <linux/bpf.h>\n#include \"local.h\"\nint x = LOCAL;\n",
    )
    .unwrap();
    let inc = "-I/usr/include/x86_64-linux-gnu";
    let ours = compile_ok(
        &bin,
        tmp.path(),
        &["-target", "bpf", "-MM", "my src/p.bpf.c"],
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        "p.bpf.o: my\\ src/p.bpf.c my\\ src/local.h\n"
    );
    let Some(clang) = tools::require("dependency_rules_match_clang", "clang-19") else {
        return;
    };
    let cases: &[&[&str]] = &[
        &["-M", inc, "my src/p.bpf.c"],
        &[
            "-MM",
            "-MP",
            "-MT",
            "t1",
            "-MQ",
            "t$2",
            inc,
            "my src/p.bpf.c",
        ],
        &["-M", "-MF", "out.d", inc, "my src/p.bpf.c"],
        &["-MD", "-O2", inc, "-c", "my src/p.bpf.c", "-o", "obj.o"],
        &[
            "-MMD",
            "-MP",
            "-MF",
            "x.dep",
            "-O2",
            inc,
            "-c",
            "my src/p.bpf.c",
            "-o",
            "o2.o",
        ],
    ];
    for args in cases {
        let files = ["out.d", "obj.d", "x.dep"];
        for f in files {
            let _ = std::fs::remove_file(tmp.path().join(f));
        }
        let theirs = run_tool(&clang, &[&["-target", "bpf"], *args].concat(), tmp.path());
        let saved: Vec<Option<Vec<u8>>> = files
            .iter()
            .map(|f| std::fs::read(tmp.path().join(f)).ok())
            .collect();
        for f in files {
            let _ = std::fs::remove_file(tmp.path().join(f));
        }
        let ours = compile_ok(&bin, tmp.path(), &[&["-target", "bpf"], *args].concat());
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{args:?}"
        );
        for (f, want) in files.iter().zip(saved) {
            let got = std::fs::read(tmp.path().join(f)).ok();
            assert_eq!(
                got.as_deref().map(String::from_utf8_lossy),
                want.as_deref().map(String::from_utf8_lossy),
                "{args:?}: {f}"
            );
        }
    }
}
