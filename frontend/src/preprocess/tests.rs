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
