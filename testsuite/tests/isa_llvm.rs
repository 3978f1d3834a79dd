//! Differential tests of the instruction set against llvm-mc-19 and llvm-objdump-19:
//! every sample of every opcode-table row must (a) print exactly as llvm-objdump prints
//! its bytes, for --mcpu=v4 and v1, and (b) assemble with llvm-mc to exactly our
//! encoding, little- and big-endian. Skips (printing why) without the tools.

use asm::isa::{self, CpuVersion, Insn};
use linker::object::Endian;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use testsuite::tools;

const HEADER: &str = "\t.text\n\t.globl f\n\t.type f,@function\nf:\n";

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run reference tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Assembles `src` with llvm-mc and returns llvm-objdump's (bytes, text) per instruction.
fn llvm_disasm(dir: &Path, src: &str, triple: &str, mcpu: &str) -> Vec<(String, String)> {
    let s = dir.join("t.s");
    let o = dir.join("t.o");
    std::fs::write(&s, src).unwrap();
    run(Command::new("llvm-mc-19")
        .args(["-triple", triple, "-mcpu=v4", "-filetype=obj", "-o"])
        .arg(&o)
        .arg(&s));
    let text = run(Command::new("llvm-objdump-19")
        .arg("-d")
        .arg(format!("--mcpu={mcpu}"))
        .arg(&o));
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(addr), Some(bytes), Some(insn)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if !addr.trim_end().ends_with(':') {
            continue;
        }
        // Branch-target annotations (`<f+0x10>`) are the objdump tests' business.
        let insn = match insn.rfind(" <") {
            Some(at) if insn.ends_with('>') && !insn.starts_with('<') => &insn[..at],
            _ => insn,
        };
        rows.push((bytes.trim().to_string(), insn.to_string()));
    }
    rows
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn tools_present(test: &str) -> bool {
    tools::require(test, "llvm-mc-19").is_some()
        && tools::require(test, "llvm-objdump-19").is_some()
}

