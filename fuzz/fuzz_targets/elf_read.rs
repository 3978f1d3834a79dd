//! Fuzz target: arbitrary bytes as a linker input (ELF object or `ar` archive) through
//! the ELF reader, the `.BTF`/`.BTF.ext` parsers, the BTF text dump, and a link with
//! itself. Nothing may panic; every rejection is a diagnostic.
//! Run with `cargo fuzz run elf_read` from `fuzz/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linker::btf::{Btf, ext::BtfExt};
use linker::link::{LinkOptions, link_files};

fuzz_target!(|data: &[u8]| {
    if let Ok(objs) = linker::elf_read::read_input(data, "fuzz.o") {
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
    let files = vec![("fuzz.o".to_string(), data.to_vec())];
    if let Ok(linked) = link_files(&files, &LinkOptions { verbose: true }) {
        let _ = linker::elf_write::write_object(&linked.object);
    }
});
