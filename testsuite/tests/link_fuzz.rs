//! Deterministic mutation test of every reader the linker exposes to user bytes: real
//! objects (built here with the object model, BTF builder and ELF writer, plus clang-19's
//! output when it is installed) are mutated by a fixed-seed PRNG (byte flips, small
//! integer overwrites, truncation) and fed through `read_input`, `Btf::parse`,
//! `BtfExt::parse` and the whole linker. Nothing may panic; some mutants must be
//! rejected with a diagnostic and some must still be accepted (so the mutations reach
//! past the header checks).

use linker::btf::ext::{BtfExt, ExtSection, FuncInfo, LineInfo};
use linker::btf::{BTF_INT_SIGNED, Btf, BtfType, Linkage, Member, Param, TypeData, VarSecInfo};
use linker::elf_read::read_input;
use linker::elf_write::write_object;
use linker::link::{LinkOptions, link_files};
use linker::object::{
    Binding, Endian, Object, Reloc, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, Section, SectionKind,
    Symbol, SymbolKind, SymbolPlace, Visibility,
};
use linker::reloc::RelocType;
use std::process::Command;

/// xorshift64*: small, fixed-seed, reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A program with a call, a map load, `.data`, `.maps`, `license`, BTF and `.BTF.ext`.
fn sample(endian: Endian) -> Vec<u8> {
    let mut o = Object::new(endian);
    let mut xdp = Section::new("xdp", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
    xdp.data = vec![
        0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // r1 = map ll
        0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff, // call f
        0x95, 0, 0, 0, 0, 0, 0, 0, // exit
    ];
    xdp.size = 32;
    let xdp = o.sections.push(xdp);
    let mut text = Section::new(".text", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
    text.data = vec![0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
    text.size = 16;
    let text = o.sections.push(text);
    let mut maps = Section::new(".maps", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 8);
    maps.data = vec![0; 8];
    maps.size = 8;
    let maps = o.sections.push(maps);
    let mut lic = Section::new("license", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 1);
    lic.data = b"GPL\0".to_vec();
    lic.size = 4;
    let lic = o.sections.push(lic);
    let s = |name: &str, kind, binding, place, size| Symbol {
        name: name.into(),
        kind,
        binding,
        visibility: Visibility::Default,
        place,
        value: 0,
        size,
    };
    o.symbols.push(s(
        "",
        SymbolKind::Section,
        Binding::Local,
        SymbolPlace::Section(text),
        0,
    ));
    o.symbols.push(s(
        "prog",
        SymbolKind::Func,
        Binding::Global,
        SymbolPlace::Section(xdp),
        32,
    ));
    let f = o.symbols.push(s(
        "f",
        SymbolKind::Func,
        Binding::Global,
        SymbolPlace::Section(text),
        16,
    ));
    let m = o.symbols.push(s(
        "m",
        SymbolKind::Object,
        Binding::Global,
        SymbolPlace::Section(maps),
        8,
    ));
    o.symbols.push(s(
        "LICENSE",
        SymbolKind::Object,
        Binding::Global,
        SymbolPlace::Section(lic),
        4,
    ));
    o.sections[xdp].relocs.push(Reloc {
        byte_off: 0,
        symbol: m,
        kind: RelocType::R_BPF_64_64,
    });
    o.sections[xdp].relocs.push(Reloc {
        byte_off: 16,
        symbol: f,
        kind: RelocType::R_BPF_64_32,
    });

    let mut b = Btf::new();
    let int = b.add_int("int", 4, BTF_INT_SIGNED);
    let ptr = b.add_ptr(int);
    let x = b.add_string("x");
    let st = b.add_type(BtfType::new(
        0,
        TypeData::Struct {
            size: 8,
            members: vec![Member {
                name_off: x,
                type_id: ptr,
                bit_offset: 0,
                bitfield_size: 0,
            }],
        },
    ));
    let proto = b.add_type(BtfType::new(
        0,
        TypeData::FuncProto {
            ret_type: int,
            params: vec![Param {
                name_off: x,
                type_id: ptr,
            }],
        },
    ));
    let fprog = b.add_func("prog", proto, Linkage::Global);
    let ff = b.add_func("f", proto, Linkage::Global);
    let vm = b.add_var("m", st, Linkage::Global);
    // Every global needs its VAR or FUNC (libbpf's linker checks them).
    let ch = b.add_int("char", 1, 0);
    let idx = b.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
    let lic = b.add_type(BtfType::new(
        0,
        TypeData::Array {
            elem_type: ch,
            index_type: idx,
            nelems: 4,
        },
    ));
    b.add_var("LICENSE", lic, Linkage::Global);
    let ms = b.add_string(".maps");
    b.add_type(BtfType::new(
        ms,
        TypeData::Datasec {
            size: 8,
            vars: vec![VarSecInfo {
                type_id: vm,
                offset: 0,
                size: 8,
            }],
        },
    ));
    let file = b.add_string("a.c");
    let line = b.add_string("return f(x);");
    let ext = BtfExt {
        func_info: vec![
            ExtSection {
                sec_name: "xdp".into(),
                records: vec![FuncInfo {
                    insn_off: 0,
                    type_id: fprog,
                }],
            },
            ExtSection {
                sec_name: ".text".into(),
                records: vec![FuncInfo {
                    insn_off: 0,
                    type_id: ff,
                }],
            },
        ],
        line_info: vec![ExtSection {
            sec_name: "xdp".into(),
            records: vec![LineInfo {
                insn_off: 16,
                file_name_off: file,
                line_off: line,
                line_col: (3 << 10) | 2,
            }],
        }],
        core_relo: Vec::new(),
    };
    let ext_bytes = ext.encode(&mut b, endian);
    for (name, data) in [(".BTF", b.encode(endian)), (".BTF.ext", ext_bytes)] {
        let mut sec = Section::new(name, SectionKind::Progbits, 0, 4);
        sec.size = data.len() as u64;
        sec.data = data;
        o.sections.push(sec);
    }
    write_object(&o)
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    match rng.below(4) {
        0 => v.truncate(rng.below(v.len())),
        1 => {
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
        }
        2 => {
            // Overwrite a 4-byte field with a small or a huge value.
            let i = rng.below(v.len().saturating_sub(4));
            let val: u32 = if rng.below(2) == 0 {
                rng.below(64) as u32
            } else {
                u32::MAX - rng.below(16) as u32
            };
            v[i..i + 4].copy_from_slice(&val.to_le_bytes());
        }
        _ => {
            let i = rng.below(v.len());
            v[i] = rng.next() as u8;
        }
    }
    v
}

/// Runs one mutant through every reader; true if the linker accepted it.
fn exercise(name: &str, bytes: &[u8], partner: &[u8]) -> bool {
    if let Ok(objs) = read_input(bytes, name) {
        for (n, o) in &objs {
            if let Some(btf_sec) = o.section_by_name(".BTF")
                && let Ok(btf) = Btf::parse(&o.sections[btf_sec].data, n)
            {
                let _ = linker::btf::dump::dump(&btf);
                if let Some(e) = o.section_by_name(".BTF.ext") {
                    let _ = BtfExt::parse(&o.sections[e].data, &btf, n);
                }
            }
        }
    }
    let files = vec![
        (name.to_string(), bytes.to_vec()),
        ("partner.o".to_string(), partner.to_vec()),
    ];
    match link_files(&files, &LinkOptions { verbose: true }) {
        Ok(l) => {
            let _ = write_object(&l.object);
            true
        }
        Err(d) => {
            assert!(!d.is_empty());
            false
        }
    }
}

#[test]
fn mutated_objects_never_panic() {
    let mut seeds: Vec<(String, Vec<u8>)> = vec![
        ("le.o".into(), sample(Endian::Little)),
        ("be.o".into(), sample(Endian::Big)),
    ];
    if let Some(clang) = testsuite::tools::find("clang-19") {
        let dir = tempfile::tempdir().unwrap();
        let src =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/link/btf_kinds.c");
        let obj = dir.path().join("kinds.o");
        if Command::new(clang)
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(&src)
            .arg("-o")
            .arg(&obj)
            .status()
            .is_ok_and(|s| s.success())
        {
            seeds.push(("kinds.o".into(), std::fs::read(&obj).unwrap()));
        }
    } else {
        println!("SKIP clang-19 seed: `clang-19` is not installed; synthetic seeds only");
    }
    // The partner is an unrelated valid object so that linking does more than read.
    let partner = |endian| {
        let mut o = Object::new(endian);
        let mut s = Section::new("tc", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
        s.data = vec![0x95, 0, 0, 0, 0, 0, 0, 0];
        s.size = 8;
        let id = o.sections.push(s);
        o.symbols.push(Symbol {
            name: "other".into(),
            kind: SymbolKind::Func,
            binding: Binding::Global,
            visibility: Visibility::Default,
            place: SymbolPlace::Section(id),
            value: 0,
            size: 8,
        });
        let mut b = Btf::new();
        let proto = b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: 0,
                params: vec![],
            },
        ));
        b.add_func("other", proto, Linkage::Global);
        let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        s.data = b.encode(endian);
        s.size = s.data.len() as u64;
        o.sections.push(s);
        write_object(&o)
    };
    let partners = [partner(Endian::Little), partner(Endian::Big)];
    let (mut accepted, mut rejected) = (0, 0);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // LINK_FUZZ_ITERS raises the count for a longer local run.
    let iters: usize = std::env::var("LINK_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    for (name, seed) in &seeds {
        let partner = &partners[usize::from(seed[5] == 2)];
        assert!(
            exercise(name, seed, partner),
            "{name}: the unmutated seed must link"
        );
        for _ in 0..iters {
            let m = mutate(&mut rng, seed);
            if exercise(name, &m, partner) {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
    }
    println!("mutants: {accepted} accepted, {rejected} rejected");
    assert!(
        accepted > 100 && rejected > 100,
        "{accepted} accepted, {rejected} rejected"
    );
}
