//! Fuzz regressions on stable Rust: every input under `testsuite/fuzz-regressions/<target>/`
//! (crashes the cargo-fuzz targets in `fuzz/` found, and hand-written hostile inputs) goes
//! through the same entry point as its fuzz target, and must come back as `Ok` or as
//! diagnostics that render rustc-style, never as a panic or a stack overflow. The
//! pathological inputs too big to commit (100 000-deep nesting, truncated ELF headers,
//! cyclic BTF) are generated here.
//!
//! Invariants: tests run on the default 2 MiB test-thread stack, so a recursion that
//! follows user-controlled depth fails here; nothing reads outside this repository.

use diag::SourceMap;
use ebpfc::{CompileOptions, Emit, Output};
use linker::btf::{Btf, BtfType, Linkage, Member, TypeData, VarSecInfo};
use linker::link::{LinkOptions, link_files};
use linker::object::{
    Binding, Endian, Object, SHF_ALLOC, SHF_EXECINSTR, Section, SectionKind, Symbol, SymbolKind,
    SymbolPlace, Visibility,
};
use std::path::{Path, PathBuf};

/// The regression inputs of one fuzz target, sorted by name.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz-regressions")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} holds no inputs", dir.display());
    out
}

/// Asserts that rendered diagnostics look like rustc's: an error line with a code.
fn assert_renders(rendered: &str, what: &str) {
    assert!(
        rendered.contains("error[E"),
        "{what}: errors do not render with a code:\n{rendered}"
    );
}

/// What the `c_compile` target does: `ebpfc compile -O2 -g -c` on the text. Returns
/// the rendered errors (empty on success).
fn compile_c(name: &str, text: &str) -> String {
    let opts = CompileOptions {
        debug_info: true,
        ..CompileOptions::default()
    };
    let mut sources = SourceMap::new();
    match ebpfc::compile_source(&mut sources, name, text, Emit::Object, &opts) {
        Ok(c) => {
            let Output::Object(bytes) = c.output else {
                panic!("{name}: -c gave no object");
            };
            linker::elf_read::read_object(&bytes, name)
                .unwrap_or_else(|d| panic!("{name}: our object does not read back: {d:?}"));
            String::new()
        }
        Err(diags) => {
            let r = diag::render_all(&sources, &diags.items);
            assert_renders(&r, name);
            r
        }
    }
}

/// Like [`compile_c`] for a file on disk (so `#include` resolves next to it).
fn compile_c_file(path: &Path) -> String {
    let opts = CompileOptions {
        debug_info: true,
        ..CompileOptions::default()
    };
    let mut sources = SourceMap::new();
    match ebpfc::compile(&mut sources, path, Emit::Object, &opts) {
        Ok(_) => String::new(),
        Err(diags) => {
            let r = diag::render_all(&sources, &diags.items);
            assert_renders(&r, &path.display().to_string());
            r
        }
    }
}

/// What the `asm_text` target does: parse (each dialect), assemble (both byte orders),
/// write, read back.
fn assemble_text(name: &str, text: &str) {
    use asm::isa::{CpuVersion, Dialect};
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    for dialect in [None, Some(Dialect::Llvm), Some(Dialect::Gnu)] {
        let (module, diags) = asm::text::parse(text, file, dialect);
        if !diags.is_empty() {
            assert_renders(&diag::render_all(&sources, &diags), name);
        }
        for (endian, cpu) in [
            (Endian::Little, CpuVersion::V4),
            (Endian::Big, CpuVersion::V1),
        ] {
            match asm::assemble(&module, file, &asm::AsmOptions { endian, cpu }) {
                Ok(obj) => {
                    let bytes = linker::elf_write::write_object(&obj);
                    let _ = linker::elf_read::read_object(&bytes, name);
                }
                Err(ds) => assert_renders(&diag::render_all(&sources, &ds), name),
            }
        }
    }
}

/// What the `elf_read` target does: read, parse BTF, link alone and with a valid partner.
fn read_and_link(name: &str, bytes: &[u8], partner: &[u8]) -> bool {
    if let Ok(objs) = linker::elf_read::read_input(bytes, name) {
        for (n, obj) in &objs {
            if let Some(sec) = obj.section_by_name(".BTF")
                && let Ok(btf) = Btf::parse(&obj.sections[sec].data, n)
            {
                let _ = linker::btf::dump::dump(&btf);
                let _ = btf.encode(obj.endian);
                if let Some(ext) = obj.section_by_name(".BTF.ext") {
                    let _ = linker::btf::ext::BtfExt::parse(&obj.sections[ext].data, &btf, n);
                }
            }
        }
    }
    let mine = (name.to_string(), bytes.to_vec());
    let mut linked = false;
    for files in [
        vec![mine.clone()],
        vec![mine, ("partner.o".to_string(), partner.to_vec())],
    ] {
        match link_files(&files, &LinkOptions { verbose: true }) {
            Ok(l) => {
                let out = linker::elf_write::write_object(&l.object);
                linker::elf_read::read_object(&out, "linked.o")
                    .unwrap_or_else(|d| panic!("{name}: linked output does not read back: {d:?}"));
                linked = true;
            }
            Err(ds) => assert_renders(&diag::render_all(&SourceMap::new(), &ds), name),
        }
    }
    linked
}

