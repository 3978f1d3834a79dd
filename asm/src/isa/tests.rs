//! Unit tests of the instruction set: the table itself, encode/decode, print/parse.

use super::table::{Key, OPCODES};
use super::*;
use linker::object::Endian;

fn le(insn: &Insn) -> Vec<u8> {
    let mut v = Vec::new();
    encode(insn, Endian::Little, &mut v);
    v
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn llvm(text: &str) -> Insn {
    match parse_insn(text, Some(Dialect::Llvm)) {
        Ok(p) => p.insn,
        Err(e) => panic!("{text}: {e}"),
    }
}

fn gnu(text: &str) -> Insn {
    match parse_insn(text, Some(Dialect::Gnu)) {
        Ok(p) => p.insn,
        Err(e) => panic!("{text}: {e}"),
    }
}

#[test]
fn templates_lex_and_agree_on_fields() {
    for row in OPCODES {
        let mut l: Vec<char> = template_slots(row.llvm);
        l.sort();
        l.dedup();
        assert!(
            super::lex::lex(&row.llvm.replace(['{', '}'], "")).is_ok(),
            "{}",
            row.llvm
        );
        for g in row.gnu.split('|') {
            let mut gs = template_slots(g);
            gs.sort();
            gs.dedup();
            assert_eq!(
                l, gs,
                "row 0x{:02x} {:?}: `{}` vs `{}`",
                row.code, row.key, row.llvm, g
            );
        }
    }
}

fn template_slots(t: &str) -> Vec<char> {
    t.split('{')
        .skip(1)
        .filter_map(|r| r.chars().next())
        .collect()
}

#[test]
fn basic_encodings() {
    let i = llvm("r1 += r2");
    assert_eq!(hex(&le(&i)), "0f 21 00 00 00 00 00 00");
    let i = llvm("r1 = 0x123456789 ll");
    assert_eq!(
        hex(&le(&i)),
        "18 01 00 00 89 67 45 23 00 00 00 00 01 00 00 00"
    );
    assert_eq!(insn_len(&i), 16);
    let mut be = Vec::new();
    encode(&llvm("if r1 > r2 goto +1"), Endian::Big, &mut be);
    assert_eq!(hex(&be), "2d 12 00 01 00 00 00 00");
    let (back, n) = decode(&be, Endian::Big).unwrap();
    assert_eq!((back, n), (llvm("if r1 > r2 goto +1"), 8));
}

#[test]
fn every_row_prints_and_parses_back() {
    for row in OPCODES {
        let mut insn = Insn {
            code: row.code,
            dst: 3,
            src: 4,
            off: -6,
            imm: 7,
            imm_hi: 0,
        };
        match row.key {
            Key::None => {}
            Key::Off(v) => insn.off = v,
            Key::Imm(v) => insn.imm = v,
            Key::Src(v) => insn.src = v,
            Key::SrcIn(lo, _) => insn.src = lo,
        }
        let row2 = lookup(&insn);
        // Zero the fields this row does not use, by decoding what the row accepts.
        let slots = super::template::slots_of(row);
        if !slots.dst {
            insn.dst = 0
        }
        if !slots.src && !matches!(row.key, Key::Src(_) | Key::SrcIn(..)) {
            insn.src = 0
        }
        if !slots.off && !matches!(row.key, Key::Off(_)) {
            insn.off = 0
        }
        if !slots.imm && !matches!(row.key, Key::Imm(_)) {
            insn.imm = 0
        }
        let _ = row2;
        assert_eq!(lookup(&insn), Some(row), "{:?}", insn);
        let text = print_llvm(&insn, None);
        let g = print_gnu(&insn);
        let p = parse_insn(&text, Some(Dialect::Llvm)).unwrap_or_else(|e| panic!("{text}: {e}"));
        let q = parse_insn(&g, Some(Dialect::Gnu)).unwrap_or_else(|e| panic!("{g}: {e}"));
        // LLVM prints call src 1 and 2 like src 0.
        if !(row.code == 0x85 && insn.src != 0) {
            assert_eq!(p.insn, insn, "{text}");
        }
        assert_eq!(q.insn, insn, "{g}");
    }
}

#[test]
fn gnu_spellings() {
    assert_eq!(gnu("mov %r0, 1"), llvm("r0 = 1"));
    assert_eq!(gnu("mov r0, 1"), llvm("r0 = 1"));
    assert_eq!(gnu("add32 %r0, -3"), llvm("w0 += -3"));
    assert_eq!(gnu("ldxw %r0, [%r1+4]"), llvm("w0 = *(u32 *)(r1 + 4)"));
    assert_eq!(gnu("stxdw [%r10-8], %r1"), llvm("*(u64 *)(r10 - 8) = r1"));
    assert_eq!(gnu("stw [%r1+2], 5"), llvm("*(u32 *)(r1 + 2) = 5"));
    assert_eq!(gnu("lddw %r0, 0x123456789"), llvm("r0 = 0x123456789 ll"));
    assert_eq!(gnu("ldabsb 5"), llvm("r0 = *(u8 *)skb[5]"));
    assert_eq!(gnu("ldindh %r1"), llvm("r0 = *(u16 *)skb[r1]"));
    assert_eq!(gnu("jeq %r1, 0, +2"), llvm("if r1 == 0 goto +2"));
    assert_eq!(gnu("ja +2"), llvm("goto +2"));
    assert_eq!(gnu("jeq32 %r1, %r2, -1"), llvm("if w1 == w2 goto -1"));
    assert_eq!(gnu("call 1"), llvm("call 1"));
    assert_eq!(gnu("exit"), llvm("exit"));
    assert_eq!(gnu("le16 %r1"), llvm("r1 = le16 r1"));
    assert_eq!(gnu("be64 %r1"), llvm("r1 = be64 r1"));
    assert_eq!(gnu("bswap16 %r1"), llvm("r1 = bswap16 r1"));
    assert_eq!(
        gnu("lock add [%r1+0], %r2"),
        llvm("lock *(u64 *)(r1 + 0) += r2")
    );
    assert_eq!(
        gnu("lock fetch add32 [%r10-4], %r1"),
        llvm("w1 = atomic_fetch_add((u32 *)(r10 - 4), w1)")
    );
    assert_eq!(
        gnu("lock xchg [%r10-8], %r1"),
        llvm("r1 = xchg_64(r10 - 8, r1)")
    );
    assert_eq!(
        gnu("lock cmpxchg32 [%r10-8], %r1"),
        llvm("w0 = cmpxchg32_32(r10 - 8, w0, w1)")
    );
    assert_eq!(gnu("sdiv32 %r0, %r1"), llvm("w0 s/= w1"));
    assert_eq!(gnu("smod %r0, 3"), llvm("r0 s%= 3"));
    assert_eq!(gnu("movsx832 %r0, %r1"), llvm("w0 = (s8)w1"));
    assert_eq!(gnu("movsx3264 %r0, %r1"), llvm("r0 = (s32)r1"));
    assert_eq!(gnu("ldxsb %r0, [%r10-1]"), llvm("r0 = *(s8 *)(r10 - 1)"));
    assert_eq!(gnu("neg32 %r0"), llvm("w0 = -w0"));
    assert_eq!(gnu("ldxdw %r0, [%r1]"), llvm("r0 = *(u64 *)(r1 + 0)"));
    assert_eq!(gnu("call %r2"), llvm("callx r2"));
}

#[test]
fn symbols() {
    let p = parse_insn("r1 = map + 8 ll", None).unwrap();
    assert_eq!(p.insn.imm, 8);
    let s = p.sym.unwrap();
    assert_eq!(
        (s.role, s.name.as_str(), s.addend, s.span),
        (SymRole::Imm64, "map", 8, 5..12)
    );
    let p = parse_insn("if r1 > r2 goto LBB0_3", None).unwrap();
    assert_eq!(p.sym.unwrap().role, SymRole::JumpTarget);
    let p = parse_insn("call foo", None).unwrap();
    assert_eq!((p.insn.src, p.insn.imm), (1, -1));
    assert_eq!(p.sym.unwrap().role, SymRole::CallTarget);
    let p = parse_insn("call local func1", None).unwrap();
    assert_eq!(p.sym.unwrap().name, "func1");
    let p = parse_insn("ja exit", None).unwrap();
    assert_eq!(p.sym.unwrap().name, "exit");
    let p = parse_insn("gotol L1", None).unwrap();
    assert_eq!(
        (p.insn.code, p.sym.unwrap().role),
        (0x06, SymRole::JumpTarget)
    );
}

#[test]
fn errors_have_codes_and_spans() {
    let e = parse_insn("frob %r1, 2", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_UNKNOWN, 0..4),
        "{e}"
    );
    let e = parse_insn("r11 = 5", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_BAD_REGISTER, 0..3),
        "{e}"
    );
    let e = parse_insn("w1 += r2", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_BAD_REGISTER, 6..8),
        "{e}"
    );
    let e = parse_insn("r1 = 0x100000000", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_IMM_RANGE, 5..16),
        "{e}"
    );
    let e = parse_insn("r1 = -0x80000001", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_IMM_RANGE, "{e}");
    let e = parse_insn("goto +32768", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_OFF_RANGE, 5..11),
        "{e}"
    );
    let e = parse_insn("r0 = *(u32 *)(r1 + 40000)", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_OFF_RANGE, "{e}");
    let e = parse_insn("ldxw %r0, [%r1+4", None).unwrap_err();
    assert_eq!(
        (e.code, e.span.clone()),
        (diag::codes::E_ISA_BAD_OPERAND, 16..16),
        "{e}"
    );
    let e = parse_insn("add %r1, %r2, %r3", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_BAD_OPERAND, "{e}");
    let e = parse_insn("r1 = 12zz", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_BAD_OPERAND, "{e}");
    let e = parse_insn("r1 = 99999999999999999999 ll", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_IMM_RANGE, "{e}");
    let e = parse_insn("", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_UNKNOWN);
    let e = parse_insn("r1 = -r2", None).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_BAD_REGISTER, "{e}");
}

