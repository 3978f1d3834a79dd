//! Deterministic no-panic test of the assembler over mutated assembly text (a fixed-seed
//! xorshift PRNG; the same mutations every run). Each mutant goes through the parser,
//! the assembler in both byte orders, the ELF writer and the ELF reader; it may fail with
//! diagnostics (whose spans must lie inside the text) but must never panic, and what
//! assembles must write an object the reader accepts.

use asm::AsmOptions;
use asm::isa::CpuVersion;
use linker::object::Endian;
use std::path::Path;

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

const PIECES: &[&str] = &[
    ":",
    ",",
    "\"",
    "#",
    ";",
    "/*",
    "*/",
    "//",
    "\n",
    " ",
    "(",
    ")",
    "+",
    "-",
    "*",
    ".",
    "@",
    "%",
    "0x",
    "4294967296",
    "-2147483649",
    "99999999999999999999",
    "r11",
    "w10",
    "ll",
    "goto",
    ".L",
    ".Ltmp0",
    "LBB0_1",
    ".section",
    ".text",
    ".data",
    ".bss",
    ".byte",
    ".short",
    ".long",
    ".quad",
    ".uleb128",
    ".sleb128",
    ".p2align",
    ".zero",
    ".asciz",
    ".size",
    ".type",
    ".globl",
    ".set",
    ".comm",
    ".file",
    ".loc",
    ".cfi_startproc",
    ".cfi_endproc",
    ".addrsig_sym",
    "@nobits",
    "\"aMS\"",
    "call",
    "exit",
    "lock",
    "*(u64 *)",
    "\\",
    "\t",
    "\u{e9}",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1).min(b.len());
        match rng.below(6) {
            0 => {
                let end = (at + rng.below(12)).min(b.len());
                b.drain(at..end);
            }
            1 | 2 => {
                let piece = PIECES[rng.below(PIECES.len())].as_bytes();
                b.splice(at..at, piece.iter().copied());
            }
            3 => {
                let end = (at + rng.below(40)).min(b.len());
                let copy: Vec<u8> = b[at..end].to_vec();
                let to = rng.below(b.len() + 1).min(b.len());
                b.splice(to..to, copy);
            }
            4 => b.truncate(at),
            _ => {
                if at < b.len() {
                    b[at] = (rng.next() & 0x7f) as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn run_one(text: &str) {
    for (endian, cpu) in [
        (Endian::Little, CpuVersion::V4),
        (Endian::Big, CpuVersion::V2),
    ] {
        let mut sm = diag::SourceMap::new();
        let opts = AsmOptions { endian, cpu };
        match asm::assemble_text(&mut sm, "m.s", text, None, &opts) {
            Ok(obj) => {
                let bytes = linker::elf_write::write_object(&obj);
                linker::elf_read::read_object(&bytes, "m.o")
                    .expect("our own ELF output reads back");
            }
            Err(diags) => {
                assert!(!diags.is_empty());
                for d in &diags {
                    for l in &d.labels {
                        assert!(
                            l.span.end as usize <= text.len(),
                            "span past the end: {d:?}"
                        );
                    }
                }
                let _ = diag::render_all(&sm, &diags);
            }
        }
    }
}

#[test]
fn mutated_assembly_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/asm");
    let mut seeds: Vec<String> = ["all_opcodes.s", "reloc_cases.s", "line_frames.s"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).expect("seed file"))
        .collect();
    seeds.push(
        "mov %r0, 1\nlddw %r1, 0x100000000\njeq %r0, 1, exit\nstxdw [%r10-8], %r1\nexit\n"
            .to_string(),
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut assembled = 0;
    for round in 0..1500 {
        let seed = &seeds[round % seeds.len()];
        // Mutate a window of the seed so each run stays small and fast.
        let lines: Vec<&str> = seed.lines().collect();
        let start = rng.below(lines.len());
        let window = lines[start..(start + 40).min(lines.len())].join("\n");
        let text = mutate(&mut rng, &window);
        run_one(&text);
        let mut sm = diag::SourceMap::new();
        if asm::assemble_text(&mut sm, "m.s", &text, None, &AsmOptions::default()).is_ok() {
            assembled += 1;
        }
    }
    // Some mutants must still assemble, or the test would only exercise error paths.
    assert!(assembled > 50, "only {assembled} mutants assembled");
}
