//! Every assembler error, rendered rustc-style, as an insta snapshot: the code, the
//! message and the caret under the exact column. One run collects several errors.

use asm::AsmOptions;
use asm::isa::CpuVersion;
use linker::object::Endian;

fn errors(src: &str, cpu: CpuVersion) -> String {
    let mut sm = diag::SourceMap::new();
    let opts = AsmOptions {
        endian: Endian::Little,
        cpu,
    };
    match asm::assemble_text(&mut sm, "t.s", src, None, &opts) {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(d) => {
            assert!(d.iter().all(|d| d.code.id.starts_with("E06")), "{d:?}");
            diag::render_all(&sm, &d)
        }
    }
}

fn v4(src: &str) -> String {
    errors(src, CpuVersion::V4)
}

#[test]
fn unknown_mnemonic() {
    insta::assert_snapshot!(v4("\tr0 = 1\n\tfrobnicate r1, r2\n\texit\n"));
}

#[test]
fn bad_register() {
    insta::assert_snapshot!(v4("\tr11 = 1\n\texit\n"));
}

#[test]
fn immediate_out_of_range() {
    insta::assert_snapshot!(v4("\tr1 += 0x1ffffffff\n"));
}

#[test]
fn offset_out_of_range() {
    insta::assert_snapshot!(v4("\tr0 = *(u32 *)(r1 + 40000)\n"));
}

#[test]
fn branch_too_far_for_16_bits() {
    let mut src = String::from("\tif r1 == 0 goto .Lfar\n");
    for _ in 0..33000 {
        src.push_str("\tr0 = 0\n");
    }
    src.push_str(".Lfar:\n\texit\n");
    insta::assert_snapshot!(v4(&src));
}

#[test]
fn undefined_label() {
    insta::assert_snapshot!(v4("\tgoto .Lnowhere\n\tif r1 > 2 goto LBB0_9\n\texit\n"));
}

#[test]
fn undefined_temporary_in_data() {
    insta::assert_snapshot!(v4("\t.data\n\t.long\t.Lmissing\n"));
}

#[test]
fn duplicate_label() {
    insta::assert_snapshot!(v4("f:\n\texit\nf:\n\texit\n"));
}

#[test]
fn instruction_needs_newer_cpu() {
    insta::assert_snapshot!(errors(
        "\tr1 s/= r2\n\tr1 = (s8)r2\n\texit\n",
        CpuVersion::V3
    ));
}

#[test]
fn jmp32_needs_v3() {
    insta::assert_snapshot!(errors("\tif w1 > 3 goto +0\n\texit\n", CpuVersion::V2));
}

#[test]
fn unknown_directive() {
    insta::assert_snapshot!(v4("\t.text\n\t.frobnicate 3\n\texit\n"));
}

#[test]
fn malformed_directives() {
    insta::assert_snapshot!(v4(
        "\t.p2align\tx\n\t.type\tf,@banana\n\t.section\t.foo,\"q\"\n\t.ascii\t\"open\n"
    ));
}

#[test]
fn unterminated_block_comment() {
    insta::assert_snapshot!(v4("\texit /* never closed\n"));
}

#[test]
fn data_value_out_of_range() {
    insta::assert_snapshot!(v4("\t.data\n\t.byte\t256\n\t.short\t-40000\n"));
}

#[test]
fn symbol_in_narrow_data() {
    insta::assert_snapshot!(v4("\t.data\nx:\n\t.short\tx\n"));
}

#[test]
fn difference_across_sections() {
    insta::assert_snapshot!(v4("\t.text\na:\n\texit\n\t.data\nb:\n\t.long\tb-a\n"));
}

#[test]
fn jump_into_another_section() {
    insta::assert_snapshot!(v4(
        "\t.section\ts1,\"ax\",@progbits\n\tgoto other\n\t.section\ts2,\"ax\",@progbits\nother:\n\texit\n"
    ));
}

#[test]
fn conflicting_section_flags() {
    insta::assert_snapshot!(v4(
        "\t.section\t.foo,\"a\",@progbits\n\t.byte 1\n\t.section\t.foo,\"aw\",@progbits\n"
    ));
}

#[test]
fn size_must_be_constant() {
    insta::assert_snapshot!(v4("\t.data\n\t.zero\text_sym\n"));
}

#[test]
fn several_errors_in_one_run() {
    insta::assert_snapshot!(v4(
        "\tr0 = 1\n\tbogus\n\t.bogus\n\tgoto .Lmissing\n\tr12 = 1\n\texit\n"
    ));
}