/// A valid object with maps, globals, BTF and `.BTF.ext`, from our own compiler.
fn partner() -> Vec<u8> {
    let src = r#"
struct { int type; int max_entries; int *key; long *value; } counts
    __attribute__((section(".maps"), used)) = { 2, 4 };
int total = 3;
static long (*lookup)(void *map, const void *key) = (void *)1;
__attribute__((noinline)) int helper(int x) { return x * 2 + total; }
__attribute__((section("xdp"), used)) int prog(void *ctx) {
    int k = 0;
    long *v = (long *)lookup(&counts, &k);
    if (v) *v += 1;
    return helper(k);
}
char _license[] __attribute__((section("license"), used)) = "GPL";
"#;
    let opts = CompileOptions {
        debug_info: true,
        ..CompileOptions::default()
    };
    let mut sources = SourceMap::new();
    match ebpfc::compile_source(&mut sources, "partner.c", src, Emit::Object, &opts) {
        Ok(c) => match c.output {
            Output::Object(b) => b,
            _ => unreachable!("-c gives an object"),
        },
        Err(d) => panic!("{}", diag::render_all(&sources, &d.items)),
    }
}

#[test]
fn c_compile_regressions() {
    for (path, _) in inputs("c_compile") {
        let _ = compile_c_file(&path);
    }
}

