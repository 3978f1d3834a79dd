//! The static linker (`ebpfc link`): merges relocatable BPF objects into one object the
//! way libbpf's linker (`bpftool gen object`) does.
//!
//! The pipeline, one input at a time and then once at the end ([`link_stream`]: inputs
//! are read and parsed on several threads while they are merged in order):
//! 1. [`sections`]: same-named sections are concatenated (each piece aligned); DWARF,
//!    `.BTF`, `.BTF.ext` and address-significance sections are not copied; `license`
//!    and `version` must be identical and are kept once.
//! 2. [`btf_merge`] (per input): the input's types that equal a type merged before map
//!    to it ([`prededup`](crate::btf::prededup)), the others are appended; DATASEC
//!    entries are collected per section with offsets rebased.
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
mod pipeline;
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
    link_stream(
        files.iter(),
        |(name, bytes): &(String, Vec<u8>)| elf_read::read_input_with(bytes, name, true),
        opts,
    )
}

/// Links already-read objects (name, object), in order.
pub fn link(inputs: Vec<(String, Object)>, opts: &LinkOptions) -> Result<Linked, Vec<Diagnostic>> {
    link_stream(std::iter::once(inputs), Ok::<_, Diagnostic>, opts)
}

/// Links the inputs that `read` makes of each of `sources` (the objects of one file, or
/// why the file could not be read), in order.
///
/// Reading an input (`read`, then parsing and hashing its BTF) runs on helper threads
/// and on this one, while this one merges the inputs in order ([`pipeline`]). Each input
/// is dropped once merged, and the buffers of its BTF go back for a later input
/// ([`btf_merge::Spare`]), so memory stays near a few inputs' worth (bench-link: 46 MB
/// peak when every input was held, and fresh pages cost about a third of the time).
///
/// Errors come in the order of the phases: unreadable inputs, then mixed byte order,
/// then bad BTF, then symbol and BTF merging errors; once an input fails in the first
/// three, the rest are only checked, not merged.
pub fn link_stream<I, R>(sources: I, read: R, opts: &LinkOptions) -> Result<Linked, Vec<Diagnostic>>
where
    I: Iterator + Send,
    I::Item: Send,
    R: Fn(I::Item) -> Result<Vec<(String, Object)>, Diagnostic> + Sync,
{
    /// Inputs prepared ahead of the merge at most.
    const AHEAD: usize = 4;
    // Threads besides this one: enough for the merge never to wait, on a few CPUs.
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) - 1;
    let mut stream = Stream::new(opts.verbose);
    pipeline::prepare_in_order(
        sources,
        helpers,
        AHEAD,
        |source, spares: &pipeline::Recycle<btf_merge::Spare>| match read(source) {
            Ok(objs) => objs
                .into_iter()
                .map(|(name, mut obj)| {
                    let btf = btf_merge::parse_input_btf(&name, &mut obj, spares.take());
                    Prepared::Input(name, obj, btf)
                })
                .collect(),
            Err(e) => vec![Prepared::Unreadable(e)],
        },
        |items: Vec<Prepared>, spares| {
            for item in items {
                if let Some(spare) = stream.take(item) {
                    spares.put(spare);
                }
            }
        },
    );
    stream.finish()
}

/// One input, read and parsed, as the merge takes it.
enum Prepared {
    Input(
        String,
        Object,
        Result<Option<btf_merge::ParsedBtf>, Diagnostic>,
    ),
    Unreadable(Diagnostic),
}

/// The merging side of [`link_stream`]: errors by phase, and the linker once the first
/// input gave the byte order.
struct Stream {
    verbose: bool,
    linker: Option<Linker>,
    first: Option<(String, Endian)>,
    unreadable: Vec<Diagnostic>,
    endian: Vec<Diagnostic>,
    bad_btf: Vec<Diagnostic>,
}

impl Stream {
    fn new(verbose: bool) -> Self {
        Stream {
            verbose,
            linker: None,
            first: None,
            unreadable: Vec::new(),
            endian: Vec::new(),
            bad_btf: Vec::new(),
        }
    }

    fn failed(&self) -> bool {
        !(self.unreadable.is_empty() && self.endian.is_empty() && self.bad_btf.is_empty())
    }

    /// Merges one input unless an earlier one failed; returns the buffers of its BTF.
    fn take(&mut self, item: Prepared) -> Option<btf_merge::Spare> {
        let (name, obj, btf) = match item {
            Prepared::Input(name, obj, btf) => (name, obj, btf),
            Prepared::Unreadable(e) => {
                self.unreadable.push(e);
                return None;
            }
        };
        let (first_name, endian) = self.first.get_or_insert_with(|| (name.clone(), obj.endian));
        let endian = *endian;
        if obj.endian != endian {
            let e = |x: Endian| {
                if x == Endian::Little {
                    "little-endian"
                } else {
                    "big-endian"
                }
            };
            self.endian.push(
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
        let btf = btf.unwrap_or_else(|e| {
            self.bad_btf.push(e);
            None
        });
        if self.failed() {
            return None;
        }
        let verbose = self.verbose;
        self.linker
            .get_or_insert_with(|| Linker::new(endian, verbose))
            .add_input(&name, &obj, btf)
    }

    fn finish(self) -> Result<Linked, Vec<Diagnostic>> {
        for errors in [self.unreadable, self.endian, self.bad_btf] {
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        let Some(mut l) = self.linker else {
            return Err(vec![Diagnostic::error(
                codes::E_LINK_NO_INPUT,
                "no input files to link",
            )]);
        };
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
    /// The input that gave it its first piece (for errors about `license`/`version`).
    first_from: String,
}

/// Where one input section went.
#[derive(Clone, Copy, Debug)]
struct Placed {
    dst: SectionId,
    off: u64,
    /// A `license` or `version` equal to an earlier input's, not copied again (libbpf
    /// skips such a section, and its symbols need no BTF).
    deduped: bool,
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
            first_from: String::new(),
        });
        self.dst_by_name
            .insert(name.to_string(), self.dst.len() - 1);
        self.dst.len() - 1
    }

    /// Merges one input; returns the buffers of its BTF, now free.
    fn add_input(
        &mut self,
        name: &str,
        obj: &Object,
        btf: Option<btf_merge::ParsedBtf>,
    ) -> Option<btf_merge::Spare> {
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
        if let Some(inb) = &inb {
            self.btf
                .collect_datasecs(inb, obj, &placed, &mut self.dst, &self.dst_by_name);
            self.btf.add_ext(name, inb, &placed, obj, &mut self.errors);
        }
        self.add_relocs(name, obj, &placed, &sym_map);
        inb.map(btf_merge::InputBtf::into_spare)
    }
}
