//! Every error of the ELF/BTF readers and of the static linker, rendered rustc-style and
//! snapshotted: malformed and truncated ELF, bad relocations, bad BTF, duplicate strong
//! symbols, unresolved externs, license mismatch, byte-order mix, map and type
//! mismatches, incompatible sections. The inputs are built here with the object model,
//! the BTF builder and our ELF writer, so these tests need no external tool.

use linker::btf::ext::{BtfExt, ExtSection, FuncInfo};
use linker::btf::{BTF_INT_SIGNED, Btf, BtfType, Linkage, Member, Param, TypeData, VarSecInfo};
use linker::elf_write::write_object;
use linker::link::{LinkOptions, link_files};
use linker::object::{
    Binding, Endian, Object, Reloc, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, Section, SectionKind,
    Symbol, SymbolKind, SymbolPlace, Visibility,
};
use linker::reloc::RelocType;

/// `exit` returning 0, with `call` at offset 0 when `calls` names a function.
fn code(calls: bool) -> Vec<u8> {
    let mut v = Vec::new();
    if calls {
        v.extend([0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    }
    v.extend([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    v
}

fn sym(name: &str, kind: SymbolKind, binding: Binding, place: SymbolPlace, size: u64) -> Symbol {
    Symbol {
        name: name.into(),
        kind,
        binding,
        visibility: Visibility::Default,
        place,
        value: 0,
        size,
    }
}

/// An object with program `prog` in `xdp` (optionally calling `callee`), optionally
/// defining global function `def` in `.text`, and a `license`.
fn object(
    endian: Endian,
    prog: &str,
    callee: Option<&str>,
    def: Option<&str>,
    license: &str,
) -> Object {
    let mut o = Object::new(endian);
    let mut xdp = Section::new("xdp", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
    xdp.data = code(callee.is_some());
    xdp.size = xdp.data.len() as u64;
    let xdp = o.sections.push(xdp);
    let p = o.symbols.push(sym(
        prog,
        SymbolKind::Func,
        Binding::Global,
        SymbolPlace::Section(xdp),
        0,
    ));
    o.symbols[p].size = o.sections[xdp].size;
    if let Some(c) = callee {
        let s = o.symbols.push(sym(
            c,
            SymbolKind::NoType,
            Binding::Global,
            SymbolPlace::Undefined,
            0,
        ));
        o.sections[xdp].relocs.push(Reloc {
            byte_off: 0,
            symbol: s,
            kind: RelocType::R_BPF_64_32,
        });
    }
    if let Some(d) = def {
        let mut text = Section::new(".text", SectionKind::Progbits, SHF_ALLOC | SHF_EXECINSTR, 8);
        text.data = code(false);
        text.size = 16;
        let t = o.sections.push(text);
        o.symbols.push(sym(
            d,
            SymbolKind::Func,
            Binding::Global,
            SymbolPlace::Section(t),
            16,
        ));
    }
    let mut lic = Section::new("license", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 1);
    lic.data = format!("{license}\0").into_bytes();
    lic.size = lic.data.len() as u64;
    let l = o.sections.push(lic);
    o.symbols.push(sym(
        "LICENSE",
        SymbolKind::Object,
        Binding::Global,
        SymbolPlace::Section(l),
        license.len() as u64 + 1,
    ));
    o
}

/// One map definition as `bpf_helpers.h` writes it: `__uint(type, map_type)`,
/// `__uint(max_entries, max_entries)` and `__type(key, int)`, in a struct named
/// `struct_name` ("" for the usual anonymous one), fields in reverse order if `reversed`.
#[derive(Clone, Copy)]
struct MapSpec {
    map_type: u32,
    max_entries: u32,
    struct_name: &'static str,
    reversed: bool,
}

const ARRAY_OF_16: MapSpec = MapSpec {
    map_type: 2,
    max_entries: 16,
    struct_name: "",
    reversed: false,
};

/// Adds a `.maps` section with map `name` as `spec` says, and its BTF; `extern_decl`
/// makes it an extern declaration instead.
fn with_map(mut o: Object, name: &str, spec: MapSpec, extern_decl: bool) -> Object {
    let mut b = Btf::new();
    let int = b.add_int("int", 4, BTF_INT_SIGNED);
    let idx = b.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
    // `__uint(field, n)` is `int (*field)[n]`.
    let mut uint = |n: u32| {
        let arr = b.add_type(BtfType::new(
            0,
            TypeData::Array {
                elem_type: int,
                index_type: idx,
                nelems: n,
            },
        ));
        b.add_ptr(arr)
    };
    let (t, m) = (uint(spec.map_type), uint(spec.max_entries));
    let k = b.add_ptr(int);
    let mut fields = [("type", t), ("max_entries", m), ("key", k)];
    if spec.reversed {
        fields.reverse();
    }
    let members = fields
        .iter()
        .enumerate()
        .map(|(i, &(n, type_id))| Member {
            name_off: b.add_string(n),
            type_id,
            bit_offset: 64 * i as u32,
            bitfield_size: 0,
        })
        .collect();
    let struct_name = b.add_string(spec.struct_name);
    let st = b.add_type(BtfType::new(
        struct_name,
        TypeData::Struct { size: 24, members },
    ));
    let var = b.add_var(
        name,
        st,
        if extern_decl {
            Linkage::Extern
        } else {
            Linkage::Global
        },
    );
    let maps = b.add_string(".maps");
    b.add_type(BtfType::new(
        maps,
        TypeData::Datasec {
            size: 0,
            vars: vec![VarSecInfo {
                type_id: var,
                offset: 0,
                size: 24,
            }],
        },
    ));
    if extern_decl {
        o.symbols.push(sym(
            name,
            SymbolKind::NoType,
            Binding::Global,
            SymbolPlace::Undefined,
            0,
        ));
    } else {
        let mut s = Section::new(".maps", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 8);
        s.data = vec![0; 24];
        s.size = 24;
        let id = o.sections.push(s);
        o.symbols.push(sym(
            name,
            SymbolKind::Object,
            Binding::Global,
            SymbolPlace::Section(id),
            24,
        ));
    }
    let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
    s.data = b.encode(o.endian);
    s.size = s.data.len() as u64;
    o.sections.push(s);
    o
}

/// Adds BTF for a global function `name` taking `nparams` ints (FUNC linkage as given).
fn with_func_btf(mut o: Object, name: &str, nparams: usize, linkage: Linkage) -> Object {
    let mut b = Btf::new();
    let int = b.add_int("int", 4, BTF_INT_SIGNED);
    let proto = b.add_type(BtfType::new(
        0,
        TypeData::FuncProto {
            ret_type: int,
            params: vec![
                Param {
                    name_off: 0,
                    type_id: int
                };
                nparams
            ],
        },
    ));
    b.add_func(name, proto, linkage);
    let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
    s.data = b.encode(o.endian);
    s.size = s.data.len() as u64;
    o.sections.push(s);
    o
}

/// The object's bytes, with an empty `.BTF` if it has none (libbpf's linker, and ours,
/// refuse global symbols without BTF).
fn bytes(o: &Object) -> Vec<u8> {
    let mut o = o.clone();
    if o.section_by_name(".BTF").is_none() {
        let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        s.data = Btf::new().encode(o.endian);
        s.size = s.data.len() as u64;
        o.sections.push(s);
    }
    write_object(&o)
}

/// Links (name, object) pairs through the ELF writer (with a `.BTF`, see [`bytes`])
/// and reader; returns the rendered errors (the test fails if linking succeeds).
fn link_err(objs: &[(&str, Object)]) -> String {
    let files: Vec<(String, Vec<u8>)> = objs
        .iter()
        .map(|(n, o)| (n.to_string(), bytes(o)))
        .collect();
    link_bytes_err(&files)
}

fn link_bytes_err(files: &[(String, Vec<u8>)]) -> String {
    match link_files(files, &LinkOptions::default()) {
        Ok(_) => panic!("link unexpectedly succeeded"),
        Err(d) => diag::render_all(&diag::SourceMap::new(), &d),
    }
}

fn le(prog: &str) -> Object {
    object(Endian::Little, prog, None, None, "GPL")
}

#[test]
fn inputs_link_cleanly_when_consistent() {
    // The baseline the error cases below break one at a time.
    let a = with_func_btf(
        object(Endian::Little, "p1", Some("f"), None, "GPL"),
        "f",
        1,
        Linkage::Extern,
    );
    let b = with_func_btf(
        object(Endian::Little, "p2", None, Some("f"), "GPL"),
        "f",
        1,
        Linkage::Global,
    );
    let files = vec![
        ("a.o".to_string(), bytes(&a)),
        ("b.o".to_string(), bytes(&b)),
    ];
    let linked = link_files(&files, &LinkOptions::default()).unwrap();
    let o = &linked.object;
    let f = o.symbol_by_name("f").unwrap();
    assert!(matches!(o.symbols[f].place, SymbolPlace::Section(_)));
    assert_eq!(
        o.sections[o.section_by_name("license").unwrap()].data,
        b"GPL\0"
    );
    assert_eq!(o.sections[o.section_by_name("xdp").unwrap()].size, 24 + 16);
}

#[test]
fn not_elf() {
    insta::assert_snapshot!(link_bytes_err(&[(
        "notes.txt".into(),
        b"hello, world".to_vec()
    )]));
}

#[test]
fn truncated_elf() {
    let bytes = write_object(&le("p"));
    insta::assert_snapshot!(link_bytes_err(&[
        ("short.o".into(), bytes[..40].to_vec()),
        ("cut.o".into(), bytes[..bytes.len() - 70].to_vec())
    ]));
}

#[test]
fn wrong_machine_and_class() {
    let mut m = write_object(&le("p"));
    m[18] = 62; // EM_X86_64
    let mut c = write_object(&le("p"));
    c[4] = 1; // ELFCLASS32
    insta::assert_snapshot!(link_bytes_err(&[
        ("x86.o".into(), m),
        ("elf32.o".into(), c)
    ]));
}

#[test]
fn relocation_outside_its_section() {
    let mut o = object(Endian::Little, "p", Some("f"), Some("f"), "GPL");
    let xdp = o.section_by_name("xdp").unwrap();
    o.sections[xdp].relocs[0].byte_off = 0x100;
    insta::assert_snapshot!(link_err(&[("bad_reloc.o", o)]));
}

#[test]
fn unknown_relocation_type() {
    let mut o = object(Endian::Little, "p", Some("f"), Some("f"), "GPL");
    let xdp = o.section_by_name("xdp").unwrap();
    o.sections[xdp].relocs[0].kind = RelocType(77);
    insta::assert_snapshot!(link_err(&[("bad_type.o", o)]));
}

#[test]
fn malformed_btf() {
    let mut o = le("p");
    let mut b = Btf::new();
    b.add_ptr(9);
    let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
    s.data = b.encode(Endian::Little);
    s.size = s.data.len() as u64;
    o.sections.push(s);
    let mut o2 = le("q");
    let mut s = Section::new(".BTF", SectionKind::Progbits, 0, 4);
    s.data = vec![0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0];
    s.size = s.data.len() as u64;
    o2.sections.push(s);
    insta::assert_snapshot!(link_err(&[("dangling.o", o), ("short_btf.o", o2)]));
}

#[test]
fn duplicate_strong_symbol() {
    let a = object(Endian::Little, "p1", None, Some("helper"), "GPL");
    let b = object(Endian::Little, "p2", None, Some("helper"), "GPL");
    insta::assert_snapshot!(link_err(&[("one.o", a), ("two.o", b)]));
}

#[test]
fn unresolved_extern() {
    let a = object(Endian::Little, "p", Some("missing_fn"), None, "GPL");
    insta::assert_snapshot!(link_err(&[("main.o", a), ("other.o", le("q"))]));
}

#[test]
fn license_mismatch() {
    let a = object(Endian::Little, "p1", None, None, "GPL");
    let b = object(Endian::Little, "p2", None, None, "Dual MIT/GPL");
    insta::assert_snapshot!(link_err(&[("gpl.o", a), ("mit.o", b)]));
}

/// Adds a section `name` (kept once, like `license`) holding `data`.
fn with_single(mut o: Object, name: &str, data: &[u8]) -> Object {
    let mut s = Section::new(name, SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 4);
    s.data = data.to_vec();
    s.size = s.data.len() as u64;
    o.sections.push(s);
    o
}

#[test]
fn version_and_license_values() {
    // `version` is a number, a license that is not text is shown as bytes, and a
    // conflict inside one input is said to be one.
    let twice = with_single(
        with_single(le("p1"), "version", &[1, 0, 0, 0]),
        "version",
        &[2, 0, 0, 0],
    );
    let other = with_single(le("p2"), "version", &0x0005_0a00u32.to_le_bytes());
    let junk = object(Endian::Little, "p3", None, None, "\u{1}\u{7f}");
    insta::assert_snapshot!(link_err(&[
        ("twice.o", twice),
        ("other.o", other),
        ("junk.o", junk)
    ]));
}

#[test]
fn byte_order_mix() {
    let a = le("p1");
    let b = object(Endian::Big, "p2", None, None, "GPL");
    insta::assert_snapshot!(link_err(&[("el.o", a), ("eb.o", b)]));
}

#[test]
fn map_mismatch() {
    // Errors name the attribute in map terms: max_entries, then the map type.
    let a = with_map(le("p1"), "counts", ARRAY_OF_16, true);
    let b = with_map(
        le("p2"),
        "counts",
        MapSpec {
            max_entries: 64,
            ..ARRAY_OF_16
        },
        false,
    );
    let c = with_map(le("p3"), "hist", ARRAY_OF_16, false);
    let d = with_map(
        le("p4"),
        "hist",
        MapSpec {
            map_type: 1,
            ..ARRAY_OF_16
        },
        true,
    );
    insta::assert_snapshot!(link_err(&[
        ("user.o", a),
        ("owner.o", b),
        ("hist.o", c),
        ("hist_user.o", d)
    ]));
}

#[test]
fn extern_map_through_a_named_struct_links() {
    // The extern's struct has a name and its fields in another order: the definitions
    // are equal all the same.
    let named = MapSpec {
        struct_name: "counts_map",
        reversed: true,
        ..ARRAY_OF_16
    };
    let files = vec![
        (
            "user.o".to_string(),
            bytes(&with_map(le("p1"), "counts", named, true)),
        ),
        (
            "owner.o".to_string(),
            bytes(&with_map(le("p2"), "counts", ARRAY_OF_16, false)),
        ),
    ];
    let linked = link_files(&files, &LinkOptions::default()).unwrap();
    let o = &linked.object;
    let counts = o.symbol_by_name("counts").unwrap();
    assert!(matches!(o.symbols[counts].place, SymbolPlace::Section(_)));
}

#[test]
fn invalid_map_definition() {
    let bad = MapSpec {
        map_type: 0,
        ..ARRAY_OF_16
    };
    let a = with_map(le("p1"), "counts", bad, true);
    let b = with_map(le("p2"), "counts", ARRAY_OF_16, false);
    insta::assert_snapshot!(link_err(&[("user.o", a), ("owner.o", b)]));
}

#[test]
fn extern_function_type_mismatch() {
    let a = with_func_btf(
        object(Endian::Little, "p1", Some("f"), None, "GPL"),
        "f",
        2,
        Linkage::Extern,
    );
    let b = with_func_btf(
        object(Endian::Little, "p2", None, Some("f"), "GPL"),
        "f",
        1,
        Linkage::Global,
    );
    insta::assert_snapshot!(link_err(&[("caller.o", a), ("callee.o", b)]));
}

#[test]
fn incompatible_sections() {
    let a = le("p1");
    let mut b = le("p2");
    let mut s = Section::new("xdp", SectionKind::Progbits, SHF_ALLOC | SHF_WRITE, 8);
    s.data = vec![0; 8];
    s.size = 8;
    b.sections.push(s);
    insta::assert_snapshot!(link_err(&[("code.o", a), ("data.o", b)]));
}

#[test]
fn no_inputs() {
    insta::assert_snapshot!(link_bytes_err(&[]));
}

#[test]
fn bad_archive() {
    let mut ar = b"!<arch>\n".to_vec();
    ar.extend(
        format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            "a.o/", 0, 0, 0, 644, 9999
        )
        .as_bytes(),
    );
    ar.extend(b"\x7fELF");
    insta::assert_snapshot!(link_bytes_err(&[("libx.a".into(), ar)]));
}

#[test]
fn btf_ext_record_outside_its_section() {
    let mut o = le("p");
    let mut b = Btf::new();
    let int = b.add_int("int", 4, BTF_INT_SIGNED);
    let proto = b.add_type(BtfType::new(
        0,
        TypeData::FuncProto {
            ret_type: int,
            params: vec![],
        },
    ));
    let f = b.add_func("p", proto, Linkage::Global);
    let ext = BtfExt {
        func_info: vec![ExtSection {
            sec_name: "xdp".into(),
            records: vec![FuncInfo {
                insn_off: 0x400,
                type_id: f,
            }],
        }],
        line_info: vec![],
        core_relo: vec![],
    };
    let ext_bytes = ext.encode(&mut b, Endian::Little);
    for (name, data) in [(".BTF", b.encode(Endian::Little)), (".BTF.ext", ext_bytes)] {
        let mut s = Section::new(name, SectionKind::Progbits, 0, 4);
        s.size = data.len() as u64;
        s.data = data;
        o.sections.push(s);
    }
    insta::assert_snapshot!(link_err(&[("ext.o", o)]));
}

/// Sets the `sh_type` of section `name` in little-endian ELF bytes.
fn set_section_type(bytes: &mut [u8], name: &str, sh_type: u32) {
    let u16_at = |b: &[u8], o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
    let shoff = u32_at(bytes, 0x28);
    let (shnum, shstrndx) = (u16_at(bytes, 0x3c), u16_at(bytes, 0x3e));
    let names = u32_at(bytes, shoff + shstrndx * 64 + 24);
    for i in 0..shnum {
        let h = shoff + i * 64;
        let start = names + u32_at(bytes, h);
        let end = start + bytes[start..].iter().position(|&c| c == 0).unwrap();
        if &bytes[start..end] == name.as_bytes() {
            bytes[h + 4..h + 8].copy_from_slice(&sh_type.to_le_bytes());
            return;
        }
    }
    panic!("no section {name}");
}

#[test]
fn section_types_libbpf_refuses() {
    // A program section of an unknown type, a note, a null section past index 0, and a
    // relocation section of an unknown type: each is named with its file.
    let with_section = |prog: &str, kind: SectionKind, name: &str| {
        let mut o = le(prog);
        let mut s = Section::new(name, kind, 0, 1);
        s.data = if kind == SectionKind::Other(0) {
            Vec::new()
        } else {
            b"data".to_vec()
        };
        s.size = s.data.len() as u64;
        o.sections.push(s);
        bytes(&o)
    };
    let mut xdp80 = bytes(&le("p1"));
    set_section_type(&mut xdp80, "xdp", 0x80);
    let mut rel80 = bytes(&object(Endian::Little, "p4", Some("f"), Some("f"), "GPL"));
    set_section_type(&mut rel80, ".relxdp", 0x80);
    insta::assert_snapshot!(link_bytes_err(&[
        ("xdp80.o".into(), xdp80),
        (
            "note.o".into(),
            with_section("p2", SectionKind::Other(7), ".note.x")
        ),
        (
            "null.o".into(),
            with_section("p3", SectionKind::Other(0), ".odd")
        ),
        ("rel80.o".into(), rel80),
    ]));
}

#[test]
fn global_symbols_without_btf() {
    // No .BTF at all: said once per input, for its first global.
    let nobtf = write_object(&le("p1"));
    insta::assert_snapshot!(link_bytes_err(&[("nobtf.o".into(), nobtf)]));
}

#[test]
fn a_repeated_license_needs_no_btf() {
    // As in libbpf, the symbols of a `license` equal to an earlier input's are not
    // checked: the second input, whose only global is `LICENSE`, needs no BTF, unless
    // it comes first.
    let mut second = le("p2");
    let p2 = second.symbol_by_name("p2").unwrap();
    second.symbols[p2].binding = Binding::Local;
    let files = vec![
        ("a.o".to_string(), bytes(&le("p1"))),
        ("b.o".to_string(), write_object(&second)),
    ];
    assert!(link_files(&files, &LinkOptions::default()).is_ok());
    let files = vec![files[1].clone(), files[0].clone()];
    let e = link_files(&files, &LinkOptions::default()).unwrap_err();
    assert!(
        e[0].message.contains("global symbol `LICENSE` needs"),
        "{e:?}"
    );
}

#[test]
fn relocations_libbpf_refuses() {
    // A call relocation inside an instruction, and the two types libbpf's linker does
    // not take (R_BPF_64_NODYLD32, R_BPF_NONE).
    let with_reloc = |prog: &str, f: &str, byte_off: u64, kind: RelocType| {
        let mut o = object(Endian::Little, prog, Some(f), Some(f), "GPL");
        let xdp = o.section_by_name("xdp").unwrap();
        o.sections[xdp].relocs[0].byte_off = byte_off;
        o.sections[xdp].relocs[0].kind = kind;
        o
    };
    insta::assert_snapshot!(link_err(&[
        (
            "inside.o",
            with_reloc("p1", "f1", 4, RelocType::R_BPF_64_32)
        ),
        (
            "nodyld.o",
            with_reloc("p2", "f2", 0, RelocType::R_BPF_64_NODYLD32)
        ),
        ("none.o", with_reloc("p3", "f3", 8, RelocType::NONE)),
    ]));
}
