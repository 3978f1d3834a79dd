//! Robustness: mutated IR (lines deleted, duplicated, swapped, numbers changed) that
//! still parses and verifies must compile to code or to diagnostics, never panic, for
//! every cpu version. Deterministic (fixed-seed PRNG).

use asm::isa::CpuVersion;
use codegen::{CodegenOptions, compile_module};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(3) {
        let n = lines.len();
        if n == 0 {
            break;
        }
        let i = rng.below(n);
        match rng.below(4) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(rng.below(n), l);
            }
            2 => lines.swap(i, rng.below(n)),
            _ => {
                let numbers = [
                    "0",
                    "1",
                    "-1",
                    "7",
                    "63",
                    "64",
                    "600",
                    "32767",
                    "-32768",
                    "4294967295",
                    "0x8000000000000000",
                ];
                let l = &lines[i];
                if let Some(p) = l.find(|c: char| c.is_ascii_digit()) {
                    let end = l[p..]
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .map_or(l.len(), |e| p + e);
                    let pick = numbers[rng.below(numbers.len())];
                    lines[i] = format!("{}{}{}", &l[..p], pick, &l[end..]);
                }
            }
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_ir_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    for sub in ["ir", "btf", "kernel"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "ir") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // `CODEGEN_MUTANTS=N` for a deeper local run.
    let mutants: usize = std::env::var("CODEGEN_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut compiled = 0;
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        for _ in 0..mutants {
            let t = mutate(&text, &mut rng);
            let Ok(m) = ir::text::parser::parse_module(&t, diag::FileId(0)) else {
                continue;
            };
            if ir::verifier::verify_module(&m).is_err() {
                continue;
            }
            for cpu in [
                CpuVersion::V1,
                CpuVersion::V2,
                CpuVersion::V3,
                CpuVersion::V4,
            ] {
                for debug_info in [false, true] {
                    let opts = CodegenOptions {
                        cpu,
                        debug_info,
                        big_endian: cpu == CpuVersion::V2,
                    };
                    let _ = compile_module(&m, &opts);
                    compiled += 1;
                }
            }
        }
    }
    assert!(
        compiled > 100,
        "too few mutants survived parsing and verification: {compiled}"
    );
}
