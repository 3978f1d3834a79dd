//! No-panic test of semantic analysis and lowering: mutated versions of the test
//! programs (tokens deleted, duplicated, swapped or replaced, with a fixed-seed PRNG)
//! go through the whole frontend; every outcome is fine except a panic. Mutations
//! that still parse exercise sema and lowering on odd but syntactically valid input.

use frontend::driver::{FrontendOptions, compile_source};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Splits C text into rough tokens (identifiers/numbers, punctuation, whitespace).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            cur.push(ch);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(ch.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn mutated_programs_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut corpus = Vec::new();
    for dir in ["lower", "sema"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "c"))
            .collect();
        files.sort();
        for f in files {
            corpus.push(std::fs::read_to_string(f).unwrap());
        }
    }
    let replacements = [
        "0",
        "1",
        "-1",
        "x",
        "*",
        "&",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ";",
        ",",
        "=",
        "+",
        "struct",
        "int",
        "void",
        "char",
        "unsigned",
        "long",
        "return",
        "sizeof",
        "0x7fffffffffffffff",
        "'a'",
        "\"s\"",
        ".",
        "->",
        "?",
        ":",
        "static",
        "const",
        "volatile",
        "goto",
        "case",
        "switch",
        "break",
    ];
    let mut rng = Rng(0x5eed_c0de_1234_5678);
    let mut compiled = 0;
    for (ci, text) in corpus.iter().enumerate() {
        let toks = tokens(text);
        for round in 0..40 {
            let mut t = toks.clone();
            for _ in 0..=rng.below(3) {
                if t.is_empty() {
                    break;
                }
                let i = rng.below(t.len());
                match rng.below(4) {
                    0 => {
                        t.remove(i);
                    }
                    1 => {
                        let x = t[i].clone();
                        t.insert(i, x);
                    }
                    2 => {
                        let j = rng.below(t.len());
                        t.swap(i, j);
                    }
                    _ => t[i] = replacements[rng.below(replacements.len())].to_string(),
                }
            }
            let src: String = t.concat();
            let mut sources = diag::SourceMap::new();
            let name = format!("mut{ci}_{round}.c");
            if let Ok((m, _)) =
                compile_source(&name, &src, &FrontendOptions::default(), &mut sources)
            {
                compiled += 1;
                // What lowering produces must still be valid IR.
                if let Err(d) = ir::verifier::verify_module(&m) {
                    panic!(
                        "{name}: lowered IR does not verify:\n{}\n--- source ---\n{src}",
                        diag::render_all(&sources, &d.items)
                    );
                }
            }
        }
    }
    println!("{compiled} mutated programs compiled");
}
