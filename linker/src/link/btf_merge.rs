//! BTF and `.BTF.ext` merging for the static linker (`../shared/spec/btf.rst`).
//!
//! Per input: its types are appended to one merged [`Btf`] (ids shifted by the number
//! of types before it, strings re-interned); its DATASECs are dropped and their entries
//! collected per output section, offsets taken from the input's symbols (clang leaves
//! them 0) plus the offset the input's piece got; its `.BTF.ext` records are rebased to
//! the output sections' byte offsets. Resolving a global merges its two VAR/FUNC types
//! (the extern or weak one takes the winning definition's type and the other becomes an
//! alias of it).
//!
//! At the end: [`dedup`](crate::btf::dedup::dedup) collapses equal types, one DATASEC
//! per output section is appended (sorted by offset, as the kernel requires; sized like
//! the section; externs kept only while unresolved), `.BTF.ext` type ids are mapped, and
//! strings are rebuilt so that only used ones remain.

use super::{DstSec, Linker, Placed};
use crate::btf::ext::{BtfExt, CoreRelo, ExtSection, FuncInfo, LineInfo};
use crate::btf::{Btf, BtfType, Linkage, TypeData, VarSecInfo, magic_endian};
use crate::object::{Endian, Object, Section, SectionKind, SymbolKind, SymbolPlace};
use cranelift_entity::EntityRef;
use diag::{Diagnostic, codes};
use std::collections::{HashMap, HashSet};

/// One DATASEC entry collected from an input.
#[derive(Clone, Copy, Debug)]
pub(super) struct DsVar {
    /// The VAR (or `.ksyms` FUNC) in the merged, not yet deduplicated BTF.
    pub var: u32,
    pub offset: u32,
    pub size: u32,
    pub is_extern: bool,
}

/// A DATASEC entry of an input with its VAR (or FUNC) name and whether it is extern.
type DsEntry = (VarSecInfo, String, bool);

/// What the linker needs to know about one input's BTF.
#[derive(Debug)]
pub(super) struct InputBtf {
    /// Merged id = `base` + the input's id.
    pub base: u32,
    /// Non-static VAR/FUNC by name (the input's ids).
    pub global_ids: HashMap<String, u32>,
    /// Names declared in `.ksyms`/`.kconfig` DATASECs.
    pub kernel_externs: HashSet<String>,
    /// DATASEC names in order.
    pub datasec_names: Vec<String>,
    /// Each DATASEC's entries with their VAR (or FUNC) name and extern-ness.
    datasecs: Vec<(String, Vec<DsEntry>)>,
    /// The input's string table (its types moved into the merged BTF).
    btf: Btf,
    ext: Option<BtfExt>,
}

/// The merged BTF under construction.
#[derive(Debug, Default)]
pub(super) struct BtfMerge {
    pub merged: Btf,
    alias: Vec<Option<u32>>,
    drop: Vec<bool>,
    any: bool,
    func_info: Vec<ExtSection<FuncInfo>>,
    line_info: Vec<ExtSection<LineInfo>>,
    core_relo: Vec<ExtSection<CoreRelo>>,
}

fn ext_sec<T>(list: &mut Vec<ExtSection<T>>, name: &str) -> usize {
    if let Some(i) = list.iter().position(|s| s.sec_name == name) {
        return i;
    }
    list.push(ExtSection {
        sec_name: name.to_string(),
        records: Vec::new(),
    });
    list.len() - 1
}

/// Orders per-section records like the output sections (stable).
fn sort_ext<T>(list: &mut [ExtSection<T>], order: &[&str]) {
    list.sort_by_key(|s| {
        order
            .iter()
            .position(|n| *n == s.sec_name)
            .unwrap_or(usize::MAX)
    });
}

/// Parses an input's `.BTF` and `.BTF.ext` (None if it has no `.BTF`). Pure, so
/// inputs can be parsed in parallel.
pub(super) fn parse_input_btf(
    file: &str,
    obj: &Object,
) -> Result<Option<(Btf, Option<BtfExt>)>, Diagnostic> {
    let Some(sec) = obj.sections.values().find(|s| s.name == ".BTF") else {
        return Ok(None);
    };
    let btf = Btf::parse(&sec.data, &format!("{file}: .BTF"))?;
    if magic_endian(&sec.data) != Some(obj.endian == Endian::Big) {
        return Err(Diagnostic::error(
            codes::E_BTF_BAD,
            format!("{file}: .BTF: byte order differs from the object's"),
        ));
    }
    let ext = match obj.sections.values().find(|s| s.name == ".BTF.ext") {
        Some(s) => Some(BtfExt::parse(&s.data, &btf, &format!("{file}: .BTF.ext"))?),
        None => None,
    };
    Ok(Some((btf, ext)))
}

