//! The parser never panics and stays deterministic on broken input: token sequences of
//! the `tests/parse/*.c` inputs are mutated with a fixed-seed PRNG (deletions,
//! duplications, swaps, insertions of tokens from elsewhere, truncations) and parsed;
//! each parse must return, produce the same output twice, and report every syntax
//! error with a located E02xx diagnostic.

use diag::SourceMap;
use frontend::parse::{parse, print_ast};
use frontend::preprocess::{PpOptions, preprocess};
use frontend::token::Token;
use std::path::Path;

/// xorshift64*: a tiny deterministic PRNG (no dependency, same sequence everywhere).
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

/// The preprocessed tokens of every test input, with the source map they point into.
fn corpus() -> (SourceMap, Vec<Vec<Token>>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/parse exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    files.sort();
    let mut sources = SourceMap::new();
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let id = sources.add(path.display().to_string(), text);
        let (tokens, _) = preprocess(id, &PpOptions::default(), &mut sources);
        all.push(tokens);
    }
    (sources, all)
}

fn mutate(rng: &mut Rng, tokens: &[Token], pool: &[Token]) -> Vec<Token> {
    let mut t = tokens.to_vec();
    for _ in 0..1 + rng.below(4) {
        let n = t.len();
        match rng.below(5) {
            0 if n > 0 => {
                let at = rng.below(n);
                let len = 1 + rng.below(3.min(n - at));
                t.drain(at..at + len);
            }
            1 if n > 0 => {
                let at = rng.below(n);
                let tok = t[at].clone();
                t.insert(at, tok);
            }
            2 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                t.swap(a, b);
            }
            3 if !pool.is_empty() => {
                let at = rng.below(n + 1);
                t.insert(at, pool[rng.below(pool.len())].clone());
            }
            _ => t.truncate(rng.below(n + 1)),
        }
    }
    t
}

#[test]
fn mutated_token_streams_never_panic_and_are_deterministic() {
    let (sources, files) = corpus();
    assert!(!files.is_empty());
    let pool: Vec<Token> = files.iter().flatten().cloned().collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut with_errors = 0;
    for round in 0..1500 {
        let base = &files[round % files.len()];
        let mutant = mutate(&mut rng, base, &pool);
        let (tu, diags) = parse(&mutant, &sources);
        let (tu2, diags2) = parse(&mutant, &sources);
        assert_eq!(
            print_ast(&tu),
            print_ast(&tu2),
            "round {round}: nondeterministic"
        );
        assert_eq!(
            diags.items, diags2.items,
            "round {round}: nondeterministic diagnostics"
        );
        for d in &diags.items {
            assert!(
                d.code.id.starts_with("E02"),
                "round {round}: unexpected code {}",
                d.code
            );
            assert!(
                d.primary_span().is_some(),
                "round {round}: {} has no location",
                d.message
            );
        }
        if diags.has_errors() {
            with_errors += 1;
        }
    }
    // The mutations do break most inputs: the test exercises error paths.
    assert!(with_errors > 500, "only {with_errors} mutants had errors");
}

#[test]
fn mutated_text_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse");
    let text = std::fs::read_to_string(dir.join("statements.c")).expect("readable");
    let bytes = text.as_bytes();
    let mut rng = Rng(42);
    const JUNK: &[&str] = &[
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ";",
        ",",
        "*",
        "int",
        "typedef",
        "'",
        "\"",
        "0x",
        "...",
        "?",
        ":",
        "__attribute__((",
        "asm(",
        "struct",
    ];
    for _ in 0..300 {
        let mut s = bytes.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(s.len() + 1);
            if rng.below(2) == 0 {
                let end = (at + rng.below(8)).min(s.len());
                s.drain(at..end);
            } else {
                let junk = JUNK[rng.below(JUNK.len())];
                s.splice(at..at, junk.bytes());
            }
        }
        let text = String::from_utf8_lossy(&s).into_owned();
        let mut sources = SourceMap::new();
        let id = sources.add("m.c", text);
        let (tokens, _) = preprocess(id, &PpOptions::default(), &mut sources);
        let (_tu, diags) = parse(&tokens, &sources);
        for d in &diags.items {
            assert!(d.primary_span().is_some(), "{} has no location", d.message);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("int x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let mut sources = SourceMap::new();
    let id = sources.add("deep.c", text);
    let (tokens, _) = preprocess(id, &PpOptions::default(), &mut sources);
    let (_tu, diags) = parse(&tokens, &sources);
    assert_eq!(diags.items.len(), 1, "{:?}", diags.items);
    assert_eq!(diags.items[0].code, diag::codes::E_PARSE_NESTING);
    // 200 levels is fine.
    let text = format!("int x = {}1{};", "(".repeat(200), ")".repeat(200));
    let id = sources.add("ok.c", text);
    let (tokens, _) = preprocess(id, &PpOptions::default(), &mut sources);
    let (_tu, diags) = parse(&tokens, &sources);
    assert!(diags.is_empty());
}

/// Parses `text`, returning the diagnostics' codes.
fn codes_of(text: String) -> Vec<&'static str> {
    let mut sources = SourceMap::new();
    let id = sources.add("t.c", text);
    let (tokens, _) = preprocess(id, &PpOptions::default(), &mut sources);
    let (_tu, diags) = parse(&tokens, &sources);
    diags.items.iter().map(|d| d.code.id).collect()
}

#[test]
fn deep_trees_are_an_error_not_a_stack_overflow() {
    let limit = frontend::parse::depth::MAX_DEPTH;
    // A left-associative chain nests one level per operator.
    let chain = |n: usize| format!("int a; int x = {};", vec!["a"; n].join("+"));
    assert_eq!(codes_of(chain(50_000)), vec!["E0209"]);
    assert!(codes_of(chain(limit / 2)).is_empty());
    // Nested statements without brackets.
    let ifs = |n: usize| format!("void f(void) {{ {} ; }}", "if (1) ".repeat(n));
    assert_eq!(codes_of(ifs(20_000)), vec!["E0209"]);
    assert!(codes_of(ifs(limit / 2)).is_empty());
    // Prefix operators and casts.
    assert_eq!(
        codes_of(format!("int a; int x = {}a;", "- ".repeat(5_000))),
        vec!["E0209"]
    );
    assert_eq!(
        codes_of(format!("int a; long x = {}a;", "(long)".repeat(5_000))),
        vec!["E0209"]
    );
}

#[test]
fn error_flood_is_capped() {
    let codes = codes_of("int x = ;\n".repeat(50));
    assert_eq!(codes.len(), 21, "{codes:?}");
    assert!(codes[..20].iter().all(|c| *c == "E0201"));
    assert_eq!(codes[20], "E0208");
}

#[test]
fn long_declarator_chains_parse_in_linear_time() {
    // Not nested: 50 000 pointers or array suffixes are flat lists in the tree.
    assert!(codes_of(format!("int {}p;", "*".repeat(50_000))).is_empty());
    assert!(codes_of(format!("int a{};", "[1]".repeat(50_000))).is_empty());
    assert!(codes_of("int (*f(void))(void);".to_string()).is_empty());
}

#[test]
fn empty_input_is_an_empty_translation_unit() {
    let sources = SourceMap::new();
    let (tu, diags) = parse(&[], &sources);
    assert!(tu.items.is_empty());
    assert!(diags.is_empty());
}

#[test]
fn many_errors_without_statement_boundaries_stay_linear() {
    // Each `int x int` restarts a declaration and fails again; no `;` ever comes.
    let codes = codes_of("int x ".repeat(30_000));
    assert!(!codes.is_empty() && codes.len() <= 21, "{codes:?}");
}