#[test]
fn asm_text_regressions() {
    for (path, bytes) in inputs("asm_text") {
        assemble_text(
            &path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }
}

#[test]
fn elf_read_regressions() {
    let partner = partner();
    for (path, bytes) in inputs("elf_read") {
        read_and_link(&path.display().to_string(), &bytes, &partner);
    }
}

#[test]
fn ir_text_regressions() {
    for (path, bytes) in inputs("ir_text") {
        if let Err(violation) = ir::fuzzing::check_text(&String::from_utf8_lossy(&bytes)) {
            panic!("{}: {violation}", path.display());
        }
    }
}

#[test]
fn isa_decode_regressions() {
    use asm::isa;
    for (path, bytes) in inputs("isa_decode") {
        for endian in [Endian::Little, Endian::Big] {
            if let Ok((insn, used)) = isa::decode(&bytes, endian) {
                let mut again = Vec::new();
                isa::encode(&insn, endian, &mut again);
                assert_eq!(&again[..], &bytes[..used], "{}", path.display());
            }
            let _ = asm::disasm::disassemble(&bytes, 0, endian);
        }
        let opts = asm::objdump::Options {
            disassemble: true,
            relocs: true,
            contents: true,
            ..Default::default()
        };
        if let Err(d) = asm::objdump::dump(&bytes, "fuzz.o", &opts) {
            assert_renders(&diag::render_all(&SourceMap::new(), &[d]), "objdump");
        }
    }
}

/// 100 000-deep nesting of every recursive construct is an error, not a stack overflow
/// (nor, for nested macro arguments, gigabytes of memory: clang-19 runs out there).
#[test]
fn deep_nesting_is_an_error() {
    const N: usize = 100_000;
    let cases = [
        (
            "parens",
            format!(
                "int f(void) {{ return {}1{}; }}",
                "(".repeat(N),
                ")".repeat(N)
            ),
        ),
        (
            "braces",
            format!(
                "int f(void) {{ {}{} return 0; }}",
                "{".repeat(N),
                "}".repeat(N)
            ),
        ),
        ("unclosed", format!("int x = {}1;", "(".repeat(N))),
        (
            "init",
            format!("int x = {}1{};", "{".repeat(N), "}".repeat(N)),
        ),
        (
            "unary",
            format!("int f(int x) {{ return {}x; }}", "-".repeat(N)),
        ),
        (
            "binary",
            format!("int f(int x) {{ return x{}; }}", "+x".repeat(N)),
        ),
        (
            "ifs",
            format!("int f(int x) {{ {}x = 1; return x; }}", "if (x) ".repeat(N)),
        ),
        (
            "casts",
            format!("int f(int x) {{ return {}x; }}", "(int)".repeat(N)),
        ),
        ("pointers", format!("int {}p;", "*".repeat(N))),
        ("arrays", format!("int p{};", "[1]".repeat(N))),
        (
            "declarator",
            format!("int {}p{};", "(".repeat(N), ")".repeat(N)),
        ),
        (
            "macro_args",
            format!(
                "#define A(x) x\nint y = {}1{};",
                "A(".repeat(N),
                ")".repeat(N)
            ),
        ),
        (
            "pp_if",
            format!("{}int x;\n{}", "#if 1\n".repeat(N), "#endif\n".repeat(N)),
        ),
    ];
    for (name, text) in cases {
        let r = compile_c(name, &text);
        // An `#if` nest is fine for the preprocessor (it keeps a stack of flags).
        if name != "pp_if" {
            assert!(!r.is_empty(), "{name}: accepted");
        }
    }
}

/// Types nested through typedefs, pointers, arrays and struct members: E0328 at the
/// 257th level (they used to overflow the stack while lowering debug types).
#[test]
fn deep_types_are_an_error() {
    let mut typedefs = String::from("typedef int *t0;\n");
    for i in 1..5000 {
        typedefs.push_str(&format!("typedef t{} *t{i};\n", i - 1));
    }
    typedefs.push_str("t4999 p;\n");
    let mut structs = String::from("struct s0 { int x; };\n");
    for i in 1..2000 {
        structs.push_str(&format!("struct s{i} {{ struct s{} x; }};\n", i - 1));
    }
    structs.push_str("struct s1999 v;\n");
    let mut funcs = String::from("typedef int f0(int);\n");
    for i in 1..2000 {
        funcs.push_str(&format!("typedef f{} *f{i}(int);\n", i - 1));
    }
    funcs.push_str("f1999 *g;\n");
    for (name, text) in [
        ("typedefs", typedefs),
        ("structs", structs),
        ("funcs", funcs),
    ] {
        let r = compile_c(name, &text);
        assert!(
            r.contains("error[E0328]"),
            "{name}:\n{}",
            &r[..r.len().min(2000)]
        );
    }
    // 200 levels are fine.
    let mut ok = String::from("typedef int *t0;\n");
    for i in 1..100 {
        ok.push_str(&format!("typedef t{} *t{i};\n", i - 1));
    }
    ok.push_str("t99 p __attribute__((used));\n");
    assert_eq!(compile_c("ok", &ok), "");
}

/// Huge literals, sizes and strings give errors or objects, never panics.
#[test]
fn huge_numbers_arrays_and_strings() {
    for (name, text, must_fail) in [
        (
            "bigint",
            "int x = 123456789012345678901234567890123456789;".to_string(),
            true,
        ),
        ("bigarr", "int y[0xffffffffffffffff];".to_string(), true),
        ("bigarr2", "int z[1 << 30][1 << 30];".to_string(), true),
        ("negarr", "int n[-1];".to_string(), true),
        (
            "bigshift",
            "int s = 1 << 100; long t = 1L << 63 >> 70;".to_string(),
            false,
        ),
        ("divzero", "int d = 1 / 0; int m = 1 % 0;".to_string(), true),
        // (clang accepts it with warnings: infinity converted, saturated to INT_MAX)
        ("bigfloat", "int f = 1e99999;".to_string(), false),
        ("bigchar", "int c = '\\777777';".to_string(), true),
        ("bigline", "#line 4294967295\nint x = ;".to_string(), true),
        (
            "bigstr",
            format!("char s[] = \"{}\";", "a".repeat(1 << 20)),
            false,
        ),
        (
            "bigstack",
            "int f(void) { volatile char b[100000]; b[1] = 1; return b[2]; }".to_string(),
            true,
        ),
    ] {
        let r = compile_c(name, &text);
        if must_fail {
            assert!(!r.is_empty(), "{name}: accepted");
        }
    }
}

/// Initialized data past 256 MiB is refused before it is built (it took 4 GiB and
/// more); a large array with one non-zero element compiles to `.byte` + `.zero`.
#[test]
fn huge_initialized_data() {
    for text in ["int a[1 << 28] = {1};", "char b[0x7fffffff] = \"x\";"] {
        let r = compile_c("bigdata.c", text);
        assert!(r.contains("error[E0318]"), "{text}: {r}");
    }
    let mut sources = SourceMap::new();
    let opts = CompileOptions::default();
    let asm = match ebpfc::compile_source(
        &mut sources,
        "sparse.c",
        "int a[1 << 16] = {1};",
        Emit::Asm,
        &opts,
    ) {
        Ok(c) => String::from_utf8_lossy(c.output.bytes()).into_owned(),
        Err(d) => panic!("{}", diag::render_all(&sources, &d.items)),
    };
    assert!(asm.contains(".zero\t262143"), "{asm}");
}

/// A file that includes itself stops at the include depth limit with an error.
#[test]
fn self_include_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("self.c");
    std::fs::write(&path, "#include \"self.c\"\nint x;\n").unwrap();
    let r = compile_c_file(&path);
    assert!(r.contains("error[E"), "{r}");
}