fn check_print(cpu: CpuVersion) {
    let name = format!("isa_llvm print {}", cpu.name());
    if !tools_present(&name) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let samples = isa::samples::all_samples();
    let mut src = HEADER.to_string();
    for insn in &samples {
        let mut b = Vec::new();
        isa::encode(insn, Endian::Little, &mut b);
        let bytes: Vec<String> = b.iter().map(|x| format!("0x{x:02x}")).collect();
        writeln!(src, "\t.byte {}", bytes.join(", ")).unwrap();
    }
    let got = llvm_disasm(dir.path(), &src, "bpfel", cpu.name());
    assert_eq!(got.len(), samples.len());
    let mut bad = Vec::new();
    for (insn, (bytes, text)) in samples.iter().zip(&got) {
        let ours = isa::print_llvm_cpu(insn, None, cpu);
        if &ours != text {
            bad.push(format!("{bytes}: llvm `{text}`, ours `{ours}`"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        samples.len(),
        bad.join("\n")
    );
    println!(
        "{name}: {} instructions print like llvm-objdump-19",
        samples.len()
    );
}

#[test]
fn print_matches_llvm_objdump_v4() {
    check_print(CpuVersion::V4);
}

#[test]
fn print_matches_llvm_objdump_v1() {
    check_print(CpuVersion::V1);
}

/// Instructions whose LLVM text does not say every field (llvm-mc cannot rebuild them),
/// and gotol beyond 16 bits, which llvm-mc-19's parser refuses in text.
fn text_is_lossy(insn: &Insn) -> bool {
    (insn.code == 0x85 && insn.src != 0)
        || (insn.code == 0x18 && insn.src != 0 && insn.imm_hi != 0)
        || (insn.code == 0x06 && i16::try_from(insn.imm).is_err())
}

fn check_assemble(endian: Endian) {
    let name = format!("isa_llvm assemble {endian:?}");
    if !tools_present(&name) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let samples: Vec<Insn> = isa::samples::all_samples()
        .into_iter()
        .filter(|i| !text_is_lossy(i))
        .collect();
    let mut src = HEADER.to_string();
    for insn in &samples {
        writeln!(src, "\t{}", isa::print_llvm(insn, None)).unwrap();
    }
    let triple = if endian == Endian::Little {
        "bpfel"
    } else {
        "bpfeb"
    };
    let got = llvm_disasm(dir.path(), &src, triple, "v4");
    assert_eq!(got.len(), samples.len());
    let mut bad = Vec::new();
    for (insn, (bytes, _)) in samples.iter().zip(&got) {
        let mut b = Vec::new();
        isa::encode(insn, endian, &mut b);
        if hex(&b) != *bytes {
            bad.push(format!(
                "`{}`: llvm-mc {bytes}, ours {}",
                isa::print_llvm(insn, None),
                hex(&b)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        samples.len(),
        bad.join("\n")
    );
    println!(
        "{name}: {} instructions assemble like llvm-mc-19",
        samples.len()
    );
}

#[test]
fn encoding_matches_llvm_mc_little_endian() {
    check_assemble(Endian::Little);
}

#[test]
fn encoding_matches_llvm_mc_big_endian() {
    check_assemble(Endian::Big);
}

/// Random encodings (fixed seed) that our decoder accepts print exactly as llvm-objdump
/// prints them (registers, offsets and immediates beyond the fixed samples).
#[test]
fn random_valid_encodings_print_like_llvm_objdump() {
    let name = "isa_llvm random";
    if !tools_present(name) {
        return;
    }
    let mut state: u64 = 0x5851_f42d_4c95_7f2d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let rows = asm::isa::table::OPCODES;
    let mut samples = Vec::new();
    while samples.len() < 4000 {
        let r = next();
        let row = &rows[(r % rows.len() as u64) as usize];
        let mut b = [0u8; 16];
        b[0] = row.code;
        let v = next();
        b[1] = ((v >> 8) as u8 % 11) << 4 | (v as u8 % 11);
        let fields = next().to_le_bytes();
        // Keep each of off/imm/imm_hi at zero half of the time so that forms with
        // reserved-zero fields come up as often as the others.
        if v & 0x10000 != 0 {
            b[2..4].copy_from_slice(&fields[0..2]);
        }
        if v & 0x20000 != 0 {
            b[4..8].copy_from_slice(&fields[2..6]);
        }
        if v & 0x40000 != 0 {
            b[12..16].copy_from_slice(&fields[4..8]);
        }
        if let asm::isa::table::Key::Imm(k) = row.key
            && v & 0x80000 != 0
        {
            b[4..8].copy_from_slice(&k.to_le_bytes());
        }
        if let asm::isa::table::Key::Off(k) = row.key
            && v & 0x100000 != 0
        {
            b[2..4].copy_from_slice(&k.to_le_bytes());
        }
        if let Ok((insn, _)) = isa::decode(&b, Endian::Little) {
            samples.push(insn);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut src = HEADER.to_string();
    for insn in &samples {
        let mut b = Vec::new();
        isa::encode(insn, Endian::Little, &mut b);
        let bytes: Vec<String> = b.iter().map(|x| format!("0x{x:02x}")).collect();
        writeln!(src, "\t.byte {}", bytes.join(", ")).unwrap();
    }
    let got = llvm_disasm(dir.path(), &src, "bpfel", "v4");
    assert_eq!(got.len(), samples.len());
    let bad: Vec<String> = samples
        .iter()
        .zip(&got)
        .filter(|(i, (_, t))| isa::print_llvm(i, None) != *t)
        .map(|(i, (b, t))| format!("{b}: llvm `{t}`, ours `{}`", isa::print_llvm(i, None)))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        samples.len(),
        bad.join("\n")
    );
    println!(
        "{name}: {} random valid encodings print like llvm-objdump-19",
        samples.len()
    );
}