impl BtfMerge {
    /// Makes room for `types` more input types (the sum over all inputs).
    pub fn reserve(&mut self, types: usize) {
        self.merged.reserve_types(types);
        self.alias.reserve_exact(types + 1);
        self.drop.reserve_exact(types + 1);
    }

    /// Parses and appends one input's `.BTF` (and `.BTF.ext`); None if it has none.
    pub fn add_input(&mut self, parsed: Option<(Btf, Option<BtfExt>)>) -> Option<InputBtf> {
        let (mut btf, ext) = parsed?;
        self.any = true;
        if self.alias.is_empty() {
            self.alias.push(None);
            self.drop.push(false);
        }
        let mut global_ids = HashMap::new();
        let mut kernel_externs = HashSet::new();
        let mut datasec_names = Vec::new();
        let mut datasecs = Vec::new();
        for (id, t) in btf.types() {
            self.alias.push(None);
            self.drop.push(matches!(t.data, TypeData::Datasec { .. }));
            // (Only globals and DATASECs need their name: no UTF-8 check for the rest.)
            let name = || btf.str_at(t.name_off).unwrap_or("");
            match &t.data {
                TypeData::Func { linkage, .. } | TypeData::Var { linkage, .. }
                    if *linkage != Linkage::Static =>
                {
                    global_ids.entry(name().to_string()).or_insert(id);
                }
                TypeData::Datasec { vars, .. } => {
                    let name = name();
                    if name == ".ksyms" || name == ".kconfig" {
                        for v in vars {
                            kernel_externs.insert(btf.name_of(v.type_id).to_string());
                        }
                    }
                    datasec_names.push(name.to_string());
                    let entries = vars
                        .iter()
                        .filter_map(|v| {
                            let vt = btf.get(v.type_id)?;
                            let is_extern = match &vt.data {
                                TypeData::Var { linkage, .. } => *linkage == Linkage::Extern,
                                TypeData::Func { .. } => true,
                                _ => return None,
                            };
                            Some((
                                *v,
                                btf.str_at(vt.name_off).unwrap_or("").to_string(),
                                is_extern,
                            ))
                        })
                        .collect();
                    datasecs.push((name.to_string(), entries));
                }
                _ => {}
            }
        }
        let base = self.merged.append_taking(&mut btf);
        Some(InputBtf {
            base,
            global_ids,
            kernel_externs,
            datasec_names,
            datasecs,
            btf,
            ext,
        })
    }

    /// Merges the VAR/FUNC `new` into `old` (same global); with `new_wins`, `old` takes
    /// `new`'s type and linkage.
    pub fn merge_global(&mut self, old: u32, new: u32, new_wins: bool) {
        if old == new {
            return;
        }
        // clang leaves parameter names out of an extern's FUNC_PROTO: complete the
        // earlier one's unnamed parameters from the definition, so the two can dedup
        let proto = |b: &Btf, f: u32| match b.get(f).map(|t| &t.data) {
            Some(TypeData::Func { type_id, .. }) => Some(*type_id),
            _ => None,
        };
        if let (Some(po), Some(pn)) = (proto(&self.merged, old), proto(&self.merged, new)) {
            let params = |b: &Btf, p: u32| match b.get(p).map(|t| &t.data) {
                Some(TypeData::FuncProto { params, .. }) => {
                    params.iter().map(|x| x.name_off).collect::<Vec<_>>()
                }
                _ => Vec::new(),
            };
            let (no, nn) = (params(&self.merged, po), params(&self.merged, pn));
            // (libbpf does this only when a definition completes an earlier extern.)
            if new_wins && no.len() == nn.len() && po != pn {
                for (p, from) in [(po, &nn)] {
                    if let Some(TypeData::FuncProto { params, .. }) =
                        self.merged.get_mut(p).map(|t| &mut t.data)
                    {
                        for (x, &name) in params.iter_mut().zip(from.iter()) {
                            if x.name_off == 0 {
                                x.name_off = name;
                            }
                        }
                    }
                }
            }
        }
        if new_wins
            && let Some(t) = self.merged.get(new).cloned()
            && let Some(o) = self.merged.get_mut(old)
        {
            o.data = t.data;
            o.kind_flag = t.kind_flag;
        }
        if let Some(a) = self.alias.get_mut(new as usize) {
            *a = Some(old);
        }
    }

