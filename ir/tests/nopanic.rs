//! Deterministic robustness test: every text file under `tests/files` is mutated many
//! times with a fixed-seed PRNG (byte edits, token insertions, line deletions,
//! duplications and swaps), and `ir::fuzzing::check_text` must hold for each result:
//! no panic anywhere, stable printing, and pipelines that keep the IR valid.

use std::path::Path;

use ir::fuzzing::{Outcome, check_text};

/// xorshift64*: small, deterministic, good enough to pick mutations.
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

const TOKENS: &[&str] = &[
    "v0",
    "v1",
    "v2",
    "v99",
    "block0",
    "block1",
    "block9",
    "ss0",
    "ss5",
    "t0",
    "t99",
    "@f",
    "@prog",
    "@counter",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "=",
    "->",
    "...",
    "; @1:2",
    "i8",
    "i32",
    "i64",
    "-1",
    "32768",
    "0x7fffffffffffffff",
    "\"x\"",
    "iadd",
    "jump",
    "brif",
    "return",
    "load.i64",
    "store",
    "stack_slot",
    "iconst.i32",
    "call.i32",
    "memcpy",
    "unreachable",
    "\n",
    " ",
    "function",
    "always_inline",
    "sext.i8",
    "fetch",
    "volatile",
    "block2(v1)",
    "icmp eq",
    "select",
    " core field_byte_offset t0 \"0:1\"",
    "core",
    "sdiv",
    "srem",
    "memset",
    "inline",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let edits = 1 + rng.below(3);
    for _ in 0..edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let li = rng.below(lines.len());
        match rng.below(7) {
            0 => {
                lines.remove(li);
            }
            1 => {
                let l = lines[li].clone();
                lines.insert(rng.below(lines.len() + 1), l);
            }
            2 => {
                let lj = rng.below(lines.len());
                lines.swap(li, lj);
            }
            3 | 4 => {
                // Insert a token at a character boundary.
                let line = &mut lines[li];
                let mut at = rng.below(line.len() + 1);
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                let tok = TOKENS[rng.below(TOKENS.len())];
                line.insert_str(at, tok);
            }
            5 => {
                // Delete a few characters.
                let line = &mut lines[li];
                let chars: Vec<char> = line.chars().collect();
                if !chars.is_empty() {
                    let at = rng.below(chars.len());
                    let n = 1 + rng.below(4);
                    let kept: String = chars
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i < at || *i >= at + n)
                        .map(|(_, c)| *c)
                        .collect();
                    *line = kept;
                }
            }
            _ => {
                // Replace a digit, or a random byte with a random ASCII character.
                let line = &mut lines[li];
                let chars: Vec<char> = line.chars().collect();
                if !chars.is_empty() {
                    let at = rng.below(chars.len());
                    let c = if chars[at].is_ascii_digit() {
                        char::from(b'0' + rng.below(10) as u8)
                    } else {
                        char::from(32 + rng.below(95) as u8)
                    };
                    *line = chars
                        .iter()
                        .enumerate()
                        .map(|(i, &x)| if i == at { c } else { x })
                        .collect();
                }
            }
        }
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

#[test]
fn mutated_ir_text_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/files");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "ir"));
    paths.sort();
    assert!(!paths.is_empty());
    // Longer local runs: IR_NOPANIC_ROUNDS=20000 IR_NOPANIC_SEED=7 cargo test -p ir --test nopanic
    let rounds: usize = std::env::var("IR_NOPANIC_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("IR_NOPANIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed | 1);
    let (mut parse_err, mut verify_err, mut optimized) = (0, 0, 0);
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        // The unmutated file satisfies the property and gets all the way through.
        assert_eq!(
            check_text(&text),
            Ok(Outcome::Optimized),
            "{}",
            path.display()
        );
        for _ in 0..rounds {
            let m = mutate(&mut rng, &text);
            match check_text(&m) {
                Ok(Outcome::ParseError) => parse_err += 1,
                Ok(Outcome::VerifyError) => verify_err += 1,
                Ok(Outcome::Optimized) => optimized += 1,
                Err(e) => panic!(
                    "property violated for a mutation of {}:\n{e}\n--- input ---\n{m}",
                    path.display()
                ),
            }
        }
    }
    println!(
        "mutations: {parse_err} parse errors, {verify_err} verifier errors, {optimized} optimized"
    );
    // The mix must exercise all three outcomes.
    assert!(parse_err > 0 && verify_err > 0 && optimized > 0);
}
