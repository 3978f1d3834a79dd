//! Fuzz target: arbitrary bytes as a linker input (ELF object or `ar` archive) through
//! the ELF reader, the `.BTF`/`.BTF.ext` parsers, the BTF text dump and re-encoding, and
//! `ebpfc link` (`link_files` + the ELF writer) of the fuzzed file alone and together
//! with a valid object built by our own compiler (maps, globals, BTF, `.BTF.ext`, a call
//! into `.text`, an extern). Nothing may panic; every rejection is a diagnostic that
//! renders. Run with `cargo +nightly fuzz run elf_read` from `fuzz/`.
#![no_main]

use diag::SourceMap;
use ebpfc::{CompileOptions, Emit, Output, compile_source};
use libfuzzer_sys::fuzz_target;
use linker::btf::{Btf, ext::BtfExt};
use linker::link::{LinkOptions, link_files};
use std::sync::OnceLock;

/// The valid partner object: compiled once, from C, with `-O2 -g`.
fn partner() -> &'static [u8] {
    static OBJ: OnceLock<Vec<u8>> = OnceLock::new();
    OBJ.get_or_init(|| {
        const SRC: &str = r#"
struct { int type; int max_entries; int *key; long *value; } counts
    __attribute__((section(".maps"), used)) = { 2, 4 };
extern int shared_value __attribute__((weak));
int total = 3;
static long (*lookup)(void *map, const void *key) = (void *)1;
__attribute__((noinline)) int helper(int x) { return x * 2 + total; }
__attribute__((section("xdp"), used)) int prog(void *ctx) {
    int k = 0;
    long *v = (long *)lookup(&counts, &k);
    if (v) *v += 1;
    return helper(k) + (&shared_value ? shared_value : 0);
}
char _license[] __attribute__((section("license"), used)) = "GPL";
"#;
        let opts = CompileOptions {
            debug_info: true,
            ..CompileOptions::default()
        };
        let mut sources = SourceMap::new();
        match compile_source(&mut sources, "partner.c", SRC, Emit::Object, &opts) {
            Ok(c) => match c.output {
                Output::Object(bytes) => bytes,
                other => panic!("partner compile gave {other:?}"),
            },
            Err(d) => panic!(
                "partner does not compile:\n{}",
                diag::render_all(&sources, &d.items)
            ),
        }
    })
}

fn link_and_write(files: &[(String, Vec<u8>)]) {
    match link_files(files, &LinkOptions { verbose: true }) {
        Ok(linked) => {
            let bytes = linker::elf_write::write_object(&linked.object);
            // What we write, we read back.
            if let Err(d) = linker::elf_read::read_object(&bytes, "linked.o") {
                panic!("linked output does not read back: {}", d.message);
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "link failed without a diagnostic");
            let _ = diag::render_all(&SourceMap::new(), &diags);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match linker::elf_read::read_input(data, "fuzz.o") {
        Ok(objs) => {
            for (name, obj) in &objs {
                let Some(sec) = obj.section_by_name(".BTF") else {
                    continue;
                };
                if let Ok(btf) = Btf::parse(&obj.sections[sec].data, name) {
                    let _ = linker::btf::dump::dump(&btf);
                    let _ = btf.encode(obj.endian);
                    if let Some(ext) = obj.section_by_name(".BTF.ext") {
                        let _ = BtfExt::parse(&obj.sections[ext].data, &btf, name);
                    }
                }
            }
        }
        Err(d) => {
            let _ = diag::render(&SourceMap::new(), &d);
        }
    }
    let fuzzed = ("fuzz.o".to_string(), data.to_vec());
    link_and_write(std::slice::from_ref(&fuzzed));
    link_and_write(&[fuzzed, ("partner.o".to_string(), partner().to_vec())]);
});
