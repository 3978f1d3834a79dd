//! Symbol resolution for the static linker, with libbpf's rules:
//! - local symbols (statics, files, sections) are copied, private to their input, even
//!   when names clash; section symbols map to the one symbol of the output section;
//! - a global or weak definition binds every reference of that name; a strong definition
//!   beats a weak one; two strong definitions are an error naming both inputs (except in
//!   `license`/`version`, which are identical and kept once);
//! - an extern (undefined) binds to the definition from any input, before or after it,
//!   after a BTF check that both sides have compatible types
//!   ([`compat`](crate::btf::compat)); a map (a global of `.maps`) is checked by its map
//!   definition instead ([`map_def`](crate::btf::map_def)), whatever struct carries it;
//! - what stays undefined at the end is an error, except weak externs and `__ksym` /
//!   `__kconfig` externs (listed in a `.ksyms`/`.kconfig` DATASEC), which libbpf
//!   resolves when it loads the object;
//! - an input without `.BTF` can have only local symbols, or globals in a `license` or
//!   `version` equal to an earlier input's (libbpf checks globals against their BTF).
//!
//! Invariant: output symbols are in order of first appearance; a resolved global keeps
//! the slot of its first mention.

use super::btf_merge::InputBtf;
use super::{Linker, Placed};
use crate::object::{Binding, Object, Symbol, SymbolId, SymbolKind, SymbolPlace};
use cranelift_entity::EntityRef;
use diag::{Diagnostic, codes};
use std::collections::HashMap;

/// One global name.
#[derive(Debug)]
pub(super) struct Glob {
    pub name: String,
    pub dst: SymbolId,
    /// The input that defines it (None while undefined).
    pub def_file: Option<String>,
    pub def_weak: bool,
    /// The output section of its definition; while undefined, the DATASEC that declares
    /// it (libbpf's section of a global: in `.maps`, it is a map), or "".
    pub def_section: String,
    /// The first input that mentioned it.
    pub first_file: String,
    /// Its VAR/FUNC in the merged BTF.
    pub btf: Option<u32>,
    /// Declared as a kernel symbol or kconfig value.
    pub kernel_extern: bool,
}

#[derive(Debug, Default)]
pub(super) struct Globals {
    pub list: Vec<Glob>,
    pub by_name: HashMap<String, usize>,
}

