//! Unit tests of the preprocessor on in-memory sources (file-based snapshot tests are
//! in `frontend/tests/pp_*.rs`).

use super::*;

/// Preprocesses `src` as `t.c` and returns the token texts joined by spaces, plus the
/// rendered diagnostics.
fn pp(src: &str) -> (String, Vec<String>) {
    let mut map = SourceMap::new();
    let f = map.add("t.c", src);
    let (toks, diags) = preprocess(f, &PpOptions::default(), &mut map);
    let text: Vec<&str> = toks.iter().map(|t| &*t.text).collect();
    let msgs = diags
        .items
        .iter()
        .map(|d| {
            format!(
                "{} {} @{}",
                d.code,
                d.message,
                d.primary_span()
                    .map(|s| map.location(s))
                    .unwrap_or_default()
            )
        })
        .collect();
    (text.join(" "), msgs)
}

fn ok(src: &str) -> String {
    let (t, d) = pp(src);
    assert!(d.is_empty(), "unexpected diagnostics: {d:?}");
    t
}

#[test]
fn object_and_function_macros() {
    assert_eq!(ok("#define A 1 + 2\nint x = A;"), "int x = 1 + 2 ;");
    assert_eq!(
        ok("#define F(a, b) ((a) * (b))\nF(1, 2 + 3)"),
        "( ( 1 ) * ( 2 + 3 ) )"
    );
    assert_eq!(ok("#define F(a) a\nF"), "F");
    assert_eq!(ok("#define E() x\nE()"), "x");
}

#[test]
fn recursion_is_blocked() {
    assert_eq!(ok("#define foo foo a\nfoo"), "foo a");
    assert_eq!(ok("#define f(x) g(x)\n#define g(x) f(x)\nf(1)"), "f ( 1 )");
}

fn pragmas(src: &str) -> (String, Vec<(usize, String)>) {
    let mut map = SourceMap::new();
    let f = map.add("t.c", src);
    let Preprocessed {
        tokens: toks,
        pragmas,
        diags,
        ..
    } = preprocess_full(f, &PpOptions::default(), &mut map);
    assert!(diags.is_empty(), "{:?}", diags.items);
    let text: Vec<&str> = toks.iter().map(|t| &*t.text).collect();
    (
        text.join(" "),
        pragmas
            .into_iter()
            .map(|p| (p.before_token, p.text))
            .collect(),
    )
}

#[test]
fn pragmas_are_reported_at_their_place_in_the_stream() {
    let (toks, ps) = pragmas(
        "int a;\n#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\nstruct s { int x; };\n#pragma clang attribute pop\n#define P(x) _Pragma(#x) int b;\nP(GCC diagnostic ignored \"-Wall\")\n",
    );
    assert_eq!(toks, "int a ; struct s { int x ; } ; int b ;");
    assert_eq!(
        ps,
        vec![
            (
                3,
                "clang attribute push (__attribute__((preserve_access_index)), apply_to = record)"
                    .to_string()
            ),
            (11, "clang attribute pop".to_string()),
            (11, "GCC diagnostic ignored \"-Wall\"".to_string()),
        ]
    );
}

#[test]
fn push_and_pop_macro_restore_definitions() {
    let (toks, _) = pragmas(
        "#define X 1\n#pragma push_macro(\"X\")\n#undef X\n#define X 2\nX\n#pragma pop_macro(\"X\")\nX\n#pragma push_macro(\"Y\")\n#define Y 3\n#pragma pop_macro(\"Y\")\nY\n",
    );
    assert_eq!(toks, "2 1 Y");
}

#[test]
fn command_line_defines_and_undefs() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "A B C __bpf__ __BPF_CPU_VERSION__ __BIG_ENDIAN__ __BYTE_ORDER__",
    );
    let opts = PpOptions {
        defines: vec![
            ("A".to_string(), None),
            ("B".to_string(), Some("x + y".to_string())),
            ("C".to_string(), Some(String::new())),
        ],
        undefs: vec!["__bpf__".to_string()],
        cpu: 4,
        big_endian: true,
        ..PpOptions::default()
    };
    let (toks, diags) = preprocess(f, &opts, &mut map);
    assert!(diags.is_empty());
    let text: Vec<&str> = toks.iter().map(|t| &*t.text).collect();
    assert_eq!(text.join(" "), "1 x + y __bpf__ 4 1 4321");
}

#[test]
fn keywords_after_expansion_and_pasting() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "#define T int\n#define P(a, b) a##b\nT P(un, signed) P(x, y)",
    );
    let (toks, _) = preprocess(f, &PpOptions::default(), &mut map);
    let kinds: Vec<Tok> = toks.iter().map(|t| t.tok).collect();
    assert_eq!(kinds, vec![Tok::KwInt, Tok::KwUnsigned, Tok::Ident]);
}

