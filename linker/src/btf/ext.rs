//! The `.BTF.ext` model (`../shared/spec/btf.rst` 4.2 ".BTF.ext section"): func_info,
//! line_info and CO-RE relocation records, grouped per code section and keyed by the
//! section's name.
//!
//! Invariants: `insn_off` is a byte offset into the named section (as in ELF objects,
//! not the instruction index the kernel takes); every string offset (section names on
//! parse, `file_name_off`, `line_off`, `access_str_off`) points into the `.BTF` string
//! table of the same object. Parsing checks record sizes, counts and string offsets and
//! never panics ([`BtfExt::parse_core_relos`] reads the CO-RE records alone and leaves
//! their type ids and string offsets to the caller); encoding writes the standard record
//! sizes (8, 16, 16) behind the 32-byte header.

use super::{Btf, Reader, Writer, magic_endian};
use crate::object::Endian;
use diag::{Diagnostic, codes};

/// `bpf_func_info`: the FUNC type of the function starting at `insn_off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncInfo {
    pub insn_off: u32,
    pub type_id: u32,
}

/// `bpf_line_info`: source position of the instruction at `insn_off`;
/// `line_col` is `line << 10 | col`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineInfo {
    pub insn_off: u32,
    pub file_name_off: u32,
    pub line_off: u32,
    pub line_col: u32,
}

impl LineInfo {
    pub fn line(&self) -> u32 {
        self.line_col >> 10
    }
    pub fn col(&self) -> u32 {
        self.line_col & 0x3ff
    }
}

/// `bpf_core_relo`: a CO-RE relocation of the instruction at `insn_off` against
/// `type_id` along the access string at `access_str_off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CoreRelo {
    pub insn_off: u32,
    pub type_id: u32,
    pub access_str_off: u32,
    pub kind: u32,
}

/// The records of one kind for one code section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtSection<T> {
    pub sec_name: String,
    pub records: Vec<T>,
}

/// A whole `.BTF.ext`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BtfExt {
    pub func_info: Vec<ExtSection<FuncInfo>>,
    pub line_info: Vec<ExtSection<LineInfo>>,
    pub core_relo: Vec<ExtSection<CoreRelo>>,
}

const FUNC_INFO_SIZE: u32 = 8;
const LINE_INFO_SIZE: u32 = 16;
const CORE_RELO_SIZE: u32 = 16;

fn bad(what: &str, msg: impl AsRef<str>) -> Diagnostic {
    Diagnostic::error(codes::E_BTF_EXT_BAD, format!("{what}: {}", msg.as_ref()))
}

/// The string at `off` of a string table (as [`Btf::str_at`]).
fn str_in(strs: &[u8], off: u32) -> Option<&str> {
    let rest = strs.get(off as usize..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[..end]).ok()
}

/// Parses one info area: `rec_size`, then per section `sec_name_off`, `num_info`, records.
#[allow(clippy::too_many_arguments)]
fn parse_area<T>(
    r: &Reader<'_>,
    start: usize,
    len: usize,
    min_rec: u32,
    strs: &[u8],
    what: &str,
    area: &str,
    mut rec: impl FnMut(&Reader<'_>, usize) -> Option<T>,
) -> Result<Vec<ExtSection<T>>, Diagnostic> {
    let mut out = Vec::new();
    if len == 0 {
        return Ok(out);
    }
    let end = start + len;
    let rec_size = r
        .u32(start)
        .filter(|_| start + 4 <= end)
        .ok_or_else(|| bad(what, format!("{area}: truncated record size")))?;
    if rec_size < min_rec || rec_size % 4 != 0 {
        return Err(bad(
            what,
            format!("{area}: record size {rec_size} is invalid (at least {min_rec})"),
        ));
    }
    let mut pos = start + 4;
    while pos < end {
        let hdr = |o: usize| {
            r.u32(o).filter(|_| o + 4 <= end).ok_or_else(|| {
                bad(
                    what,
                    format!("{area}: truncated section header at {:#x}", pos - start),
                )
            })
        };
        let name_off = hdr(pos)?;
        let num = hdr(pos + 4)? as usize;
        pos += 8;
        let sec_name = str_in(strs, name_off)
            .ok_or_else(|| {
                bad(
                    what,
                    format!(
                        "{area}: section name offset {name_off:#x} is outside the .BTF string table"
                    ),
                )
            })?
            .to_string();
        let bytes = num.checked_mul(rec_size as usize).filter(|&n| pos + n <= end).ok_or_else(|| {
            bad(what, format!("{area}: {num} records of {rec_size} bytes for section `{sec_name}` run past the area"))
        })?;
        let mut records = Vec::with_capacity(num);
        for i in 0..num {
            records.push(rec(r, pos + i * rec_size as usize).ok_or_else(|| {
                bad(
                    what,
                    format!("{area}: record {i} of `{sec_name}` is truncated"),
                )
            })?);
        }
        pos += bytes;
        out.push(ExtSection { sec_name, records });
    }
    Ok(out)
}

/// The header of a `.BTF.ext` section: a reader over the section and the header length.
fn header<'a>(data: &'a [u8], what: &str) -> Result<(Reader<'a>, usize), Diagnostic> {
    let big = magic_endian(data).ok_or_else(|| bad(what, "bad magic (expected 0xeb9f)"))?;
    let r = Reader { data, big };
    let hdr_len = r.u32(4).ok_or_else(|| bad(what, "truncated header"))? as usize;
    if hdr_len < 24 || hdr_len > data.len() {
        return Err(bad(what, format!("header length {hdr_len} is invalid")));
    }
    Ok((r, hdr_len))
}