fn exec_object(endian: Endian, extra: Vec<Section>) -> Vec<u8> {
    let mut o = Object::new(endian);
    let mut s = Section::new("xdp", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
    s.data = vec![0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
    if endian == Endian::Big {
        s.data[8] = 0x95;
    }
    s.size = 16;
    let id = o.sections.push(s);
    o.symbols.push(Symbol {
        name: "prog".into(),
        kind: SymbolKind::Func,
        binding: Binding::Global,
        visibility: Visibility::Default,
        place: SymbolPlace::Section(id),
        value: 0,
        size: 16,
    });
    for sec in extra {
        o.sections.push(sec);
    }
    linker::elf_write::write_object(&o)
}

/// Every prefix of a valid object (truncated headers, section table, data) is refused
/// with a diagnostic.
#[test]
fn truncated_objects_are_errors() {
    let partner = partner();
    for whole in [partner.clone(), exec_object(Endian::Big, Vec::new())] {
        for len in (0..whole.len()).filter(|l| *l < 128 || l % 7 == 0) {
            let cut = &whole[..len];
            let r = linker::elf_read::read_input(cut, "cut.o");
            assert!(r.is_err(), "a {len}-byte prefix reads as an object");
            read_and_link("cut.o", cut, &partner);
        }
    }
    // An `ar` archive cut short, and one whose member is cut short.
    let mut ar = b"!<arch>\n".to_vec();
    ar.extend(
        format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            "a.o/",
            0,
            0,
            0,
            644,
            partner.len()
        )
        .as_bytes(),
    );
    ar.extend(&partner);
    for len in [8, 20, 60, 68, 200, ar.len() - 1] {
        read_and_link("cut.a", &ar[..len], &partner);
    }
    assert!(
        read_and_link("whole.a", &ar, &partner),
        "the whole archive links"
    );
}

/// Zero-length sections (code, data, `.BTF`, `.BTF.ext`, relocations) read and link.
#[test]
fn zero_length_sections() {
    let partner = partner();
    let empty = |name: &str, kind, flags| {
        let mut s = Section::new(name, kind, flags, 8);
        s.data = Vec::new();
        s.size = 0;
        s
    };
    let obj = exec_object(
        Endian::Little,
        vec![
            empty(".text", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR),
            empty(".data", SectionKind::Progbits, SHF_ALLOC),
            empty(".bss", SectionKind::Nobits, SHF_ALLOC),
            empty(".maps", SectionKind::Progbits, SHF_ALLOC),
            empty(".BTF", SectionKind::Progbits, 0),
            empty(".BTF.ext", SectionKind::Progbits, 0),
        ],
    );
    read_and_link("empty_sections.o", &obj, &partner);
    // The same through the assembler: empty sections and a `.size` past the end.
    assemble_text(
        "empty.s",
        "\t.section xdp,\"ax\",@progbits\n\t.section .rodata,\"a\",@progbits\nfmt:\n\t.size fmt, 4\n",
    );
}

/// BTF whose types refer to themselves (directly, through typedef/const chains, and
/// through struct members) is refused or handled, never followed forever.
#[test]
fn cyclic_btf() {
    let partner = partner();
    let mut made = 0;
    for shape in 0..6 {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, linker::btf::BTF_INT_SIGNED);
        let next = u32::try_from(b.len()).unwrap() + 1;
        let name = b.add_string("loop");
        match shape {
            // typedef loop loop;
            0 => {
                b.add_type(BtfType::new(name, TypeData::Typedef { type_id: next }));
            }
            // const -> volatile -> const
            1 => {
                b.add_type(BtfType::new(0, TypeData::Const { type_id: next + 1 }));
                b.add_type(BtfType::new(0, TypeData::Volatile { type_id: next }));
            }
            // struct loop { struct loop x; };
            2 => {
                b.add_type(BtfType::new(
                    name,
                    TypeData::Struct {
                        size: 4,
                        members: vec![Member {
                            name_off: name,
                            type_id: next,
                            bit_offset: 0,
                            bitfield_size: 0,
                        }],
                    },
                ));
            }
            // array of itself
            3 => {
                b.add_type(BtfType::new(
                    0,
                    TypeData::Array {
                        elem_type: next,
                        index_type: int,
                        nelems: 2,
                    },
                ));
            }
            // ptr -> typedef -> ptr (legal in C: a pointer cycle)
            4 => {
                b.add_type(BtfType::new(0, TypeData::Ptr { type_id: next + 1 }));
                b.add_type(BtfType::new(name, TypeData::Typedef { type_id: next }));
            }
            // a variable of a cyclic type in a datasec
            _ => {
                b.add_type(BtfType::new(name, TypeData::Typedef { type_id: next }));
                let v = b.add_var("loop_var", next, Linkage::Global);
                let ds = b.add_string(".data");
                b.add_type(BtfType::new(
                    ds,
                    TypeData::Datasec {
                        size: 4,
                        vars: vec![VarSecInfo {
                            type_id: v,
                            offset: 0,
                            size: 4,
                        }],
                    },
                ));
            }
        }
        let bytes = b.encode(Endian::Little);
        if let Ok(parsed) = Btf::parse(&bytes, "loop.o") {
            let _ = linker::btf::dump::dump(&parsed);
        }
        let mut btf = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        btf.size = bytes.len() as u64;
        btf.data = bytes;
        let obj = exec_object(Endian::Little, vec![btf]);
        read_and_link("loop.o", &obj, &partner);
        made += 1;
    }
    assert_eq!(made, 6);
}

