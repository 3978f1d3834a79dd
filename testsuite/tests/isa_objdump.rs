//! `ebpfc objdump` against llvm-objdump-19, line for line: objects made by llvm-mc-19
//! (probes written here and `programs/asm/core_relos.s`, little- and big-endian) and by
//! clang-19 (C written here and the repository's examples, every -mcpu; the C programs of
//! `programs/asm/`, CO-RE ones among them, for both byte orders), each listed with several
//! flag sets. Plus insta snapshots of listings of objects built by our own assembler (no
//! tools needed). Tests needing a reference tool print `SKIP <why>` without it.

use asm::objdump::{Options, dump};
use std::path::{Path, PathBuf};
use std::process::Command;
use testsuite::tools;

/// Probes in LLVM syntax: functions, local labels, jumps both ways and out of range,
/// calls (local, external, helper), ld_imm64 relocations, data sections, .bss.
const PROBES: &[(&str, &str)] = &[
    (
        "funcs",
        r#"
	.text
	.globl	f
	.type	f,@function
f:
	r1 = 1
	if r1 > 2 goto LBB0_2
	r0 = *(u32 *)(r1 + 4)
	*(u64 *)(r10 - 8) = r1
	lock *(u64 *)(r10 - 8) += r1
	r1 = map ll
	r2 = map + 16 ll
	call 1
	call g
	call ext
LBB0_2:
	goto -3
	gotol +1
	r0 = 0
	exit
	.size	f, .-f
	.section	sec2,"ax",@progbits
	.globl	g
	.type	g,@function
g:
	r0 = 1
lab:
zz:
	if w1 s< -3 goto lab
	if r1 > 2 goto -20
	exit
	.section	.empty,"ax",@progbits
	.section	.rodata,"a",@progbits
	.byte	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 65, 66, 67
	.bss
	.zero	24
	.data
	.globl	map
map:
	.quad	0
	.quad	f
"#,
    ),
    (
        "isa",
        r#"
	.text
	r1 s/= r2
	w1 s%= 3
	r1 = (s8)r2
	w1 = (s16)w2
	r1 = bswap32 r1
	r1 = be16 r1
	r0 = *(s16 *)(r1 - 2)
	r0 = *(u8 *)skb[5]
	r0 = *(u16 *)skb[r1]
	*(u16 *)(r1 + 2) = -7
	w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)
	r2 = xchg_64(r1 + 0, r2)
	w0 = cmpxchg32_32(r1 + 0, w0, w2)
	ld_pseudo r1, 2, 7
	r1 = -1 ll
	callx r3
	exit
"#,
    ),
    (
        // Encodings only llvm-objdump's lenient decoder reads, unknown ones, zero runs
        // (listed as `...`, cut at relocations), a truncated ld_imm64 at the end.
        "lenient",
        r#"
	.text
	.byte	0x84, 0x01, 0, 0, 5, 0, 0, 0
	.byte	0x87, 0x21, 0, 0, 0, 0, 0, 0
	.byte	0x8d, 0x20, 0, 0, 0, 0, 0, 0
	.byte	0x85, 0x41, 1, 0, 1, 0, 0, 0
	.byte	0x95, 0x03, 1, 0, 0, 0, 0, 0
	.byte	0x95, 0, 0, 0, 1, 0, 0, 0
	.byte	0x07, 0x01, 1, 0, 0, 0, 0, 0
	.byte	0xdb, 0x21, 0, 0, 0x0e, 0, 0, 0
	.byte	0xc3, 0x21, 0, 0, 0x03, 0, 0, 0
	.byte	0xc3, 0x21, 0, 0, 0x01, 0, 0, 0
	.byte	0xdb, 0x21, 0, 0, 0x11, 0, 0, 0
	.byte	0x0f, 0xb1, 0, 0, 0, 0, 0, 0
	.byte	0x18, 0x01, 0, 0, 2, 0, 0, 0, 0x18, 0x21, 1, 0, 1, 0, 0, 0
	.zero	16
	r1 = map ll
	.zero	12
	.byte	0x95, 0, 0, 0, 0, 0, 0, 0
	.zero	4
	exit
	.byte	0x18, 1, 0, 0, 0, 0, 0, 0
"#,
    ),
    (
        // Sections past 64 KiB: offsets keep 4 digits until they need more.
        "big",
        r#"
	.data
	.byte	1
	.zero	65535
	.byte	7, 65, 66
	.bss
	.zero	70000
"#,
    ),
];