#[test]
fn expansion_points_at_the_outermost_use() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "#define IN(x) (x + 1)\n#define OUT(y) IN(y)\nint v = OUT(2);\n",
    );
    let (toks, _) = preprocess(f, &PpOptions::default(), &mut map);
    // `(` `2` `+` `1` `)` all report at `OUT(2)` on line 3; `2` is spelled there too.
    let use_site = map.location(toks[3].report_span());
    assert_eq!(use_site, "t.c:3:9");
    for t in &toks[3..8] {
        assert_eq!(t.expansion, toks[3].expansion, "{}", t.text);
    }
    assert_eq!(map.location(toks[4].span), "t.c:3:13");
    assert_eq!(map.location(toks[3].span), "t.c:1:15");
    assert!(toks[8].expansion.is_none());
}

#[test]
fn unterminated_call_and_depth_limit_are_errors() {
    let (_, d) = pp("#define F(x) x\nF(1, (2)\n");
    assert!(d.iter().any(|m| m.starts_with("E0111")), "{d:?}");
    let mut map = SourceMap::new();
    let dir = std::env::temp_dir().join(format!("ebpfc-pp-rec-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("self.h");
    let _ = std::fs::write(&path, "#include \"self.h\"\nx\n");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let f = map.add(path.display().to_string(), text);
    let (toks, diags) = preprocess(f, &PpOptions::default(), &mut map);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(diags.items.iter().any(|d| d.code.id == "E0108"));
    assert_eq!(diags.items.len(), 1);
    assert_eq!(toks.len(), 200);
}

#[test]
fn deeply_nested_macro_arguments_do_not_overflow_the_stack() {
    let n = 1000;
    let src = format!(
        "#define ID(x) x\nint v = {}1{};\n",
        "ID(".repeat(n),
        ")".repeat(n)
    );
    let (text, diags) = pp(&src);
    // Either expanded fully or stopped with a located error; never a crash.
    assert!(text.starts_with("int v ="), "{text}");
    assert!(diags.iter().all(|d| d.starts_with("E01")), "{diags:?}");
}

#[test]
fn deeply_nested_if_expressions_are_an_error_not_a_crash() {
    let src = format!(
        "#if {}1{}\nint x;\n#endif\nint y;\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let (text, diags) = pp(&src);
    assert_eq!(text, "int y ;");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].starts_with("E0113 expression nested too deeply"),
        "{diags:?}"
    );
    let src = format!("#if {}1\n#endif\n", "-".repeat(5000));
    let (_, diags) = pp(&src);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let src = format!(
        "#if {}1{}\n#endif\n",
        "1 ? ".repeat(5000),
        " : 0".repeat(5000)
    );
    let (_, diags) = pp(&src);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let src = format!("#if {}1\n#endif\n", "0 ? 0 : ".repeat(5000));
    let (_, diags) = pp(&src);
    assert_eq!(diags.len(), 1, "{diags:?}");
}

#[test]
fn computed_include_of_a_self_referential_macro_is_an_error() {
    let (_, d) = pp("#define A A\n#include A\n#if __has_include(A)\n#endif\n");
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].starts_with("E0117"), "{d:?}");
    assert!(d[1].starts_with("E0113"), "{d:?}");
}

#[test]
fn printed_pragmas_sit_between_their_tokens() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "int a;\n#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\nstruct s { int x; };\n#pragma clang attribute pop\n",
    );
    let p = preprocess_full(f, &PpOptions::default(), &mut map);
    let text = print_preprocessed_full(&p, &map);
    assert_eq!(
        text,
        "# 1 \"t.c\"\nint a;\n#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n\n# 3 \"t.c\"\nstruct s { int x; };\n#pragma clang attribute pop\n"
    );
}

#[test]
fn line_continuations_inside_literals_are_removed() {
    assert_eq!(
        ok("const char *s = \"ab\\\ncd\";\n#define L \\\n  1 + \\\n  2\nL"),
        "const char * s = \"abcd\" ; 1 + 2"
    );
}

#[test]
fn vmlinux_style_attribute_pragmas_cover_the_types() {
    let mut map = SourceMap::new();
    let f = map.add(
        "vmlinux.h",
        "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\nstruct a { int x; };\n#pragma clang attribute pop\nint after;\n",
    );
    let p = preprocess_full(f, &PpOptions::default(), &mut map);
    let r = attribute_regions(&p.pragmas, p.tokens.len());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].tokens, 0..8);
    let covered: Vec<&str> = p.tokens[r[0].tokens.clone()]
        .iter()
        .map(|t| &*t.text)
        .collect();
    assert_eq!(covered.join(" "), "struct a { int x ; } ;");
}

