//! BTF and `.BTF.ext` merging for the static linker (`../shared/spec/btf.rst`).
//!
//! Per input: its types, parsed into the compact [`FlatTypes`] form and hashed (by
//! whichever thread prepared the input), are matched against the merged list: a type
//! equal to a merged one maps to it ([`prededup`](crate::btf::prededup)), the others
//! are appended (strings interned into one table, so equal strings have equal
//! offsets), and the input keeps its id map; its DATASECs are dropped and their entries
//! collected per output section, offsets taken from the input's symbols (clang leaves
//! them 0) plus the offset the input's piece got; its `.BTF.ext` records are rebased to
//! the output sections' byte offsets. Resolving a global merges its two VAR/FUNC types
//! (the extern or weak one takes the winning definition's type and the other becomes an
//! alias of it).
//!
//! At the end: [`dedup_flat`](crate::btf::dedup::dedup_flat) collapses equal types (only
//! the survivors are copied out), one DATASEC
//! per output section is appended (sorted by offset, as the kernel requires; sized like
//! the section; externs kept only while unresolved), `.BTF.ext` type ids are mapped, and
//! strings are rebuilt so that only used ones remain.

use super::{DstSec, Linker, Placed};
use crate::btf::compat::Types;
use crate::btf::ext::{BtfExt, CoreRelo, ExtSection, FuncInfo, LineInfo};
use crate::btf::flat::{FlatTypes, norm_info};
use crate::btf::map_def::{self, MapDef};
use crate::btf::prededup::{self, APPEND, Merged, Prededup};
use crate::btf::{Btf, BtfType, Kind, Linkage, VarSecInfo, magic_endian, str_bytes_in};
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

/// One input's parsed `.BTF` (with a copy of its string table) and `.BTF.ext`: all the
/// linker needs of them, so the object can be parsed on another thread.
pub(super) struct ParsedBtf {
    types: FlatTypes,
    strings: Vec<u8>,
    /// Per type, its [`prededup`] hash.
    hash: Vec<u64>,
    ext: Option<BtfExt>,
}

/// The buffers of an input's BTF once it is merged, handed back to the threads that
/// prepare inputs, to hold a later input's ([`link_stream`](super::link_stream)).
#[derive(Debug, Default)]
pub(super) struct Spare {
    types: FlatTypes,
    strings: Vec<u8>,
    hash: Vec<u64>,
}

/// What the linker needs to know about one input's BTF.
#[derive(Debug)]
pub(super) struct InputBtf {
    /// Per input id, its merged id (an equal type merged earlier, or its own copy).
    map: Vec<u32>,
    /// Non-static VAR/FUNC by name (the input's ids).
    pub global_ids: HashMap<String, u32>,
    /// Names declared in `.ksyms`/`.kconfig` DATASECs.
    pub kernel_externs: HashSet<String>,
    /// Per non-static VAR/FUNC name, the first DATASEC that lists it (libbpf's section
    /// of an extern: `.maps` makes it a map).
    pub global_secs: HashMap<String, String>,
    /// DATASEC names in order.
    pub datasec_names: Vec<String>,
    /// Each DATASEC's entries with their VAR (or FUNC) name and extern-ness.
    datasecs: Vec<(String, Vec<DsEntry>)>,
    /// The input's string table.
    strings: Vec<u8>,
    ext: Option<BtfExt>,
    /// The input's types and hashes, no longer needed (strings left empty).
    spare: Spare,
}

impl InputBtf {
    /// The buffers this input no longer needs.
    pub fn into_spare(self) -> Spare {
        Spare {
            strings: self.strings,
            ..self.spare
        }
    }

    /// The merged id of the input's type `id` (0 for void and ids out of range).
    pub fn merged_id(&self, id: u32) -> u32 {
        self.map.get(id as usize).copied().unwrap_or(0)
    }
}