/// C programs for clang: maps, globals, subprograms, loops, atomics, packet access.
const C_SOURCES: &[(&str, &str)] = &[(
    "prog",
    r#"
typedef unsigned int u32; typedef unsigned long long u64;
struct xdp_md { u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct { int (*type)[2]; int (*max_entries)[4]; u32 *key; u64 *value; } counts __attribute__((section(".maps"), used));
static void *(*const bpf_map_lookup_elem)(void *, const void *) = (void *)1;
int g1 = 5;
const volatile int limit = 7;
static __attribute__((noinline)) int sub(int x) { return x * 3 + g1; }
__attribute__((section("xdp"), used)) int prog(struct xdp_md *ctx) {
    unsigned char *p = (unsigned char *)(long)ctx->data, *end = (unsigned char *)(long)ctx->data_end;
    u32 k = 0; u64 *v = bpf_map_lookup_elem(&counts, &k);
    if (!v) return 1;
    __sync_fetch_and_add(v, 1);
    int s = 0;
    for (int i = 0; i < 8 && p + i + 1 <= end; i++) s += p[i] ^ (signed char)p[i];
    if (sub(s) > limit) return 2;
    return (ctx->ingress_ifindex >> 3) & 1 ? 3 : (u32)s % 5;
}
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
"#,
)];

const FLAG_SETS: &[&[&str]] = &[
    &["-d", "-r", "--mcpu=v4"],
    &["-d"],
    &["-d", "--mcpu=v2"],
    &["-s"],
    &["-r"],
    &["-d", "-r", "-s", "--mcpu=v3"],
    &["-d", "-r", "-j", "xdp", "--mcpu=v4"],
    &["-s", "-j", ".text"],
];

fn options(flags: &[&str]) -> Options {
    let mut o = Options {
        cpu: asm::isa::CpuVersion::V1,
        ..Options::default()
    };
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        match *f {
            "-d" => o.disassemble = true,
            "-r" => o.relocs = true,
            "-s" => o.contents = true,
            "-j" => o
                .sections
                .push(it.next().map(|s| s.to_string()).unwrap_or_default()),
            m => {
                let cpu = m
                    .strip_prefix("--mcpu=")
                    .and_then(asm::isa::CpuVersion::from_name);
                o.cpu = cpu.expect("known flag");
            }
        }
    }
    o
}