#[test]
fn continued_pragma_and_error_lines_are_joined() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "#pragma GCC diagnosti\\\nc pop\n#error two \\  \n lines\n",
    );
    let p = preprocess_full(f, &PpOptions::default(), &mut map);
    assert_eq!(p.pragmas[0].text, "GCC diagnostic pop");
    assert_eq!(p.diags.items[0].message, "two  lines");
}

#[test]
fn included_files_are_listed_once_in_first_read_order() {
    let mut map = SourceMap::new();
    let f = map.add(
        "t.c",
        "#include <stdbool.h>\n#include <stddef.h>\n#include <stdbool.h>\n",
    );
    let p = preprocess_full(f, &PpOptions::default(), &mut map);
    let names: Vec<&str> = p
        .included
        .iter()
        .filter_map(|id| map.get(*id).map(|f| f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        ["<ebpfc-include>/stdbool.h", "<ebpfc-include>/stddef.h"]
    );
}

#[test]
fn one_source_map_can_serve_several_runs() {
    let mut map = SourceMap::new();
    let a = map.add("a.c", "int a;\n");
    let pa = preprocess_full(a, &PpOptions::default(), &mut map);
    let b = map.add("b.c", "int b;\n");
    let pb = preprocess_full(b, &PpOptions::default(), &mut map);
    assert!(print_preprocessed_full(&pa, &map).starts_with("# 1 \"a.c\"\nint a;"));
    assert!(print_preprocessed_full(&pb, &map).starts_with("# 1 \"b.c\"\nint b;"));
    assert!(print_preprocessed(&pb.tokens, &map).starts_with("# 1 \"b.c\"\nint b;"));
}

#[test]
fn nested_va_opt_does_not_recurse() {
    let n = 20000;
    let src = format!(
        "#define F(a, ...) {}x{}\nF(1, 2)\n",
        "__VA_OPT__(".repeat(n),
        ")".repeat(n)
    );
    let (text, _) = pp(&src);
    assert!(
        text.starts_with("__VA_OPT__ ("),
        "{}",
        &text[..40.min(text.len())]
    );
}

/// Predefined macros are read on first use (`Macro::lazy`), which must not show: they
/// expand, count as defined, can be undefined, and a different redefinition warns
/// while an identical one does not, as with clang.
#[test]
fn lazily_read_predefined_macros_behave_like_defined_ones() {
    assert_eq!(
        ok("__clang_major__ __CHAR_BIT__ __INT_MAX__ __clang_version__"),
        "19 8 2147483647 \"19.1.7 (3~deb12u1)\""
    );
    assert_eq!(
        ok(
            "#if defined(__bpf__) && __SIZEOF_LONG__ == 8\nyes\n#endif\n#ifdef __llvm__\nllvm\n#endif"
        ),
        "yes llvm"
    );
    assert_eq!(
        ok("#undef __bpf__\n#ifndef __bpf__\ngone\n#endif\n__bpf__"),
        "gone __bpf__"
    );
    assert_eq!(ok("#define __CHAR_BIT__ 8\n__CHAR_BIT__"), "8");
    let (text, diags) = pp("#define __CHAR_BIT__ 9\n__CHAR_BIT__");
    assert_eq!(text, "9");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].contains("`__CHAR_BIT__` macro redefined"),
        "{diags:?}"
    );
    // A macro defined by a predefined one's name before any use.
    assert_eq!(ok("#define M __INT_MAX__\nM"), "2147483647");
    // Undefined before any use, then defined again; saved and restored by push/pop.
    assert_eq!(
        ok(
            "#undef __CHAR_BIT__\n#ifdef __CHAR_BIT__\nstill\n#endif\n__CHAR_BIT__\n#define __CHAR_BIT__ 7\n__CHAR_BIT__"
        ),
        "__CHAR_BIT__ 7"
    );
    assert_eq!(
        ok(
            "#pragma push_macro(\"__INT_MAX__\")\n#undef __INT_MAX__\n__INT_MAX__\n#pragma pop_macro(\"__INT_MAX__\")\n__INT_MAX__"
        ),
        "__INT_MAX__ 2147483647"
    );
    assert_eq!(
        ok(
            "#pragma push_macro(\"__INT_MAX__\")\n#pragma pop_macro(\"__INT_MAX__\")\n#if __INT_MAX__ > 0\npos\n#endif"
        ),
        "pos"
    );
}
