//! `#pragma GCC diagnostic` and `_Pragma` regions silence the warnings they name, as in
//! clang: the shape of libbpf's `BPF_PROG` (bpf/bpf_tracing.h), which passes
//! `(void *)ctx[0]` to an `int` parameter inside `ignored "-Wint-conversion"`.

use frontend::driver::{FrontendOptions, compile_source};

fn warnings(src: &str) -> Vec<String> {
    let mut sources = diag::SourceMap::new();
    match compile_source("t.c", src, &FrontendOptions::default(), &mut sources) {
        Ok((_, w)) => w.items.iter().map(|d| d.message.clone()).collect(),
        Err(d) => panic!("does not compile: {:?}", d.items),
    }
}

const BPF_PROG_LIKE: &str = r#"
#define PROG(name, arg)                                         \
static __attribute__((always_inline)) inline int ____##name(unsigned long long *ctx, arg); \
int name(unsigned long long *ctx)                               \
{                                                               \
	_Pragma("GCC diagnostic push")                              \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")      \
	return ____##name(ctx, (void *)ctx[0]);                     \
	_Pragma("GCC diagnostic pop")                               \
}                                                               \
static __attribute__((always_inline)) inline int ____##name(unsigned long long *ctx, arg)

__attribute__((section("fentry/x"))) PROG(f, int dfd)
{
	return dfd + 1;
}
"#;

#[test]
fn pragma_inside_a_macro_silences_its_expansion() {
    assert_eq!(warnings(BPF_PROG_LIKE), Vec::<String>::new());
}

#[test]
fn without_the_pragma_the_warning_names_its_flag() {
    let src = BPF_PROG_LIKE.replace("ignored", "warning");
    let w = warnings(&src);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].ends_with("[-Wint-conversion]"), "{w:?}");
}

#[test]
fn line_pragmas_cover_only_their_region() {
    let src = "int g(int x) { return x; }\n\
               #pragma clang diagnostic push\n\
               #pragma clang diagnostic ignored \"-Wint-conversion\"\n\
               int a(void *p) { return g(p); }\n\
               #pragma clang diagnostic pop\n\
               int b(void *p) { return g(p); }\n";
    let w = warnings(src);
    assert_eq!(w.len(), 1, "{w:?}");
    let src = src.replace("-Wint-conversion", "-Wexcess-initializers");
    assert_eq!(warnings(&src).len(), 2);
}