#[test]
fn ranges_accept_u32_and_i32() {
    assert_eq!(llvm("r2 = 0xffffffff").imm, -1);
    assert_eq!(llvm("r2 = -0x80000000").imm, i32::MIN);
    assert_eq!(llvm("r1 = 0xffffffffffffffff ll").imm64(), -1);
    assert_eq!(llvm("r1 = -0x8000000000000000 ll").imm64(), i64::MIN);
    assert_eq!(llvm("goto -32768").off, i16::MIN);
}

#[test]
fn decoder_rejects() {
    use DecodeError::*;
    let d = |b: &[u8]| decode(b, Endian::Little).unwrap_err();
    assert_eq!(d(&[0x0f, 0x21, 0, 0]), Truncated { needed: 8, have: 4 });
    assert_eq!(
        d(&[0x18, 0x01, 0, 0, 0, 0, 0, 0]),
        Truncated {
            needed: 16,
            have: 8
        }
    );
    assert_eq!(
        d(&[0x18, 1, 0, 0, 0, 0, 0, 0, 0x18, 0, 0, 0, 0, 0, 0, 0]),
        BadLdImm64Slot
    );
    assert_eq!(
        d(&[0x18, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]),
        BadLdImm64Slot
    );
    assert_eq!(
        d(&[0xff, 0, 0, 0, 0, 0, 0, 0]),
        UnknownOpcode { code: 0xff }
    );
    assert_eq!(
        d(&[0x38, 0, 0, 0, 0, 0, 0, 0]),
        UnknownOpcode { code: 0x38 }
    );
    assert_eq!(
        d(&[0x0f, 0x2b, 0, 0, 0, 0, 0, 0]),
        BadRegister {
            code: 0x0f,
            reg: 11
        }
    );
    assert_eq!(
        d(&[0x0f, 0x21, 0, 0, 1, 0, 0, 0]),
        ReservedNonZero {
            code: 0x0f,
            field: "imm"
        }
    );
    assert_eq!(
        d(&[0x07, 0x01, 1, 0, 0, 0, 0, 0]),
        ReservedNonZero {
            code: 0x07,
            field: "off"
        }
    );
    assert_eq!(
        d(&[0x95, 0, 0, 0, 1, 0, 0, 0]),
        ReservedNonZero {
            code: 0x95,
            field: "imm"
        }
    );
    assert_eq!(
        d(&[0x07, 0x21, 0, 0, 0, 0, 0, 0]),
        ReservedNonZero {
            code: 0x07,
            field: "src"
        }
    );
    // END with a width that is not 16/32/64, sdiv with off 2, movsx32 in ALU32, call src 3.
    assert_eq!(
        d(&[0xdc, 1, 0, 0, 0x11, 0, 0, 0]),
        UnknownOpcode { code: 0xdc }
    );
    assert_eq!(
        d(&[0x3f, 0x21, 2, 0, 0, 0, 0, 0]),
        ReservedNonZero {
            code: 0x3f,
            field: "off"
        }
    );
    assert_eq!(
        d(&[0xbc, 0x21, 32, 0, 0, 0, 0, 0]),
        ReservedNonZero {
            code: 0xbc,
            field: "off"
        }
    );
    assert_eq!(
        d(&[0x85, 0x30, 0, 0, 1, 0, 0, 0]),
        UnknownOpcode { code: 0x85 }
    );
    assert_eq!(
        d(&[0x18, 0x71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        UnknownOpcode { code: 0x18 }
    );
    assert_eq!(
        d(&[0xdb, 0x21, 0, 0, 0x02, 0, 0, 0]),
        UnknownOpcode { code: 0xdb }
    );
}

#[test]
fn cpu_versions() {
    assert_eq!(min_cpu(&llvm("r1 += r2")), CpuVersion::V1);
    assert_eq!(min_cpu(&llvm("if r1 < r2 goto +1")), CpuVersion::V2);
    assert_eq!(min_cpu(&llvm("if w1 < w2 goto +1")), CpuVersion::V3);
    // clang-19 emits every 64-bit atomic at v1; of the 32-bit ones only `lock +=`.
    assert_eq!(
        min_cpu(&llvm("r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)")),
        CpuVersion::V1
    );
    assert_eq!(
        min_cpu(&llvm("w0 = atomic_fetch_add((u32 *)(r1 + 0), w0)")),
        CpuVersion::V3
    );
    for t in [
        "r1 s/= r2",
        "w1 s%= 3",
        "r1 = (s8)r2",
        "r0 = *(s16 *)(r1 + 0)",
        "r1 = bswap32 r1",
        "gotol +1",
    ] {
        assert_eq!(min_cpu(&llvm(t)), CpuVersion::V4, "{t}");
    }
    let e = require_cpu(&llvm("r1 s/= r2"), CpuVersion::V3, 0..9).unwrap_err();
    assert_eq!(e.code, diag::codes::E_ISA_CPU);
    assert!(e.message.contains("-mcpu=v4"), "{}", e.message);
    assert!(require_cpu(&llvm("if r1 <= r2 goto +1"), CpuVersion::V1, 0..1).is_err());
    assert!(require_cpu(&llvm("if r1 <= r2 goto +1"), CpuVersion::V2, 0..1).is_ok());
}

#[test]
fn round_trip_every_sample() {
    let samples = samples::all_samples();
    assert!(samples.len() > 800, "{}", samples.len());
    for insn in samples {
        for endian in [Endian::Little, Endian::Big] {
            let mut b = Vec::new();
            encode(&insn, endian, &mut b);
            assert_eq!(b.len(), insn_len(&insn));
            let (back, used) = decode(&b, endian).unwrap_or_else(|e| panic!("{insn:?}: {e}"));
            assert_eq!((back, used), (insn, b.len()));
        }
        let mut want_gnu = insn;
        if insn.code == 0x18 && insn.src != 0 {
            want_gnu.imm_hi = 0; // `ld_pseudo` does not print the second slot
        }
        let gnu_text = print_gnu(&insn);
        let g = parse_insn(&gnu_text, None).unwrap_or_else(|e| panic!("{gnu_text}: {e}"));
        assert_eq!(g.insn, want_gnu, "{gnu_text}");
        let text = print_llvm(&insn, None);
        let p = parse_insn(&text, None).unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut want = insn;
        if insn.code == 0x85 {
            want.src = 0; // LLVM prints `call N` for src 0, 1 and 2 alike
        }
        if insn.code == 0x18 && insn.src != 0 {
            want.imm_hi = 0; // `ld_pseudo` does not print the second slot
        }
        assert_eq!(p.insn, want, "{text}");
        // Printing the parsed instruction gives the same text again.
        assert_eq!(print_llvm(&p.insn, None), text);
    }
}

/// A fixed-seed xorshift generator: the no-panic tests are deterministic.
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

#[test]
fn no_panic_on_mutated_text() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seeds: Vec<String> = Vec::new();
    for insn in samples::all_samples().into_iter().step_by(3) {
        seeds.push(print_llvm(&insn, Some("lbl+0x8")));
        seeds.push(print_gnu(&insn));
    }
    const PIECES: &[&str] = &[
        " ",
        "r",
        "w",
        "%",
        "r11",
        "w10",
        "0x",
        "-",
        "+",
        "=",
        "==",
        "s>>=",
        "(",
        ")",
        "[",
        "]",
        "*",
        ",",
        "ll",
        "goto",
        "if",
        "lock",
        "99999999999999999999999",
        "-0x8000000000000000",
        "0b",
        "08",
        "é",
        "\t",
        "call",
        "local",
        "u64",
        "(s8)",
        "skb",
        "ld_pseudo",
        "label",
    ];
    let mut parsed = 0;
    for case in 0..20_000 {
        let seed = &seeds[rng.below(seeds.len())];
        let mut text: String = seed.clone();
        for _ in 0..1 + rng.below(3) {
            let chars: Vec<char> = text.chars().collect();
            let at = rng.below(chars.len() + 1);
            let piece = PIECES[rng.below(PIECES.len())];
            let mut out: String = chars[..at].iter().collect();
            match rng.below(3) {
                0 => out.push_str(piece),
                1 if at < chars.len() => {} // delete one character
                _ => {
                    out.push_str(piece);
                    out.push(chars.get(at).copied().unwrap_or(' '));
                }
            }
            let skip = if at < chars.len() { at + 1 } else { at };
            out.extend(chars[skip.min(chars.len())..].iter());
            text = out;
        }
        let dialect = [None, Some(Dialect::Llvm), Some(Dialect::Gnu)][case % 3];
        match parse_insn(&text, dialect) {
            Ok(p) => {
                parsed += 1;
                // Whatever parses is a valid instruction (or a symbol placeholder).
                if p.sym.is_none() {
                    assert!(lookup(&p.insn).is_some(), "{text:?} gave {:?}", p.insn);
                }
            }
            Err(e) => {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= text.len(),
                    "{text:?}: {e}"
                );
                assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                assert!(e.code.id.starts_with("E068"), "{text:?}: {e}");
            }
        }
    }
    assert!(
        parsed > 300,
        "the mutations should leave some valid text ({parsed})"
    );
}