impl Linker {
    /// Copies or resolves every symbol of one input; returns the output symbol of each
    /// input symbol (None for symbols of sections the output drops).
    pub(super) fn add_symbols(
        &mut self,
        file: &str,
        obj: &Object,
        placed: &[Option<Placed>],
        inb: Option<&InputBtf>,
    ) -> Vec<Option<SymbolId>> {
        let mut map = vec![None; obj.symbols.len()];
        let mut told_no_btf = false;
        for (sid, sym) in obj.symbols.iter() {
            let (place, value, deduped) = match sym.place {
                SymbolPlace::Section(s) => match placed.get(s.index()).copied().flatten() {
                    Some(p) => (SymbolPlace::Section(p.dst), sym.value + p.off, p.deduped),
                    None => continue,
                },
                other => (other, sym.value, false),
            };
            if sym.kind == SymbolKind::Section {
                let SymbolPlace::Section(dst) = place else {
                    continue;
                };
                let id = *self.sec_syms.entry(dst).or_insert_with(|| {
                    self.out.symbols.push(Symbol {
                        name: String::new(),
                        value: 0,
                        size: 0,
                        place,
                        ..sym.clone()
                    })
                });
                map[sid.index()] = Some(id);
                continue;
            }
            if sym.binding == Binding::Local {
                map[sid.index()] = Some(self.out.symbols.push(Symbol {
                    place,
                    value,
                    ..sym.clone()
                }));
                continue;
            }
            let btf_id =
                inb.and_then(|b| b.global_ids.get(&sym.name).map(|&local| b.merged_id(local)));
            // libbpf's linker needs the BTF of every global ("failed to find BTF info for
            // object"). (It also wants each global's own VAR or FUNC, which gcc 12 does
            // not give its global functions: ebpfc links such objects.)
            if inb.is_none() && !deduped && !told_no_btf {
                told_no_btf = true;
                self.errors.push(
                    Diagnostic::error(
                        codes::E_LINK_BAD_INPUT,
                        format!(
                            "{file}: no BTF (no .BTF section), which global symbol `{}` needs",
                            sym.name
                        ),
                    )
                    .with_note(
                        "libbpf's linker checks globals against their BTF types: compile with -g",
                    ),
                );
            }
            let kernel_extern = inb.is_some_and(|b| b.kernel_externs.contains(&sym.name));
            let defined = place != SymbolPlace::Undefined;
            let section_name = match place {
                SymbolPlace::Section(s) => self.out.sections[s].name.clone(),
                // Clang lists externs without a section in `.extern`.
                _ => inb
                    .and_then(|b| b.global_secs.get(&sym.name))
                    .filter(|s| *s != ".extern")
                    .cloned()
                    .unwrap_or_default(),
            };
            let Some(&gi) = self.globals.by_name.get(&sym.name) else {
                let dst = self.out.symbols.push(Symbol {
                    place,
                    value,
                    ..sym.clone()
                });
                self.globals
                    .by_name
                    .insert(sym.name.clone(), self.globals.list.len());
                self.globals.list.push(Glob {
                    name: sym.name.clone(),
                    dst,
                    def_file: defined.then(|| file.to_string()),
                    def_weak: sym.binding == Binding::Weak,
                    def_section: section_name,
                    first_file: file.to_string(),
                    btf: btf_id,
                    kernel_extern,
                });
                map[sid.index()] = Some(dst);
                continue;
            };
            map[sid.index()] = Some(self.globals.list[gi].dst);
            self.globals.list[gi].kernel_extern |= kernel_extern;
            let g = &self.globals.list[gi];
            let (g_btf, g_dst, g_def_file, g_def_weak, g_def_section, g_first_file) = (
                g.btf,
                g.dst,
                g.def_file.clone(),
                g.def_weak,
                g.def_section.clone(),
                g.first_file.clone(),
            );
            // Decide who defines the symbol now.
            let takes_over = match (&g_def_file, defined) {
                (_, false) => false,
                (None, true) => true,
                (Some(prev), true) => {
                    let both_single = section_name == g_def_section
                        && (section_name == "license" || section_name == "version");
                    if both_single {
                        false
                    } else if g_def_weak && sym.binding != Binding::Weak {
                        let (name, prev) = (sym.name.clone(), prev.clone());
                        self.note(|| {
                            format!(
                                "symbol `{name}`: weak definition in {prev} overridden by {file}"
                            )
                        });
                        true
                    } else if sym.binding == Binding::Weak {
                        let (name, prev) = (sym.name.clone(), prev.clone());
                        self.note(|| format!("symbol `{name}`: weak definition in {file} ignored, {prev} defines it"));
                        false
                    } else {
                        self.errors.push(
                            Diagnostic::error(
                                codes::E_LINK_DUP_SYMBOL,
                                format!(
                                    "symbol `{}` is defined in both `{prev}` and `{file}`",
                                    sym.name
                                ),
                            )
                            .with_note("make one of them `static`, `__weak`, or `extern`"),
                        );
                        false
                    }
                }
            };
            let was_undefined = g_def_file.is_none();
            // BTF: check the types agree (maps: their definitions), then merge the two
            // VAR/FUNC entries.
            if let (Some(old), Some(new)) = (g_btf, btf_id) {
                let other = g_def_file.clone().unwrap_or_else(|| g_first_file.clone());
                let checked = if g_def_section == ".maps" {
                    self.check_map(&sym.name, old, new, &other, file)
                } else {
                    self.btf.compatible(old, new).map_err(|why| {
                        Diagnostic::error(
                            codes::E_LINK_TYPE_MISMATCH,
                            format!(
                                "symbol `{}` has different types in `{other}` and `{file}`",
                                sym.name
                            ),
                        )
                        .with_note(format!("they differ in: {why}"))
                    })
                };
                match checked {
                    Ok(()) => self.btf.merge_global(old, new, takes_over),
                    Err(d) => self.errors.push(d),
                }
            } else if g_btf.is_none() && btf_id.is_some() {
                self.globals.list[gi].btf = btf_id;
            }
            if takes_over {
                if was_undefined {
                    let (name, first) =
                        (sym.name.clone(), self.globals.list[gi].first_file.clone());
                    self.note(|| format!("symbol `{name}`: extern in {first} resolved to the definition in {file}"));
                }
                let s = &mut self.out.symbols[g_dst];
                *s = Symbol {
                    name: s.name.clone(),
                    place,
                    value,
                    ..sym.clone()
                };
                let g = &mut self.globals.list[gi];
                g.def_file = Some(file.to_string());
                g.def_weak = sym.binding == Binding::Weak;
                g.def_section = section_name;
            } else if !defined
                && self.globals.list[gi].def_file.is_none()
                && sym.binding == Binding::Global
            {
                // A strong reference makes an undefined weak reference strong.
                self.out.symbols[g_dst].binding = Binding::Global;
            } else if !defined && !was_undefined {
                let (name, def) = (
                    sym.name.clone(),
                    self.globals.list[gi].def_file.clone().unwrap_or_default(),
                );
                self.note(|| {
                    format!("symbol `{name}`: extern in {file} resolved to the definition in {def}")
                });
            }
        }
        map
    }

    /// Checks that the map `name` is defined alike by `old` (from `other`) and `new`
    /// (from `file`): by their map definitions, not their struct types.
    fn check_map(
        &self,
        name: &str,
        old: u32,
        new: u32,
        other: &str,
        file: &str,
    ) -> Result<(), Diagnostic> {
        let def = |id: u32, f: &str| {
            self.btf.map_def(id).map_err(|why| {
                Diagnostic::error(
                    codes::E_LINK_MAP_MISMATCH,
                    format!("map `{name}` in `{f}` is not a valid map definition"),
                )
                .with_note(why)
            })
        };
        let (a, b) = (def(old, other)?, def(new, file)?);
        self.btf.maps_match(&a, &b).map_err(|why| {
            Diagnostic::error(
                codes::E_LINK_MAP_MISMATCH,
                format!("map `{name}` is declared differently in `{other}` and `{file}`"),
            )
            .with_note(why)
        })
    }

    /// Reports externs no input defined (weak and kernel externs may stay undefined).
    pub(super) fn finish_symbols(&mut self) {
        for g in &self.globals.list {
            if g.def_file.is_some() {
                continue;
            }
            let s = &self.out.symbols[g.dst];
            if s.binding == Binding::Weak || g.kernel_extern {
                let (name, why) = (
                    g.name.clone(),
                    if g.kernel_extern {
                        "kernel symbol or kconfig value"
                    } else {
                        "weak"
                    },
                );
                if self.verbose {
                    self.log.push(format!(
                        "symbol `{name}`: left undefined ({why}), libbpf resolves it at load time"
                    ));
                }
                continue;
            }
            self.errors.push(
                Diagnostic::error(codes::E_LINK_UNRESOLVED, format!("undefined symbol `{}`, referenced by `{}`, is defined by no input", g.name, g.first_file))
                    .with_note("add the object that defines it, or declare it `__weak` (optional) or `__ksym`/`__kconfig` (from the kernel)"),
            );
        }
    }
}