/// Assembler expressions 100 000 levels deep (parentheses, unary minus, a long `+`
/// chain) are refused with E0601 instead of overflowing the stack.
#[test]
fn asm_deep_expressions_are_errors() {
    const N: usize = 100_000;
    for (name, expr) in [
        ("parens", format!("{}1{}", "(".repeat(N), ")".repeat(N))),
        ("minus", format!("{}1", "-".repeat(N))),
        ("not", format!("{}1", "~".repeat(N))),
        ("chain", format!("1{}", "+1".repeat(N))),
    ] {
        let text = format!("\t.data\n\t.long {expr}\n");
        let mut sources = SourceMap::new();
        let file = sources.add(name, text.as_str());
        let (_, diags) = asm::text::parse(&text, file, None);
        let r = diag::render_all(&sources, &diags);
        assert!(r.contains("error[E0601]"), "{name}: {r}");
    }
    assemble_text("ok.s", "\t.data\n\t.long ((1 + 2) * -(3 - ~4)) << 2\n");
}

/// BTF with deep chains (pointers, typedefs, const, nested structs) reads, dumps and
/// links (or is refused) without overflowing the stack. 1000 levels by default: the
/// linker's BTF merge is superlinear in chain depth (2000 levels take 17 s in a debug
/// build); DEEP_BTF_N raises it.
#[test]
fn deep_btf_chains() {
    let n: u32 = std::env::var("DEEP_BTF_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let partner = partner();
    for shape in 0..4 {
        let mut b = Btf::new();
        let mut prev = b.add_int("int", 4, linker::btf::BTF_INT_SIGNED);
        let name = b.add_string("deep");
        for _ in 0..n {
            prev = match shape {
                0 => b.add_ptr(prev),
                1 => b.add_type(BtfType::new(name, TypeData::Typedef { type_id: prev })),
                2 => b.add_type(BtfType::new(0, TypeData::Const { type_id: prev })),
                _ => b.add_type(BtfType::new(
                    0,
                    TypeData::Struct {
                        size: 4,
                        members: vec![Member {
                            name_off: name,
                            type_id: prev,
                            bit_offset: 0,
                            bitfield_size: 0,
                        }],
                    },
                )),
            };
        }
        let v = b.add_var("deep_var", prev, Linkage::Global);
        let ds = b.add_string(".data");
        b.add_type(BtfType::new(
            ds,
            TypeData::Datasec {
                size: 8,
                vars: vec![VarSecInfo {
                    type_id: v,
                    offset: 0,
                    size: 8,
                }],
            },
        ));
        let bytes = b.encode(Endian::Little);
        if let Ok(parsed) = Btf::parse(&bytes, "deep.o") {
            let _ = linker::btf::dump::dump(&parsed);
        }
        let mut btf = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        btf.size = bytes.len() as u64;
        btf.data = bytes;
        let obj = exec_object(Endian::Little, vec![btf]);
        read_and_link("deep.o", &obj, &partner);
    }
}