#[test]
fn no_panic_on_random_bytes() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut valid = 0;
    for _ in 0..50_000 {
        let len = rng.below(20);
        let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Bias towards real opcodes so that the field checks are exercised too.
        if let Some(first) = b.first_mut()
            && rng.below(2) == 0
        {
            *first = table::OPCODES[rng.below(table::OPCODES.len())].code;
        }
        for endian in [Endian::Little, Endian::Big] {
            if let Ok((insn, used)) = decode(&b, endian) {
                valid += 1;
                assert!(used <= b.len());
                let _ = print_llvm(&insn, None);
                let _ = print_llvm_cpu(&insn, Some("x"), CpuVersion::V1);
                let _ = print_gnu(&insn);
                let mut again = Vec::new();
                encode(&insn, endian, &mut again);
                assert_eq!(&again[..], &b[..used]);
            }
        }
        let _ = crate::disasm::disassemble(&b, 0, Endian::Little);
    }
    assert!(valid > 200, "{valid}");
}

#[test]
fn opcode_table_listing() {
    // One line per row: its first sample's bytes, LLVM text, GNU text and cpu. Together
    // with the llvm-mc/llvm-objdump parity tests this pins every spelling.
    let mut out = String::new();
    for row in table::OPCODES {
        let insn = samples::samples_of(row)[0];
        let mut b = Vec::new();
        encode(&insn, Endian::Little, &mut b);
        out.push_str(&format!(
            "{:<47} | {:<45} | {:<32} | {}\n",
            hex(&b),
            print_llvm(&insn, None),
            print_gnu(&insn),
            row.cpu.name()
        ));
    }
    insta::assert_snapshot!(out);
}

/// The byte-scanning `const fn slots_of` reads the same placeholders as splitting the
/// template text at `{` does.
#[test]
fn slots_match_template_text() {
    for row in OPCODES {
        let mut seen = Vec::new();
        for rest in row.llvm.split('{').skip(1) {
            let mut cs = rest.chars();
            if let (Some(c), Some('}')) = (cs.next(), cs.next()) {
                seen.push(c);
            }
        }
        let has = |set: &[char]| seen.iter().any(|c| set.contains(c));
        let s = super::template::slots_of(row);
        assert_eq!(s.dst, has(&['d', 'D']), "{}", row.llvm);
        assert_eq!(s.src, has(&['s', 'S', 'p']), "{}", row.llvm);
        assert_eq!(s.off, has(&['o', 'j']), "{}", row.llvm);
        assert_eq!(s.imm, has(&['i', 'u', 'g', 'c', 'q']), "{}", row.llvm);
        let hi = has(&['q']) || row.code == table::OP_LD_IMM64;
        assert_eq!(s.imm_hi, hi, "{}", row.llvm);
    }
}