fn run_ok(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    if !out.status.success() {
        println!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/asm")
}

/// Hand-written CO-RE records of every kind, well-formed and malformed.
const CORE_RELOS: &str = include_str!("../programs/asm/core_relos.s");

/// The C programs of `programs/asm/` (CO-RE field, type and enum relocations among
/// them), sorted.
fn asm_c_programs() -> Vec<PathBuf> {
    let mut cs: Vec<PathBuf> = std::fs::read_dir(programs_dir())
        .expect("programs/asm")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    cs.sort();
    cs
}

/// Builds every reference object into `dir`; returns their paths.
fn reference_objects(dir: &Path) -> Vec<PathBuf> {
    let mut objs = Vec::new();
    let probes = PROBES.iter().copied().chain([("core_relos", CORE_RELOS)]);
    for (name, text) in probes {
        for triple in ["bpfel", "bpfeb"] {
            let s = dir.join(format!("{name}.s"));
            let o = dir.join(format!("{name}.{triple}.o"));
            std::fs::write(&s, text).unwrap();
            let ok = run_ok(
                Command::new("llvm-mc-19")
                    .args(["-triple", triple, "-mcpu=v4", "-filetype=obj", "-o"])
                    .arg(&o)
                    .arg(&s),
            );
            assert!(ok.is_some(), "llvm-mc-19 rejected probe {name}");
            objs.push(o);
        }
    }
    let mut sources: Vec<(String, PathBuf)> = Vec::new();
    for (name, text) in C_SOURCES {
        let c = dir.join(format!("{name}.c"));
        std::fs::write(&c, text).unwrap();
        sources.push((name.to_string(), c));
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for e in std::fs::read_dir(&examples).into_iter().flatten().flatten() {
        let p = e.path();
        if p.to_string_lossy().ends_with(".bpf.c") {
            let stem = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".bpf.c", "");
            sources.push((stem, p));
        }
    }
    sources.sort();
    for (name, c) in sources {
        for (cpu, g) in [("v1", "-g"), ("v2", "-g0"), ("v3", "-g"), ("v4", "-g")] {
            let o = dir.join(format!("{name}.{cpu}.o"));
            let ok = run_ok(
                Command::new("clang-19")
                    .args([
                        "-target",
                        "bpf",
                        "-O2",
                        g,
                        &format!("-mcpu={cpu}"),
                        "-c",
                        "-o",
                    ])
                    .arg(&o)
                    .arg("-I")
                    .arg(&examples)
                    .arg(&c),
            );
            assert!(ok.is_some(), "clang-19 failed on {}", c.display());
            objs.push(o);
        }
    }
    for c in asm_c_programs() {
        let stem = c.file_stem().unwrap().to_string_lossy().into_owned();
        for target in ["bpf", "bpfeb"] {
            let o = dir.join(format!("asm_{stem}.{target}.o"));
            let ok = run_ok(
                Command::new("clang-19")
                    .args(["-target", target, "-O2", "-g", "-mcpu=v4", "-c", "-o"])
                    .arg(&o)
                    .args(tools::multiarch_includes())
                    .arg(&c),
            );
            assert!(ok.is_some(), "clang-19 failed on {}", c.display());
            objs.push(o);
        }
    }
    objs
}

#[test]
fn matches_llvm_objdump() {
    let test = "isa_objdump parity";
    for tool in ["llvm-objdump-19", "llvm-mc-19", "clang-19"] {
        if tools::require(test, tool).is_none() {
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let objs = reference_objects(dir.path());
    let (mut same, mut total) = (0, 0);
    let mut bad = Vec::new();
    let mut core_lines = String::new();
    for o in &objs {
        let bytes = std::fs::read(o).unwrap();
        let name = o.display().to_string();
        for flags in FLAG_SETS {
            total += 1;
            let want =
                run_ok(Command::new("llvm-objdump-19").args(*flags).arg(o)).unwrap_or_default();
            let got = match dump(&bytes, &name, &options(flags)) {
                Ok(d) => d.text,
                Err(e) => format!("error: {}", e.message),
            };
            if name.contains("asm_core_") {
                core_lines.extend(
                    got.lines()
                        .filter(|l| l.contains("CO-RE"))
                        .map(|l| l.to_string() + "\n"),
                );
            }
            if got == want {
                same += 1;
            } else {
                let first = got
                    .lines()
                    .zip(want.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("ours `{a}`\n    llvm `{b}`"))
                    .unwrap_or_else(|| "(one listing is a prefix of the other)".into());
                bad.push(format!("{} {}: {first}", name, flags.join(" ")));
            }
        }
    }
    println!("objdump parity: {same} of {total} listings identical to llvm-objdump-19");
    assert!(bad.is_empty(), "{} differ:\n{}", bad.len(), bad.join("\n"));
    // clang's CO-RE objects gave a well-formed line of every kind (so the parity above
    // covers them all); a malformed record would read `'<access string>' <why>`.
    for kind in asm::objdump::CORE_KIND_NAMES {
        assert!(
            core_lines
                .lines()
                .any(|l| l.contains(&format!("CO-RE <{kind}> [")) && !l.contains("' <")),
            "no `{kind}` CO-RE line in the listings of programs/asm/core_*.c"
        );
    }
}

/// Our assembler's object, listed by our objdump (snapshot) and, when present, by
/// llvm-objdump-19 (must agree).
fn own_listing(name: &str, text: &str, flags: &[&str]) -> String {
    let mut sources = diag::SourceMap::new();
    let obj = match asm::assemble_text(&mut sources, name, text, None, &asm::AsmOptions::default())
    {
        Ok(o) => o,
        Err(d) => panic!("{}", diag::render_all(&sources, &d)),
    };
    let bytes = linker::elf_write::write_object(&obj);
    let ours = dump(&bytes, name, &options(flags))
        .expect("our object reads back")
        .text;
    if tools::find("llvm-objdump-19").is_some() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let want = run_ok(
            Command::new("llvm-objdump-19")
                .args(flags)
                .arg(name)
                .current_dir(dir.path()),
        )
        .unwrap_or_default();
        assert_eq!(ours, want, "llvm-objdump-19 lists our object differently");
    } else {
        println!("SKIP llvm-objdump-19 cross-check: not installed");
    }
    ours
}

const OWN_PROGRAM: &str = r#"
	.text
	.globl	main
	.type	main,@function
main:
	r6 = r1
	r1 = counts ll
	call 1
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
	w1 = *(u32 *)(r6 + 12)
	call helper
out:
	r0 = 2
	exit
	.size	main, .-main
	.type	helper,@function
helper:
	w0 = w1
	w0 s/= 3
	r0 = bswap16 r0
	gotol +0
	exit
	.data
	.globl	counts
counts:
	.quad	7
"#;

#[test]
fn snapshot_own_object_disassembly() {
    insta::assert_snapshot!(own_listing(
        "own.o",
        OWN_PROGRAM,
        &["-d", "-r", "--mcpu=v4"]
    ));
}

#[test]
fn snapshot_own_object_contents() {
    insta::assert_snapshot!(own_listing(
        "own.o",
        OWN_PROGRAM,
        &["-s", "-j", ".text", "-j", ".data"]
    ));
}

#[test]
fn snapshot_gnu_dialect_program_v1_listing() {
    let text = "\tmov %r0, 0\n\tldxw %r1, [%r1+4]\nloop:\n\tadd32 %r0, 3\n\tjlt %r0, 30, loop\n\tstxw [%r10-4], %r0\n\tlddw %r2, 0x1122334455667788\n\texit\n";
    insta::assert_snapshot!(own_listing("gnu.o", text, &["-d", "-r"]));
}

/// CO-RE records of every kind, and malformed ones, from a committed `.s` (see its
/// comments) listed under their instructions.
#[test]
fn snapshot_core_relocations() {
    insta::assert_snapshot!(own_listing(
        "core_relos.o",
        CORE_RELOS,
        &["-d", "-r", "--mcpu=v4"]
    ));
}

/// `-d` alone and `-r` alone list no CO-RE records, as llvm-objdump.
#[test]
fn core_relocations_need_both_d_and_r() {
    for flags in [&["-d"][..], &["-r"]] {
        let listing = own_listing("core_relos.o", CORE_RELOS, flags);
        assert!(!listing.contains("CO-RE"), "{flags:?}:\n{listing}");
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let o = options(&["-d", "-r", "-s"]);
    for bytes in [
        &b""[..],
        b"\x7fELF",
        b"not an object at all",
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0],
    ] {
        let e = dump(bytes, "x.o", &o).unwrap_err();
        assert!(e.code.id.starts_with("E07"), "{}", e.code);
    }
}

#[test]
fn mutated_objects_never_panic() {
    let mut sources = diag::SourceMap::new();
    let obj = asm::assemble_text(
        &mut sources,
        "m.s",
        OWN_PROGRAM,
        None,
        &asm::AsmOptions::default(),
    )
    .expect("assembles");
    let good = linker::elf_write::write_object(&obj);
    let o = options(&["-d", "-r", "-s", "--mcpu=v4"]);
    let mut state: u64 = 0x853c_49e6_748f_ea9b;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut rejected) = (0, 0);
    for _ in 0..3000 {
        let mut b = good.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % b.len() as u64) as usize;
            b[at] = match next() % 4 {
                0 => 0,
                1 => 0xff,
                _ => next() as u8,
            };
        }
        if next() % 8 == 0 {
            b.truncate((next() % b.len() as u64) as usize);
        }
        match dump(&b, "m.o", &o) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(e.code.id.starts_with("E07"), "{}: {}", e.code, e.message);
                rejected += 1;
            }
        }
    }
    println!("mutated objects: {ok} listed, {rejected} rejected with E07xx");
    assert!(
        ok > 100 && rejected > 100,
        "{ok} listed, {rejected} rejected"
    );
}

