//! Snapshots of assembled objects (a readelf-like listing of the `Object` the assembler
//! builds): sections, contents, relocations and symbols, for small hand-written inputs
//! that exercise relocation choice (section symbol vs. named symbol), call resolution,
//! `.comm`, `.set`, section-name references, DWARF line rows, and the GNU dialect.

use asm::AsmOptions;
use asm::isa::CpuVersion;
use linker::object::{Endian, Object, SymbolPlace};
use std::fmt::Write;

fn dump(obj: &Object) -> String {
    let mut out = String::new();
    for (id, s) in obj.sections.iter() {
        let _ = writeln!(
            out,
            "section {} {:?} flags={:#x} align={} entsize={} size={}",
            s.name, s.kind, s.flags, s.align, s.entsize, s.size
        );
        if !s.data.is_empty() && s.data.len() <= 256 {
            for line in s.data.chunks(16) {
                let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
                let _ = writeln!(out, "    {}", hex.join(" "));
            }
        }
        for r in &s.relocs {
            let _ = writeln!(
                out,
                "    reloc {:#06x} {} {}",
                r.byte_off,
                r.kind.name().unwrap_or("?"),
                obj.symbol_display_name(r.symbol)
            );
        }
        let _ = id;
    }
    for (_, s) in obj.symbols.iter() {
        let place = match s.place {
            SymbolPlace::Section(sec) => obj.sections[sec].name.clone(),
            other => format!("{other:?}"),
        };
        let name = if s.name.is_empty() {
            format!("[{place}]")
        } else {
            s.name.clone()
        };
        let _ = writeln!(
            out,
            "symbol {name} {:?} {:?} {:?} {place}+{:#x} size={}",
            s.kind, s.binding, s.visibility, s.value, s.size
        );
    }
    out
}

fn assemble(src: &str, endian: Endian) -> Object {
    let mut sm = diag::SourceMap::new();
    let opts = AsmOptions {
        endian,
        cpu: CpuVersion::V4,
    };
    asm::assemble_text(&mut sm, "t.s", src, None, &opts)
        .unwrap_or_else(|d| panic!("{}", diag::render_all(&sm, &d)))
}

#[test]
fn relocations_and_symbols() {
    let src = r#"
	.file	"t.c"
	.text
	.globl	gf
	.type	gf,@function
gf:
	call gf
	call lf
	call ext
	r1 = lf ll
	r1 = gv ll
	r1 = lv+4 ll
	r1 = .L.str ll
	r1 = .L.str+2 ll
	if r1 == 0 goto .Lret
	r0 = 1
.Lret:
	exit
.Lgf_end:
	.size	gf, .Lgf_end-gf
lf:
	exit
	.data
	.globl	gv
	.hidden	gv
	.p2align	3
gv:
	.long	lv
	.quad	gv+1
	.long	.L.str
	.long	.debug_abbrev
lv:
	.byte	1
	.local	cnt
	.comm	cnt,8,8
	.set	answer, 42
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"abc"
	.section	.debug_abbrev,"",@progbits
	.byte	0
	.section	sec2,"ax",@progbits
	call lf
	.addrsig
	.addrsig_sym gv
"#;
    insta::assert_snapshot!(dump(&assemble(src, Endian::Little)));
}

#[test]
fn big_endian_data_and_instructions() {
    let src = "\t.text\n\tr1 = 0x1122334455667788 ll\n\t*(u16 *)(r10 - 2) = 0x1234\n\texit\n\t.data\n\t.short 0x1234\n\t.long 0x11223344\n\t.quad -2\n";
    insta::assert_snapshot!(dump(&assemble(src, Endian::Big)));
}

#[test]
fn line_table_and_frames() {
    let src = r#"
	.text
	.file	0 "/src" "a.c" md5 0x00112233445566778899aabbccddeeff
	.globl	f
	.type	f,@function
f:
	.loc	0 3 0
	.cfi_sections .debug_frame
	.cfi_startproc
	r0 = 0
	.loc	0 4 5 prologue_end
	r0 += 1
	.loc	0 40 2 is_stmt 0
	exit
.Lend:
	.size	f, .Lend-f
	.cfi_endproc
"#;
    insta::assert_snapshot!(dump(&assemble(src, Endian::Little)));
}

#[test]
fn gnu_dialect_without_section_directive() {
    let src =
        "mov %r0, 0\nlddw %r1, 0x100000000\nadd %r0, %r1\njeq %r0, 0, exit\nmov32 %r0, 7\nexit\n";
    insta::assert_snapshot!(dump(&assemble(src, Endian::Little)));
}
