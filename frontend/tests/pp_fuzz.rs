//! Deterministic no-panic test: the `tests/pp/*.c` inputs, mutated with a fixed-seed
//! PRNG (byte deletions, insertions of preprocessor-significant fragments, line
//! shuffles, truncation), must preprocess without panicking, every diagnostic must point
//! inside a known file, the same input must give the same output twice, and the `-E`
//! output must lex back to the same tokens.

use diag::SourceMap;
use frontend::lexer;
use frontend::preprocess::{
    PpOptions, preprocess_full, print_preprocessed, print_preprocessed_full,
};
use std::path::PathBuf;

/// xorshift64*: small, fixed, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "#",
    "##",
    "(",
    ")",
    ",",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "\\\n",
    "\n",
    "#if ",
    "#ifdef X\n",
    "#elif ",
    "#else\n",
    "#endif\n",
    "#define ",
    "#define F(a, ...) a ## __VA_ARGS__ #a\n",
    "#undef ",
    "#include ",
    "<",
    ">",
    "__VA_ARGS__",
    "__VA_OPT__(",
    "defined",
    "__LINE__",
    "__has_include(",
    "_Pragma(",
    "@",
    "`",
    "0x",
    "1/0",
    "?",
    ":",
    "F(",
    "#line ",
    "...",
    "#error x\n",
    "#define A A\n#include A\n",
    "#include \"inc/guarded.h\"\n",
    "#include <next.h>\n",
    "#pragma push_macro(\"F\")\n",
    "#pragma pop_macro(\"F\")\n",
    "__COUNTER__",
    "#x",
    "\u{e9}",
    "\0",
    "\r\n",
];

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut s: Vec<u8> = src.as_bytes().to_vec();
    for _ in 0..1 + rng.below(6) {
        match rng.below(5) {
            0 if !s.is_empty() => {
                let at = rng.below(s.len());
                let len = 1 + rng.below(8);
                s.drain(at..(at + len).min(s.len()));
            }
            1 | 2 => {
                let at = rng.below(s.len() + 1);
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                s.splice(at..at, frag.bytes());
            }
            3 => {
                let text = String::from_utf8_lossy(&s).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                s = lines.join("\n").into_bytes();
            }
            _ => {
                let keep = rng.below(s.len() + 1);
                s.truncate(keep);
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn run_once(name: &str, text: &str) -> String {
    let mut map = SourceMap::new();
    let id = map.add(name, text);
    let opts = PpOptions {
        include_dirs: vec![
            PathBuf::from("tests/pp/sys"),
            PathBuf::from("tests/pp/sys2"),
        ],
        ..PpOptions::default()
    };
    let full = preprocess_full(id, &opts, &mut map);
    let (toks, diags) = (&full.tokens, &full.diags);
    for d in &diags.items {
        for l in &d.labels {
            let file = map.get(l.span.file);
            assert!(
                file.is_some_and(|f| l.span.end as usize <= f.text.len()),
                "diagnostic `{}` points outside its file for input:\n{text}",
                d.message
            );
        }
    }
    let exact = print_preprocessed_full(&full, &map);
    let mut out = print_preprocessed(toks, &map);
    // `-E` output must lex back to the very tokens it prints (no two tokens glued).
    let relexed: Vec<String> = out
        .lines()
        .filter(|l| !l.starts_with("# "))
        .flat_map(|l| {
            lexer::lex(l)
                .into_iter()
                .map(|t| {
                    l.get(t.start as usize..t.end as usize)
                        .unwrap_or("")
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let printed: Vec<String> = toks.iter().map(|t| t.text.to_string()).collect();
    assert_eq!(
        relexed, printed,
        "-E output does not re-lex to its tokens:\n{out}"
    );
    let relexed_exact: Vec<String> = exact
        .lines()
        .filter(|l| !l.starts_with("# ") && !l.starts_with("#pragma "))
        .flat_map(|l| {
            lexer::lex(l)
                .into_iter()
                .map(|t| {
                    l.get(t.start as usize..t.end as usize)
                        .unwrap_or("")
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        relexed_exact, printed,
        "-E output does not re-lex to its tokens:\n{exact}"
    );
    out.push_str(&exact);
    out.push_str(&diag::render_all(&map, &diags.items));
    out
}

#[test]
fn mutated_inputs_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(dir).unwrap_or_else(|e| panic!("cd: {e}"));
    let mut seeds: Vec<(String, String)> = std::fs::read_dir("tests/pp")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "c"))
                .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
                .collect()
        })
        .unwrap_or_default();
    seeds.sort();
    assert!(!seeds.is_empty());
    let mut rng = Rng(0x5eed_0ebf_c0de_2026);
    let mut runs = 0;
    for round in 0..30 {
        for (name, src) in &seeds {
            let text = mutate(&mut rng, src);
            let a = run_once(name, &text);
            if round % 10 == 0 {
                let b = run_once(name, &text);
                assert_eq!(a, b, "output is not deterministic for:\n{text}");
            }
            runs += 1;
        }
    }
    println!("{runs} mutated inputs preprocessed without a panic");
}