/// Damage inside `.BTF` and `.BTF.ext` (overwritten words, bytes) never panics or hangs:
/// a listing either shows CO-RE lines or warns that it cannot.
#[test]
fn mutated_core_relocations_never_panic() {
    let mut sources = diag::SourceMap::new();
    let obj = asm::assemble_text(
        &mut sources,
        "c.s",
        CORE_RELOS,
        None,
        &asm::AsmOptions::default(),
    )
    .expect("assembles");
    let good = linker::elf_write::write_object(&obj);
    // The byte range of .BTF and .BTF.ext in the file.
    let span = |name: &str| {
        let data = &obj.sections[obj.section_by_name(name).unwrap()].data;
        let at = good
            .windows(data.len())
            .position(|w| w == &data[..])
            .unwrap();
        at..at + data.len()
    };
    let (btf, ext) = (span(".BTF"), span(".BTF.ext"));
    let o = options(&["-d", "-r", "--mcpu=v4"]);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut listed, mut warned) = (0, 0);
    for round in 0..3000 {
        let mut b = good.clone();
        let range = if round % 2 == 0 { &btf } else { &ext };
        for _ in 0..1 + next() % 3 {
            let at = range.start + ((next() % range.len() as u64) as usize & !3);
            let word: u32 = match next() % 4 {
                0 => 0,
                1 => u32::MAX,
                2 => (next() % 64) as u32,
                _ => next() as u32,
            };
            let at = at.min(range.end - 4);
            b[at..at + 4].copy_from_slice(&word.to_le_bytes());
        }
        let d = dump(&b, "c.o", &o).expect("the ELF structure is intact");
        if d.text.contains("CO-RE") {
            listed += 1;
        }
        if !d.warnings.is_empty() {
            assert!(!d.text.contains("CO-RE"), "{:?}", d.warnings);
            warned += 1;
        }
    }
    println!("mutated CO-RE records: {listed} listed, {warned} warned");
    assert!(
        listed > 100 && warned > 100,
        "{listed} listed, {warned} warned"
    );
}