/// The (start, length) of the area whose offset and length fields are at `off_at` in the
/// header, checked to lie inside the section (empty when the header is too short for it).
fn area(
    r: &Reader<'_>,
    hdr_len: usize,
    off_at: usize,
    what: &str,
    name: &str,
) -> Result<(usize, usize), Diagnostic> {
    if off_at + 8 > hdr_len {
        return Ok((hdr_len, 0));
    }
    let h = |off: usize| r.u32(off).ok_or_else(|| bad(what, "truncated header"));
    let (off, len) = (h(off_at)? as usize, h(off_at + 4)? as usize);
    let s = hdr_len
        .checked_add(off)
        .filter(|s| s.checked_add(len).is_some_and(|e| e <= r.data.len()));
    s.map(|s| (s, len)).ok_or_else(|| {
        bad(
            what,
            format!("{name} area (offset {off:#x}, length {len:#x}) lies outside the section"),
        )
    })
}

fn parse_core_area(
    r: &Reader<'_>,
    (start, len): (usize, usize),
    strs: &[u8],
    what: &str,
) -> Result<Vec<ExtSection<CoreRelo>>, Diagnostic> {
    parse_area(
        r,
        start,
        len,
        CORE_RELO_SIZE,
        strs,
        what,
        "core_relo",
        |r, p| {
            Some(CoreRelo {
                insn_off: r.u32(p)?,
                type_id: r.u32(p + 4)?,
                access_str_off: r.u32(p + 8)?,
                kind: r.u32(p + 12)?,
            })
        },
    )
}

impl BtfExt {
    /// Only the CO-RE relocation records, checked for structure (header, record size,
    /// counts, section names) but not record by record: a type id or access-string offset
    /// may be out of range, and the func_info and line_info areas are not read. For
    /// listings that show such records as errors (objdump).
    pub fn parse_core_relos(
        data: &[u8],
        btf: &Btf,
        what: &str,
    ) -> Result<Vec<ExtSection<CoreRelo>>, Diagnostic> {
        let (r, hdr_len) = header(data, what)?;
        let core = area(&r, hdr_len, 24, what, "core_relo")?;
        parse_core_area(&r, core, btf.strings(), what)
    }

    /// Parses a `.BTF.ext` section whose strings live in `btf`. `what` names it in errors.
    pub fn parse(data: &[u8], btf: &Btf, what: &str) -> Result<BtfExt, Diagnostic> {
        Self::parse_raw(data, btf.len() as u32, btf.strings(), what)
    }