/// The merged BTF under construction.
#[derive(Debug, Default)]
pub(super) struct BtfMerge {
    /// Every input's types; names are offsets into `strings`.
    merged: FlatTypes,
    /// The merged string table (interned: one offset per distinct string).
    strings: Btf,
    /// Finds the merged type equal to an input's type.
    pre: Prededup,
    /// Types read from all inputs (for `--verbose`).
    types_in: usize,
    /// Per input string offset, its merged offset (u32::MAX: not yet interned); reset
    /// after each input through `str_touched`.
    str_map: Vec<u32>,
    str_touched: Vec<u32>,
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

/// Parses an input's `.BTF` and `.BTF.ext` (None if it has no `.BTF`) into the buffers
/// of `spare`, then drops the two sections' bytes from `obj` (the linker rebuilds both).
/// Depends on nothing else, so inputs can be parsed on another thread.
///
/// Memory: a preparing thread allocates these buffers and the merging thread would
/// free them; recycled, and with the raw sections freed where they were allocated, a
/// link keeps reusing a few inputs' worth of memory instead of faulting in fresh pages
/// for every input.
pub(super) fn parse_input_btf(
    file: &str,
    obj: &mut Object,
    spare: Spare,
) -> Result<Option<ParsedBtf>, Diagnostic> {
    let parsed = parse_btf_sections(file, obj, spare);
    for sec in obj.sections.values_mut() {
        if sec.name == ".BTF" || sec.name == ".BTF.ext" {
            sec.data = Vec::new();
        }
    }
    parsed
}

fn parse_btf_sections(
    file: &str,
    obj: &Object,
    spare: Spare,
) -> Result<Option<ParsedBtf>, Diagnostic> {
    let Some(sec) = obj.sections.values().find(|s| s.name == ".BTF") else {
        return Ok(None);
    };
    let (types, strings) =
        crate::btf::parse_flat_into(&sec.data, &format!("{file}: .BTF"), spare.types)?;
    if magic_endian(&sec.data) != Some(obj.endian == Endian::Big) {
        return Err(Diagnostic::error(
            codes::E_BTF_BAD,
            format!("{file}: .BTF: byte order differs from the object's"),
        ));
    }
    let ext = match obj.sections.values().find(|s| s.name == ".BTF.ext") {
        Some(s) => Some(BtfExt::parse_raw(
            &s.data,
            types.len() as u32,
            strings,
            &format!("{file}: .BTF.ext"),
        )?),
        None => None,
    };
    let hash = prededup::input_hashes(&types, strings, spare.hash);
    let mut own_strings = spare.strings;
    own_strings.clear();
    own_strings.extend_from_slice(strings);
    Ok(Some(ParsedBtf {
        types,
        strings: own_strings,
        hash,
        ext,
    }))
}

/// The merged types as [`compat`](crate::btf::compat) reads them.
struct MergedView<'a> {
    types: &'a FlatTypes,
    strings: &'a Btf,
}

impl Types for MergedView<'_> {
    fn get(&self, id: u32) -> Option<BtfType> {
        self.types.decode(id)
    }
    fn str_at(&self, off: u32) -> Option<&str> {
        self.strings.str_at(off)
    }
}

impl BtfMerge {
    /// Whether `old` and `new` (merged ids) have compatible types (else why not).
    pub fn compatible(&self, old: u32, new: u32) -> Result<(), String> {
        crate::btf::compat::compatible(&self.view(), old, new)
    }

    /// The map definition of the VAR `var` (merged id), or why it is not one.
    pub fn map_def(&self, var: u32) -> Result<MapDef, String> {
        map_def::parse(&self.view(), var)
    }

    /// Whether two map definitions read by [`Self::map_def`] agree (else the first
    /// attribute that differs).
    pub fn maps_match(&self, a: &MapDef, b: &MapDef) -> Result<(), String> {
        map_def::compare(&self.view(), a, b)
    }

