//! The static linker (`ebpfc link`): merges relocatable BPF objects into one object the
//! way libbpf's linker (`bpftool gen object`) does.
//!
//! The pipeline, one input at a time and then once at the end:
//! 1. [`sections`]: same-named sections are concatenated (each piece aligned); DWARF,
//!    `.BTF`, `.BTF.ext` and address-significance sections are not copied; `license`
//!    and `version` must be identical and are kept once.
//! 2. [`btf_merge`] (per input): the input's types are appended with ids shifted;
//!    DATASEC entries are collected per section with offsets rebased.
//! 3. [`symbols`]: locals are copied (statics stay private even when names clash),
//!    globals are resolved (strong beats weak, two strong definitions are an error,
//!    externs bind to definitions after a BTF type check).
//! 4. [`sections`] again: relocations are rebased; addends against section symbols move
//!    by the offset their section got.
//! 5. At the end: unresolved externs are errors (except weak ones and `.ksyms`/
//!    `.kconfig` externs, which libbpf resolves at load time); [`btf_merge`] dedups the
//!    merged BTF, rebuilds DATASECs and merges `.BTF.ext` with rebased offsets.
//!
//! Invariants: output order depends only on input order (no hash-map iteration reaches
//! the output); all inputs must share one byte order; errors are collected per phase and
//! returned as E08xx diagnostics naming the files involved.

mod btf_merge;
mod sections;
mod symbols;

use crate::elf_read;
use crate::object::{Endian, Object, SectionId, SymbolId};
use diag::{Diagnostic, codes};
use std::collections::HashMap;

/// Options of one link.
#[derive(Clone, Debug, Default)]
pub struct LinkOptions {
    /// Record what was merged, resolved and deduplicated in [`Linked::log`].
    pub verbose: bool,
}

/// The result: the merged object and, with `verbose`, the log lines.
#[derive(Debug)]
pub struct Linked {
    pub object: Object,
    pub log: Vec<String>,
}

/// Links the given files (name, bytes); each may be an object or an `ar` archive.
pub fn link_files(
    files: &[(String, Vec<u8>)],
    opts: &LinkOptions,
) -> Result<Linked, Vec<Diagnostic>> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for r in par_map(files, |(name, bytes)| {
        elf_read::read_input_with(bytes, name, true)
    }) {
        match r {
            Ok(objs) => inputs.extend(objs),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    link(inputs, opts)
}

/// Links already-read objects (name, object), in order.
pub fn link(inputs: Vec<(String, Object)>, opts: &LinkOptions) -> Result<Linked, Vec<Diagnostic>> {
    let Some((first_name, first)) = inputs.first() else {
        return Err(vec![Diagnostic::error(
            codes::E_LINK_NO_INPUT,
            "no input files to link",
        )]);
    };
    let endian = first.endian;
    let mut errors = Vec::new();
    for (name, obj) in &inputs {
        if obj.endian != endian {
            let e = |x: Endian| {
                if x == Endian::Little {
                    "little-endian"
                } else {
                    "big-endian"
                }
            };
            errors.push(
                Diagnostic::error(
                    codes::E_LINK_ENDIAN,
                    format!(
                        "{name}: {} object cannot be linked with {} `{first_name}`",
                        e(obj.endian),
                        e(endian)
                    ),
                )
                .with_note("compile every input for the same target (bpfel or bpfeb)"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut parsed = Vec::with_capacity(inputs.len());
    for r in par_map(&inputs, |(name, obj)| btf_merge::parse_input_btf(name, obj)) {
        match r {
            Ok(p) => parsed.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut l = Linker::new(endian, opts.verbose);
    l.btf.reserve(
        parsed.iter().flatten().map(|p| p.len()).sum(),
        parsed.iter().flatten().map(|p| p.words()).sum(),
    );
    for ((name, obj), btf) in inputs.iter().zip(parsed) {
        l.add_input(name, obj, btf);
    }
    l.finish_symbols();
    if !l.errors.is_empty() {
        return Err(l.errors);
    }
    l.finish_btf();
    if !l.errors.is_empty() {
        return Err(l.errors);
    }
    Ok(Linked {
        object: l.out,
        log: l.log,
    })
}

/// Maps `f` over `items` on up to four threads, results in input order (reading and
/// parsing inputs is independent per input; merging stays sequential).
fn par_map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// One output section (possibly "ephemeral": known only from a DATASEC, no data yet).
#[derive(Debug)]
struct DstSec {
    name: String,
    /// The output section once some input gave it data.
    elf: Option<SectionId>,
    /// Some input described it with a DATASEC.
    has_datasec: bool,
    /// DATASEC entries collected so far.
    vars: Vec<btf_merge::DsVar>,
}

/// Where one input section went.
#[derive(Clone, Copy, Debug)]
struct Placed {
    dst: SectionId,
    off: u64,
}

/// Linker state across inputs.
struct Linker {
    out: Object,
    verbose: bool,
    log: Vec<String>,
    errors: Vec<Diagnostic>,
    /// Output sections in creation order (DATASEC order).
    dst: Vec<DstSec>,
    dst_by_name: HashMap<String, usize>,
    /// Output STT_SECTION symbol of each output section.
    sec_syms: HashMap<SectionId, SymbolId>,
    globals: symbols::Globals,
    btf: btf_merge::BtfMerge,
}

impl Linker {
    fn new(endian: Endian, verbose: bool) -> Self {
        Linker {
            out: Object::new(endian),
            verbose,
            log: Vec::new(),
            errors: Vec::new(),
            dst: Vec::new(),
            dst_by_name: HashMap::new(),
            sec_syms: HashMap::new(),
            globals: symbols::Globals::default(),
            btf: btf_merge::BtfMerge::default(),
        }
    }

    fn note(&mut self, line: impl FnOnce() -> String) {
        if self.verbose {
            self.log.push(line());
        }
    }

    /// The output section named `name`, created (ephemeral) if new.
    fn dst_sec(&mut self, name: &str) -> usize {
        if let Some(&i) = self.dst_by_name.get(name) {
            return i;
        }
        self.dst.push(DstSec {
            name: name.to_string(),
            elf: None,
            has_datasec: false,
            vars: Vec::new(),
        });
        self.dst_by_name
            .insert(name.to_string(), self.dst.len() - 1);
        self.dst.len() - 1
    }

    fn add_input(&mut self, name: &str, obj: &Object, btf: Option<btf_merge::ParsedBtf<'_>>) {
        self.note(|| {
            format!(
                "input {name}: {} sections, {} symbols",
                obj.sections.len(),
                obj.symbols.len()
            )
        });
        let placed = self.place_sections(name, obj);
        let inb = self.btf.add_input(btf);
        if let Some(inb) = &inb {
            for d in &inb.datasec_names {
                let i = self.dst_sec(d);
                self.dst[i].has_datasec = true;
            }
        }
        let sym_map = self.add_symbols(name, obj, &placed, inb.as_ref());
        if let Some(inb) = inb {
            self.btf
                .collect_datasecs(&inb, obj, &placed, &mut self.dst, &self.dst_by_name);
            self.btf.add_ext(name, &inb, &placed, obj, &mut self.errors);
        }
        self.add_relocs(name, obj, &placed, &sym_map);
    }
}