    fn root(&self, mut id: u32) -> u32 {
        for _ in 0..16 {
            match self.alias.get(id as usize).copied().flatten() {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }

    /// Collects the input's DATASEC entries into the output sections.
    pub fn collect_datasecs(
        &mut self,
        inb: &InputBtf,
        obj: &Object,
        placed: &[Option<Placed>],
        dst: &mut [DstSec],
        dst_by_name: &HashMap<String, usize>,
    ) {
        for (name, vars) in &inb.datasecs {
            let name = name.as_str();
            let Some(&di) = dst_by_name.get(name) else {
                continue;
            };
            let src_sec = obj
                .sections
                .iter()
                .find(|(_, s)| s.name == name)
                .map(|(id, _)| id);
            let piece_off = src_sec
                .and_then(|s| placed.get(s.index()).copied().flatten())
                .map(|p| p.off)
                .unwrap_or(0);
            for (v, var_name, is_extern) in vars {
                let is_extern = *is_extern;
                let (mut offset, mut size) = (u64::from(v.offset), v.size);
                if !is_extern {
                    let sym = obj.symbols.values().find(|s| {
                        s.name == *var_name
                            && s.kind != SymbolKind::Section
                            && matches!(s.place, SymbolPlace::Section(p) if Some(p) == src_sec)
                    });
                    if let Some(s) = sym {
                        offset = s.value;
                        if size == 0 {
                            size = s.size as u32;
                        }
                    }
                    offset += piece_off;
                }
                dst[di].vars.push(DsVar {
                    var: inb.base + v.type_id,
                    offset: offset as u32,
                    size,
                    is_extern,
                });
            }
        }
    }

    /// Adds the input's `.BTF.ext` records, rebased to the output sections.
    pub fn add_ext(
        &mut self,
        file: &str,
        inb: &InputBtf,
        placed: &[Option<Placed>],
        obj: &Object,
        errors: &mut Vec<Diagnostic>,
    ) {
        let Some(ext) = &inb.ext else {
            return;
        };
        // Every record must point inside its section; the output offset is the piece's.
        let mut bad = Vec::new();
        let mut check = |area: &str, sec: &str, insn_off: u32| {
            let size = obj
                .sections
                .values()
                .find(|s| s.name == sec)
                .map(|s| s.size)
                .unwrap_or(0);
            if u64::from(insn_off) >= size {
                bad.push(format!("{file}: .BTF.ext: {area} record at {insn_off:#x} lies outside section `{sec}` ({size:#x} bytes)"));
            }
        };
        for sec in &ext.func_info {
            sec.records
                .iter()
                .for_each(|r| check("func_info", &sec.sec_name, r.insn_off));
        }
        for sec in &ext.line_info {
            sec.records
                .iter()
                .for_each(|r| check("line_info", &sec.sec_name, r.insn_off));
        }
        for sec in &ext.core_relo {
            sec.records
                .iter()
                .for_each(|r| check("core_relo", &sec.sec_name, r.insn_off));
        }
        if let Some(first) = bad.into_iter().next() {
            errors.push(Diagnostic::error(codes::E_BTF_EXT_BAD, first));
            return;
        }
        let off_of = |name: &str| {
            obj.sections
                .iter()
                .find(|(_, s)| s.name == name)
                .and_then(|(id, _)| placed.get(id.index()).copied().flatten())
                .map(|p| p.off as u32)
        };
        let merged = &mut self.merged;
        let mut s = |off: u32| merged.add_string_bytes(inb.btf.str_bytes(off));
        for sec in &ext.func_info {
            let Some(off) = off_of(&sec.sec_name) else {
                continue;
            };
            let i = ext_sec(&mut self.func_info, &sec.sec_name);
            for r in &sec.records {
                self.func_info[i].records.push(FuncInfo {
                    insn_off: r.insn_off.wrapping_add(off),
                    type_id: inb.base + r.type_id,
                });
            }
        }
        for sec in &ext.line_info {
            let Some(off) = off_of(&sec.sec_name) else {
                continue;
            };
            let i = ext_sec(&mut self.line_info, &sec.sec_name);
            for r in &sec.records {
                let rec = LineInfo {
                    insn_off: r.insn_off.wrapping_add(off),
                    file_name_off: s(r.file_name_off),
                    line_off: s(r.line_off),
                    line_col: r.line_col,
                };
                self.line_info[i].records.push(rec);
            }
        }
        for sec in &ext.core_relo {
            let Some(off) = off_of(&sec.sec_name) else {
                continue;
            };
            let i = ext_sec(&mut self.core_relo, &sec.sec_name);
            for r in &sec.records {
                let rec = CoreRelo {
                    insn_off: r.insn_off.wrapping_add(off),
                    type_id: if r.type_id == 0 {
                        0
                    } else {
                        inb.base + r.type_id
                    },
                    access_str_off: s(r.access_str_off),
                    kind: r.kind,
                };
                self.core_relo[i].records.push(rec);
            }
        }
    }
}

impl Linker {
    /// Deduplicates the merged BTF, rebuilds DATASECs and `.BTF.ext`, and adds the
    /// `.BTF`/`.BTF.ext` sections to the output.
    pub(super) fn finish_btf(&mut self) {
        if !self.btf.any {
            return;
        }
        let before = self.btf.merged.len();
        let mut merged = std::mem::take(&mut self.btf.merged);
        let (map, stats) = crate::btf::dedup::dedup(&mut merged, &self.btf.alias, &self.btf.drop);
        let mapped = |id: u32| map.get(id as usize).copied().unwrap_or(0);
        // One DATASEC per output section that some input described.
        let mut datasecs = 0;
        for d in &self.dst {
            if !d.has_datasec {
                continue;
            }
            let mut vars: Vec<VarSecInfo> = Vec::new();
            let mut seen: HashMap<u32, (usize, bool)> = HashMap::new();
            for v in &d.vars {
                let id = mapped(self.btf.root(v.var));
                if id == 0 {
                    continue;
                }
                let entry = VarSecInfo {
                    type_id: id,
                    offset: v.offset,
                    size: v.size,
                };
                match seen.get(&id).copied() {
                    None => {
                        seen.insert(id, (vars.len(), v.is_extern));
                        vars.push(entry);
                    }
                    Some((pos, true)) if !v.is_extern => {
                        vars[pos] = entry;
                        seen.insert(id, (pos, false));
                    }
                    Some(_) => {}
                }
            }
            // An extern entry whose symbol got defined elsewhere is not this section's.
            vars.retain(|v| {
                let only_extern = seen.get(&v.type_id).is_some_and(|&(_, e)| e);
                let still_extern = matches!(
                    merged.get(v.type_id).map(|t| &t.data),
                    Some(
                        TypeData::Var {
                            linkage: Linkage::Extern,
                            ..
                        } | TypeData::Func { .. }
                    )
                );
                !only_extern || still_extern
            });
            let size = d.elf.map(|s| self.out.sections[s].size as u32).unwrap_or(0);
            if d.elf.is_some() {
                vars.sort_by_key(|v| v.offset);
            }
            let name = merged.add_string(&d.name);
            merged.add_type(BtfType::new(name, TypeData::Datasec { size, vars }));
            datasecs += 1;
        }
        // .BTF.ext: output section order, type ids through the dedup map.
        let order: Vec<&str> = self.dst.iter().map(|d| d.name.as_str()).collect();
        let mut ext = BtfExt {
            func_info: std::mem::take(&mut self.btf.func_info),
            line_info: std::mem::take(&mut self.btf.line_info),
            core_relo: std::mem::take(&mut self.btf.core_relo),
        };
        sort_ext(&mut ext.func_info, &order);
        sort_ext(&mut ext.line_info, &order);
        sort_ext(&mut ext.core_relo, &order);
        ext.map_types(|id| {
            if id == 0 {
                0
            } else {
                mapped(self.btf.root(id))
            }
        });
        // Strings: keep only those the types and records use, in order of first use.
        let mut out = Btf::new();
        let mut types = merged.take_types();
        for t in &mut types {
            t.map_strings(|o| out.add_string_bytes(merged.str_bytes(o)));
        }
        out.set_types(types);
        ext.map_strings(|o| out.add_string_bytes(merged.str_bytes(o)));
        let endian = self.out.endian;
        let ext_bytes = (!ext.is_empty()).then(|| ext.encode(&mut out, endian));
        if self.verbose {
            self.log.push(format!(
                "BTF: {before} types in, {} after dedup ({} forward declarations resolved), {datasecs} DATASECs rebuilt, {} types out",
                stats.types_after,
                stats.fwds_resolved,
                out.len()
            ));
            self.log.push(format!(
                ".BTF.ext: {} func_info, {} line_info, {} core_relo records",
                ext.func_info.iter().map(|s| s.records.len()).sum::<usize>(),
                ext.line_info.iter().map(|s| s.records.len()).sum::<usize>(),
                ext.core_relo.iter().map(|s| s.records.len()).sum::<usize>(),
            ));
        }
        let mut sec = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        sec.data = out.encode(endian);
        sec.size = sec.data.len() as u64;
        self.out.sections.push(sec);
        if let Some(bytes) = ext_bytes {
            let mut sec = Section::new(".BTF.ext", SectionKind::Progbits, 0, 4);
            sec.size = bytes.len() as u64;
            sec.data = bytes;
            self.out.sections.push(sec);
        }
    }
}