    /// [`BtfExt::parse`] against a `.BTF` of `ntypes` types and string table `strs`.
    pub fn parse_raw(
        data: &[u8],
        ntypes: u32,
        strs: &[u8],
        what: &str,
    ) -> Result<BtfExt, Diagnostic> {
        let (r, hdr_len) = header(data, what)?;
        let (fs, fl) = area(&r, hdr_len, 8, what, "func_info")?;
        let (ls, ll) = area(&r, hdr_len, 16, what, "line_info")?;
        let core = area(&r, hdr_len, 24, what, "core_relo")?;
        let nstr = strs.len() as u32;
        let func_info = parse_area(
            &r,
            fs,
            fl,
            FUNC_INFO_SIZE,
            strs,
            what,
            "func_info",
            |r, p| {
                Some(FuncInfo {
                    insn_off: r.u32(p)?,
                    type_id: r.u32(p + 4)?,
                })
            },
        )?;
        let line_info = parse_area(
            &r,
            ls,
            ll,
            LINE_INFO_SIZE,
            strs,
            what,
            "line_info",
            |r, p| {
                Some(LineInfo {
                    insn_off: r.u32(p)?,
                    file_name_off: r.u32(p + 4)?,
                    line_off: r.u32(p + 8)?,
                    line_col: r.u32(p + 12)?,
                })
            },
        )?;
        let core_relo = parse_core_area(&r, core, strs, what)?;
        for s in &func_info {
            for f in &s.records {
                if f.type_id == 0 || f.type_id > ntypes {
                    return Err(bad(
                        what,
                        format!(
                            "func_info of `{}` at {:#x}: type id {} is not a BTF type",
                            s.sec_name, f.insn_off, f.type_id
                        ),
                    ));
                }
            }
        }
        for s in &line_info {
            for l in &s.records {
                if l.file_name_off >= nstr || l.line_off >= nstr {
                    return Err(bad(
                        what,
                        format!(
                            "line_info of `{}` at {:#x}: string offset outside the .BTF string table",
                            s.sec_name, l.insn_off
                        ),
                    ));
                }
            }
        }
        for s in &core_relo {
            for c in &s.records {
                if c.type_id > ntypes || c.access_str_off >= nstr {
                    return Err(bad(
                        what,
                        format!(
                            "core_relo of `{}` at {:#x}: bad type id or access string",
                            s.sec_name, c.insn_off
                        ),
                    ));
                }
            }
        }
        Ok(BtfExt {
            func_info,
            line_info,
            core_relo,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.func_info.is_empty() && self.line_info.is_empty() && self.core_relo.is_empty()
    }

    /// Encodes to `.BTF.ext` bytes; section names are added to `btf`'s string table
    /// (so encode this before encoding the `.BTF`).
    pub fn encode(&self, btf: &mut Btf, endian: Endian) -> Vec<u8> {
        let big = endian == Endian::Big;
        let mut body = Writer {
            out: Vec::new(),
            big,
        };
        let mut areas = Vec::new();
        let mut area = |body: &mut Writer, rec_size: u32, secs: Vec<(String, Vec<Vec<u32>>)>| {
            let start = body.out.len();
            if !secs.is_empty() {
                body.u32(rec_size);
                for (name, recs) in secs {
                    body.u32(btf.add_string(&name));
                    body.u32(recs.len() as u32);
                    for rec in recs {
                        rec.into_iter().for_each(|v| body.u32(v));
                    }
                }
            }
            areas.push((start as u32, (body.out.len() - start) as u32));
        };
        area(
            &mut body,
            FUNC_INFO_SIZE,
            self.func_info
                .iter()
                .map(|s| {
                    (
                        s.sec_name.clone(),
                        s.records
                            .iter()
                            .map(|f| vec![f.insn_off, f.type_id])
                            .collect(),
                    )
                })
                .collect(),
        );
        area(
            &mut body,
            LINE_INFO_SIZE,
            self.line_info
                .iter()
                .map(|s| {
                    (
                        s.sec_name.clone(),
                        s.records
                            .iter()
                            .map(|l| vec![l.insn_off, l.file_name_off, l.line_off, l.line_col])
                            .collect(),
                    )
                })
                .collect(),
        );
        {
            area(
                &mut body,
                CORE_RELO_SIZE,
                self.core_relo
                    .iter()
                    .map(|s| {
                        (
                            s.sec_name.clone(),
                            s.records
                                .iter()
                                .map(|c| vec![c.insn_off, c.type_id, c.access_str_off, c.kind])
                                .collect(),
                        )
                    })
                    .collect(),
            );
        }
        // Always the full header with the core_relo fields (possibly empty), as clang
        // and libbpf write it.
        let hdr_len: u32 = 32;
        let mut w = Writer {
            out: Vec::with_capacity(hdr_len as usize + body.out.len()),
            big,
        };
        w.u16(super::BTF_MAGIC);
        w.u8(super::BTF_VERSION);
        w.u8(0);
        w.u32(hdr_len);
        for (off, len) in areas {
            w.u32(off);
            w.u32(len);
        }
        w.out.extend_from_slice(&body.out);
        w.out
    }

    /// Rewrites every string offset in the records through `f` (after strings move).
    pub fn map_strings(&mut self, mut f: impl FnMut(u32) -> u32) {
        for s in &mut self.line_info {
            for l in &mut s.records {
                l.file_name_off = f(l.file_name_off);
                l.line_off = f(l.line_off);
            }
        }
        for s in &mut self.core_relo {
            for c in &mut s.records {
                c.access_str_off = f(c.access_str_off);
            }
        }
    }

    /// Rewrites every type id in the records through `f` (after types move).
    pub fn map_types(&mut self, mut f: impl FnMut(u32) -> u32) {
        for s in &mut self.func_info {
            for r in &mut s.records {
                r.type_id = f(r.type_id);
            }
        }
        for s in &mut self.core_relo {
            for r in &mut s.records {
                r.type_id = f(r.type_id);
            }
        }
    }

    /// A text form for tests: one line per record, grouped by area and section.
    pub fn dump(&self, btf: &Btf) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let s = |o: u32| btf.str_at(o).unwrap_or("(invalid)");
        for sec in &self.func_info {
            let _ = writeln!(
                out,
                "func_info section '{}' ({} records)",
                sec.sec_name,
                sec.records.len()
            );
            for r in &sec.records {
                let _ = writeln!(
                    out,
                    "\tinsn_off={:#x} type_id={} ({})",
                    r.insn_off,
                    r.type_id,
                    btf.name_of(r.type_id)
                );
            }
        }
        for sec in &self.line_info {
            let _ = writeln!(
                out,
                "line_info section '{}' ({} records)",
                sec.sec_name,
                sec.records.len()
            );
            for r in &sec.records {
                let _ = writeln!(
                    out,
                    "\tinsn_off={:#x} {}:{}:{} `{}`",
                    r.insn_off,
                    s(r.file_name_off),
                    r.line(),
                    r.col(),
                    s(r.line_off).trim()
                );
            }
        }
        for sec in &self.core_relo {
            let _ = writeln!(
                out,
                "core_relo section '{}' ({} records)",
                sec.sec_name,
                sec.records.len()
            );
            for r in &sec.records {
                let _ = writeln!(
                    out,
                    "\tinsn_off={:#x} type_id={} access='{}' kind={}",
                    r.insn_off,
                    r.type_id,
                    s(r.access_str_off),
                    r.kind
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_core_relos() {
        let mut btf = Btf::new();
        let int = btf.add_int("int", 4, super::super::BTF_INT_SIGNED);
        let file = btf.add_string("a.c");
        let line = btf.add_string("return 0;");
        let acc = btf.add_string("0:1");
        let ext = BtfExt {
            func_info: vec![ExtSection {
                sec_name: "xdp".into(),
                records: vec![FuncInfo {
                    insn_off: 0,
                    type_id: int,
                }],
            }],
            line_info: vec![ExtSection {
                sec_name: "xdp".into(),
                records: vec![LineInfo {
                    insn_off: 8,
                    file_name_off: file,
                    line_off: line,
                    line_col: (3 << 10) | 5,
                }],
            }],
            core_relo: vec![ExtSection {
                sec_name: ".text".into(),
                records: vec![CoreRelo {
                    insn_off: 16,
                    type_id: int,
                    access_str_off: acc,
                    kind: 0,
                }],
            }],
        };
        for endian in [Endian::Little, Endian::Big] {
            let mut b = btf.clone();
            let bytes = ext.encode(&mut b, endian);
            let back = BtfExt::parse(&bytes, &b, "t").unwrap();
            assert_eq!(back, ext);
            for len in 0..bytes.len() {
                let _ = BtfExt::parse(&bytes[..len], &b, "t");
            }
        }
        assert!(ext.dump(&btf).contains("a.c:3:5 `return 0;`"));
    }
}