    fn view(&self) -> MergedView<'_> {
        MergedView {
            types: &self.merged,
            strings: &self.strings,
        }
    }

    /// Appends one input's `.BTF` (and keeps its `.BTF.ext`); None if it has none.
    pub fn add_input(&mut self, parsed: Option<ParsedBtf>) -> Option<InputBtf> {
        let ParsedBtf {
            types: btf,
            strings: own_strings,
            hash,
            ext,
        } = parsed?;
        let strings = own_strings.as_slice();
        self.any = true;
        if self.alias.is_empty() {
            self.alias.push(None);
            self.drop.push(false);
        }
        let mut global_ids = HashMap::new();
        let mut kernel_externs = HashSet::new();
        let mut global_secs = HashMap::new();
        let mut datasec_names = Vec::new();
        let mut datasecs = Vec::new();
        // (Only globals and DATASECs need their name: no UTF-8 check for the rest.)
        let str_at = |off: u32| std::str::from_utf8(str_bytes_in(strings, off)).unwrap_or("");
        let valid = |id: u32| id != 0 && id as usize <= btf.len();
        for id in 1..=btf.len() as u32 {
            let kind = btf.kind(id);
            let linkage = match kind {
                Kind::Func => btf.vlen(id) as u32,
                Kind::Var => btf.body(id)[0],
                _ => Linkage::Static as u32,
            };
            if linkage != Linkage::Static as u32 {
                global_ids
                    .entry(str_at(btf.name(id)).to_string())
                    .or_insert(id);
            }
            if kind == Kind::Datasec {
                let name = str_at(btf.name(id));
                let vars = btf.body(id).chunks_exact(3).map(|v| VarSecInfo {
                    type_id: v[0],
                    offset: v[1],
                    size: v[2],
                });
                if name == ".ksyms" || name == ".kconfig" {
                    for v in vars.clone() {
                        let vn = if valid(v.type_id) {
                            str_at(btf.name(v.type_id))
                        } else {
                            ""
                        };
                        kernel_externs.insert(vn.to_string());
                    }
                }
                for v in vars.clone().filter(|v| valid(v.type_id)) {
                    let linkage = match btf.kind(v.type_id) {
                        Kind::Var => btf.body(v.type_id)[0],
                        Kind::Func => btf.vlen(v.type_id) as u32,
                        _ => continue,
                    };
                    if linkage != Linkage::Static as u32 {
                        global_secs
                            .entry(str_at(btf.name(v.type_id)).to_string())
                            .or_insert_with(|| name.to_string());
                    }
                }
                datasec_names.push(name.to_string());
                let entries = vars
                    .filter_map(|v| {
                        if !valid(v.type_id) {
                            return None;
                        }
                        let is_extern = match btf.kind(v.type_id) {
                            Kind::Var => btf.body(v.type_id)[0] == Linkage::Extern as u32,
                            Kind::Func => true,
                            _ => return None,
                        };
                        Some((v, str_at(btf.name(v.type_id)).to_string(), is_extern))
                    })
                    .collect();
                datasecs.push((name.to_string(), entries));
            }
        }
        // Types equal to merged ones map to them; the others are appended, strings
        // interned once per distinct offset of this input.
        self.types_in += btf.len();
        if self.str_map.len() < strings.len() {
            self.str_map.resize(strings.len(), u32::MAX);
        }
        let mut map = self.pre.map_input(
            &btf,
            strings,
            &hash,
            &mut Merged {
                t: &self.merged,
                strings: self.strings.strings(),
                str_map: &mut self.str_map,
                touched: &mut self.str_touched,
            },
        );
        let mut next = self.merged.len() as u32;
        for m in map.iter_mut().skip(1) {
            if *m == APPEND {
                next += 1;
                *m = next;
            }
        }
        let base = self.merged.len() as u32;
        let (str_map, touched, merged_strings) =
            (&mut self.str_map, &mut self.str_touched, &mut self.strings);
        let mut name = |off: u32| match str_map.get(off as usize) {
            Some(&n) if n != u32::MAX => n,
            Some(_) => {
                let n = merged_strings.add_string_bytes(str_bytes_in(strings, off));
                str_map[off as usize] = n;
                touched.push(off);
                n
            }
            None => merged_strings.add_string_bytes(str_bytes_in(strings, off)),
        };
        for id in 1..=btf.len() as u32 {
            if map[id as usize] <= base {
                continue;
            }
            let kind = btf.kind(id);
            self.alias.push(None);
            self.drop.push(kind == Kind::Datasec);
            let new = self.merged.push_mapped(&btf, id, &mut name, |r| {
                map.get(r as usize).copied().unwrap_or(0)
            });
            let candidate = !matches!(kind, Kind::Var | Kind::Datasec | Kind::Fwd);
            self.pre.record(new, hash[id as usize], candidate);
        }
        for off in self.str_touched.drain(..) {
            self.str_map[off as usize] = u32::MAX;
        }
        Some(InputBtf {
            map,
            global_ids,
            kernel_externs,
            global_secs,
            datasec_names,
            datasecs,
            strings: own_strings,
            ext,
            spare: Spare {
                types: btf,
                strings: Vec::new(),
                hash,
            },
        })
    }

    /// Merges the VAR/FUNC `new` into `old` (same global); with `new_wins`, `old` takes
    /// `new`'s type and linkage.
    pub fn merge_global(&mut self, old: u32, new: u32, new_wins: bool) {
        if old == new {
            return;
        }
        let m = &mut self.merged;
        let valid = |m: &FlatTypes, id: u32| id != 0 && id as usize <= m.len();
        // clang leaves parameter names out of an extern's FUNC_PROTO: complete the
        // earlier one's unnamed parameters from the definition, so the two can dedup
        let proto =
            |m: &FlatTypes, f: u32| (valid(m, f) && m.kind(f) == Kind::Func).then(|| m.head(f));
        if let (Some(po), Some(pn)) = (proto(m, old), proto(m, new)) {
            let params = |m: &FlatTypes, p: u32| {
                if valid(m, p) && m.kind(p) == Kind::FuncProto {
                    m.param_names(p)
                } else {
                    Vec::new()
                }
            };
            let (no, nn) = (params(m, po), params(m, pn));
            // (libbpf does this only when a definition completes an earlier extern.)
            if new_wins
                && no.len() == nn.len()
                && po != pn
                && valid(m, po)
                && m.kind(po) == Kind::FuncProto
            {
                m.fill_param_names(po, &nn);
            }
        }
        if new_wins && valid(m, new) && valid(m, old) {
            m.replace_data(old, new);
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
                    var: inb.merged_id(v.type_id),
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
        let merged = &mut self.strings;
        let strings = inb.strings.as_slice();
        let mut s = |off: u32| merged.add_string_bytes(str_bytes_in(strings, off));
        for sec in &ext.func_info {
            let Some(off) = off_of(&sec.sec_name) else {
                continue;
            };
            let i = ext_sec(&mut self.func_info, &sec.sec_name);
            for r in &sec.records {
                self.func_info[i].records.push(FuncInfo {
                    insn_off: r.insn_off.wrapping_add(off),
                    type_id: inb.merged_id(r.type_id),
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
                    type_id: inb.merged_id(r.type_id),
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
        let before = self.btf.types_in;
        let merged = std::mem::take(&mut self.btf.merged);
        let d = crate::btf::dedup::dedup_flat(&merged, &self.btf.alias, &self.btf.drop);
        let (map, stats) = (&d.map, &d.stats);
        let mapped = |id: u32| map.get(id as usize).copied().unwrap_or(0);
        // The survivors, then the DATASECs (names still in the merged table). Sized for
        // the most they can take, so the table is never copied to grow: the survivors'
        // words are some of the merged ones, and each DATASEC entry is 3 words.
        let datasec_words: usize = self.dst.iter().map(|d| 3 * d.vars.len()).sum();
        let mut types = FlatTypes::with_capacity(
            d.keep.len() + self.dst.len(),
            merged.words.len() + datasec_words,
        );
        for &id in &d.keep {
            types.push_mapped(&merged, id, |n| n, mapped);
        }
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
                let id = v.type_id;
                let still_extern = id != 0
                    && id as usize <= types.len()
                    && match types.kind(id) {
                        Kind::Var => types.body(id)[0] == Linkage::Extern as u32,
                        Kind::Func => true,
                        _ => false,
                    };
                !only_extern || still_extern
            });
            let size = d.elf.map(|s| self.out.sections[s].size as u32).unwrap_or(0);
            if d.elf.is_some() {
                vars.sort_by_key(|v| v.offset);
            }
            let name = self.btf.strings.add_string(&d.name);
            let words: Vec<u32> = vars
                .iter()
                .flat_map(|v| [v.type_id, v.offset, v.size])
                .collect();
            types.push(
                name,
                norm_info(Kind::Datasec, false, vars.len()),
                size,
                &words,
            );
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
        let strs = &self.btf.strings;
        let count = strs.strings().iter().filter(|&&b| b == 0).count();
        let mut out = Btf::with_string_capacity(strs.strings().len(), count);
        // Merged offset -> output offset, so each string is looked up once.
        let mut memo = vec![u32::MAX; strs.strings().len()];
        let mut name = |o: u32| match memo.get(o as usize) {
            Some(&m) if m != u32::MAX => m,
            _ => {
                let m = out.add_string_bytes(strs.str_bytes(o));
                if let Some(x) = memo.get_mut(o as usize) {
                    *x = m;
                }
                m
            }
        };
        let mut fin = FlatTypes::with_capacity(types.len(), types.words.len());
        for id in 1..=types.len() as u32 {
            fin.push_mapped(&types, id, &mut name, |r| r);
        }
        ext.map_strings(&mut name);
        let endian = self.out.endian;
        let ext_bytes = (!ext.is_empty()).then(|| ext.encode(&mut out, endian));
        if self.verbose {
            self.log.push(format!(
                "BTF: {before} types in, {} after dedup ({} forward declarations resolved), {datasecs} DATASECs rebuilt, {} types out",
                stats.types_after,
                stats.fwds_resolved,
                fin.len()
            ));
            self.log.push(format!(
                ".BTF.ext: {} func_info, {} line_info, {} core_relo records",
                ext.func_info.iter().map(|s| s.records.len()).sum::<usize>(),
                ext.line_info.iter().map(|s| s.records.len()).sum::<usize>(),
                ext.core_relo.iter().map(|s| s.records.len()).sum::<usize>(),
            ));
        }
        let mut sec = Section::new(".BTF", SectionKind::Progbits, 0, 4);
        sec.data = crate::btf::encode_flat(&fin, out.strings(), endian);
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
