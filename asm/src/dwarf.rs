//! The DWARF sections the assembler itself writes, as llvm-mc-19 writes them for BPF:
//! `.eh_frame` (the default) or `.debug_frame` (after `.cfi_sections .debug_frame`) from
//! `.cfi_startproc`/`.cfi_endproc`, and the DWARF 5 line table (`.debug_line` +
//! `.debug_line_str`) from `.file N ...` and `.loc` directives.
//!
//! Facts this follows (DWARF 5, sections 6.2 and 6.4; LLVM's BPF parameters):
//! - line table header: version 5, address size 8, minimum_instruction_length 8,
//!   max ops 1, default_is_stmt 1, line_base -5, line_range 14, opcode_base 13;
//!   directories and file names as DW_FORM_line_strp (R_BPF_64_ABS32 against the
//!   `.debug_line_str` section symbol), directory index as udata, MD5 as data16 when
//!   every file has one; directory 0 is the root file's directory;
//! - one sequence per code section (in the order the sections got their first row):
//!   DW_LNE_set_address (R_BPF_64_ABS64 against the section symbol) for the first row,
//!   special opcodes / DW_LNS_const_add_pc / DW_LNS_advance_pc after, and an
//!   end_sequence at the end of the section;
//! - `.debug_frame`: one CIE (version 4, code alignment 8, data alignment -4, return
//!   address register 11, padded to 8 bytes), then one FDE per frame (CIE pointer as
//!   R_BPF_64_ABS32 on `.debug_frame`, pc_begin as R_BPF_64_ABS64 on the code section,
//!   pc_range), each padded to 8 bytes; the section is 8-aligned.

use crate::assemble::{Asm, Target, put_uleb};
use crate::module::{CfiDirective, FileDirective};
use linker::object::{Endian, SHF_MERGE, SHF_STRINGS, SectionKind};
use linker::reloc::RelocType;

const LINE_BASE: i64 = -5;
const LINE_RANGE: u64 = 14;
const OPCODE_BASE: u64 = 13;
const MIN_INSN_LEN: u64 = 8;

/// Byte writer in the target order that remembers the relocations it needs.
struct Buf {
    data: Vec<u8>,
    big: bool,
    relocs: Vec<(u64, Target, RelocType)>,
}

impl Buf {
    fn u8(&mut self, v: u8) {
        self.data.push(v);
    }
    fn uint(&mut self, v: u64, width: usize) {
        let b = v.to_le_bytes();
        if self.big {
            self.data.extend(b[..width].iter().rev());
        } else {
            self.data.extend_from_slice(&b[..width]);
        }
    }
    fn patch_u32(&mut self, at: usize, v: u32) {
        let b = if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        if let Some(dst) = self.data.get_mut(at..at + 4) {
            dst.copy_from_slice(&b);
        }
    }
    fn uleb(&mut self, v: u64) {
        put_uleb(v, 0, &mut self.data);
    }
    fn sleb(&mut self, mut v: i64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
            self.data.push(if done { byte } else { byte | 0x80 });
            if done {
                break;
            }
        }
    }
    fn pad_to(&mut self, base: u64, align: u64) {
        while !(base + self.data.len() as u64).is_multiple_of(align) {
            self.data.push(0);
        }
    }
    /// A `width`-byte reference to `target` + `value`.
    fn reloc(&mut self, base: u64, target: Target, value: u64, width: usize, kind: RelocType) {
        self.relocs
            .push((base + self.data.len() as u64, target, kind));
        self.uint(value, width);
    }
}

fn append(a: &mut Asm, sec: usize, buf: Buf) {
    let s = &mut a.secs[sec];
    s.data.extend_from_slice(&buf.data);
    s.size = s.data.len() as u64;
    for &(off, t, k) in &buf.relocs {
        s.relocs.push((off, t, k));
    }
    for (_, t, _) in buf.relocs {
        if let Target::Section(x) = t {
            a.secs[x].sym_used = true;
        }
    }
}

fn section(a: &mut Asm, name: &str, flags: u64, entsize: u64) -> usize {
    match a.section_named(name) {
        Some(s) => s,
        None => a.new_section(name, SectionKind::Progbits, flags, entsize),
    }
}

/// `.eh_frame` (llvm-mc's default) and/or `.debug_frame` (after `.cfi_sections
/// .debug_frame`) from the recorded frames, in that order.
pub(crate) fn emit_frames(a: &mut Asm) {
    if a.frames.is_empty() {
        return;
    }
    if a.cfi_eh_frame {
        emit_frame_section(a, true);
    }
    if a.cfi_debug_frame {
        emit_frame_section(a, false);
    }
}

/// One frame section. `.eh_frame` differs from `.debug_frame` in: CIE id 0, version 1
/// with augmentation "zR" (FDE pointers DW_EH_PE_sdata8), a 4-byte CIE padding, CIE
/// pointers as section-relative constants, and an empty augmentation in each FDE.
fn emit_frame_section(a: &mut Asm, eh: bool) {
    let (name, flags) = if eh {
        (".eh_frame", linker::object::SHF_ALLOC)
    } else {
        (".debug_frame", 0)
    };
    let sec = section(a, name, flags, 0);
    let base = a.secs[sec].data.len() as u64;
    a.secs[sec].align = a.secs[sec].align.max(8);
    let mut b = Buf {
        data: Vec::new(),
        big: a.opts.endian == Endian::Big,
        relocs: Vec::new(),
    };
    // CIE.
    let cie = base;
    b.uint(0, 4);
    if eh {
        b.uint(0, 4); // CIE id
        b.u8(1); // version
        b.data.extend_from_slice(b"zR\0");
        b.uleb(8); // code alignment factor
        b.sleb(-4); // data alignment factor
        b.u8(11); // return address register (a byte in version 1)
        b.uleb(1); // augmentation data length
        b.u8(0x0c); // FDE pointer encoding: DW_EH_PE_sdata8
        b.pad_to(base, 4);
    } else {
        b.uint(0xffff_ffff, 4);
        b.u8(4); // version
        b.u8(0); // augmentation ""
        b.u8(8); // address size
        b.u8(0); // segment selector size
        b.uleb(8); // code alignment factor
        b.sleb(-4); // data alignment factor
        b.uleb(11); // return address register
        b.pad_to(base, 8);
    }
    let len = b.data.len() as u32 - 4;
    b.patch_u32(0, len);
    let frames = std::mem::take(&mut a.frames);
    for f in &frames {
        let at = b.data.len();
        b.uint(0, 4);
        if eh {
            let here = base + b.data.len() as u64;
            b.uint(here - cie, 4);
        } else {
            b.reloc(
                base,
                Target::Section(sec),
                cie,
                4,
                RelocType::R_BPF_64_ABS32,
            );
        }
        b.reloc(
            base,
            Target::Section(f.sec),
            f.begin,
            8,
            RelocType::R_BPF_64_ABS64,
        );
        b.uint(f.end - f.begin, 8);
        if eh {
            b.uleb(0); // augmentation data length
        }
        let mut loc = f.begin;
        for (off, insn) in &f.insns {
            let delta = (off - loc) / 8;
            if delta > 0 {
                if delta < 64 {
                    b.u8(0x40 | delta as u8);
                } else if delta < 256 {
                    b.u8(0x02);
                    b.uint(delta, 1);
                } else if delta < 65536 {
                    b.u8(0x03);
                    b.uint(delta, 2);
                } else {
                    b.u8(0x04);
                    b.uint(delta, 4);
                }
                loc = *off;
            }
            match insn {
                CfiDirective::DefCfa { reg, offset } => {
                    b.u8(0x0c);
                    b.uleb(*reg);
                    b.uleb(*offset as u64);
                }
                CfiDirective::DefCfaOffset(o) => {
                    b.u8(0x0e);
                    b.uleb(*o as u64);
                }
                CfiDirective::Offset { reg, offset } => {
                    b.u8(0x80 | (*reg as u8 & 0x3f));
                    b.uleb((*offset / -4) as u64);
                }
                CfiDirective::Sections(_) | CfiDirective::StartProc | CfiDirective::EndProc => {}
            }
        }
        b.pad_to(base, 8);
        let len = (b.data.len() - at - 4) as u32;
        b.patch_u32(at, len);
    }
    a.frames = frames;
    append(a, sec, b);
}

/// Strings of `.debug_line_str`, in insertion order, shared when equal.
struct LineStr {
    bytes: Vec<u8>,
    seen: Vec<(String, u64)>,
}

impl LineStr {
    fn add(&mut self, s: &str) -> u64 {
        if let Some((_, off)) = self.seen.iter().find(|(x, _)| x == s) {
            return *off;
        }
        let off = self.bytes.len() as u64;
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(0);
        self.seen.push((s.to_string(), off));
        off
    }
}

/// Splits `dir/name` when no directory was given, as llvm-mc does.
fn split_path(dir: Option<&str>, name: &str) -> (String, String) {
    match dir {
        Some(d) if !d.is_empty() => (d.to_string(), name.to_string()),
        _ => match name.rfind('/') {
            Some(k) if k > 0 => (name[..k].to_string(), name[k + 1..].to_string()),
            _ => (String::new(), name.to_string()),
        },
    }
}

/// The special-opcode encoding of one line/address advance (DWARF 5, 6.2.5.1).
fn advance(b: &mut Buf, line_delta: Option<i64>, addr_delta: u64) {
    let addr_delta = addr_delta / MIN_INSN_LEN;
    let max_special = (255 - OPCODE_BASE) / LINE_RANGE;
    let Some(mut line_delta) = line_delta else {
        // End of sequence.
        if addr_delta == max_special {
            b.u8(0x08); // DW_LNS_const_add_pc
        } else if addr_delta != 0 {
            b.u8(0x02);
            b.uleb(addr_delta);
        }
        b.u8(0);
        b.u8(1);
        b.u8(1); // DW_LNE_end_sequence
        return;
    };
    let mut temp = line_delta.wrapping_sub(LINE_BASE) as u64;
    let mut need_copy = false;
    if temp >= LINE_RANGE || temp + OPCODE_BASE > 255 {
        b.u8(0x03); // DW_LNS_advance_line
        b.sleb(line_delta);
        line_delta = 0;
        temp = (0 - LINE_BASE) as u64;
        need_copy = true;
    }
    if line_delta == 0 && addr_delta == 0 {
        b.u8(0x01); // DW_LNS_copy
        return;
    }
    temp += OPCODE_BASE;
    if addr_delta < 256 + max_special {
        let op = temp + addr_delta * LINE_RANGE;
        if op <= 255 {
            b.u8(op as u8);
            return;
        }
        let op = temp + (addr_delta.wrapping_sub(max_special)) * LINE_RANGE;
        if op <= 255 {
            b.u8(0x08);
            b.u8(op as u8);
            return;
        }
    }
    b.u8(0x02); // DW_LNS_advance_pc
    b.uleb(addr_delta);
    if need_copy {
        b.u8(0x01);
    } else {
        b.u8(temp as u8);
    }
}

/// `.debug_line` and `.debug_line_str` from `.file`/`.loc`.
pub(crate) fn emit_line_table(a: &mut Asm) {
    if a.line_files.is_empty() && a.lines.is_empty() {
        return;
    }
    // Files by number; the root (0) gives the compilation directory.
    let mut root: Option<(String, String, Option<u128>)> = None;
    let mut files: Vec<(u64, String, String, Option<u128>)> = Vec::new();
    for f in &a.line_files {
        if let FileDirective::Entry {
            number,
            dir,
            name,
            md5,
        } = f
        {
            if *number == 0 {
                root = Some((dir.clone().unwrap_or_default(), name.clone(), *md5));
            } else if !files.iter().any(|(n, ..)| n == number) {
                let (d, n) = split_path(dir.as_deref(), name);
                files.push((*number, d, n, *md5));
            }
        }
    }
    files.sort_by_key(|(n, ..)| *n);
    let comp_dir = root.as_ref().map(|r| r.0.clone()).unwrap_or_default();
    // Directory table: dir 0 = compilation dir, then each new one in `.file` order.
    let mut dirs: Vec<String> = Vec::new();
    let mut dir_of: Vec<u64> = Vec::new();
    for f in &a.line_files {
        if let FileDirective::Entry {
            number, dir, name, ..
        } = f
        {
            if *number == 0 {
                continue;
            }
            let (d, _) = split_path(dir.as_deref(), name);
            if d.is_empty() || d == comp_dir || dirs.contains(&d) {
                continue;
            }
            dirs.push(d);
        }
    }
    for (_, d, _, _) in &files {
        let idx = if d.is_empty() || *d == comp_dir {
            0
        } else {
            dirs.iter()
                .position(|x| x == d)
                .map(|k| k as u64 + 1)
                .unwrap_or(0)
        };
        dir_of.push(idx);
    }
    let all_md5 =
        root.as_ref().is_none_or(|r| r.2.is_some()) && files.iter().all(|f| f.3.is_some());

    let dl = section(a, ".debug_line", 0, 0);
    let ls = section(a, ".debug_line_str", SHF_MERGE | SHF_STRINGS, 1);
    let mut strs = LineStr {
        bytes: a.secs[ls].data.clone(),
        seen: Vec::new(),
    };
    let ls_base = a.secs[ls].data.len();
    let base = a.secs[dl].data.len() as u64;
    let mut b = Buf {
        data: Vec::new(),
        big: a.opts.endian == Endian::Big,
        relocs: Vec::new(),
    };
    b.uint(0, 4); // unit_length
    b.uint(5, 2); // version
    b.u8(8);
    b.u8(0);
    b.uint(0, 4); // header_length
    let header_start = b.data.len();
    b.u8(MIN_INSN_LEN as u8);
    b.u8(1);
    b.u8(1);
    b.u8(LINE_BASE as u8);
    b.u8(LINE_RANGE as u8);
    b.u8(OPCODE_BASE as u8);
    for n in [0u8, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1] {
        b.u8(n);
    }
    // Directories.
    b.u8(1);
    b.uleb(1); // DW_LNCT_path
    b.uleb(0x1f); // DW_FORM_line_strp
    b.uleb(dirs.len() as u64 + 1);
    let off = strs.add(&comp_dir);
    b.reloc(base, Target::Section(ls), off, 4, RelocType::R_BPF_64_ABS32);
    for d in &dirs {
        let off = strs.add(d);
        b.reloc(base, Target::Section(ls), off, 4, RelocType::R_BPF_64_ABS32);
    }
    // Files.
    b.u8(if all_md5 { 3 } else { 2 });
    b.uleb(1);
    b.uleb(0x1f);
    b.uleb(2); // DW_LNCT_directory_index
    b.uleb(0x0f); // DW_FORM_udata
    if all_md5 {
        b.uleb(5); // DW_LNCT_MD5
        b.uleb(0x1e); // DW_FORM_data16
    }
    let mut entries: Vec<(String, u64, Option<u128>)> = Vec::new();
    match &root {
        Some((_, name, md5)) => entries.push((name.clone(), 0, *md5)),
        None => {
            if let Some((_, _, n, m)) = files.first() {
                entries.push((n.clone(), dir_of.first().copied().unwrap_or(0), *m));
            }
        }
    }
    for (k, (_, _, n, m)) in files.iter().enumerate() {
        entries.push((n.clone(), dir_of[k], *m));
    }
    b.uleb(entries.len() as u64);
    for (name, dir, md5) in &entries {
        let off = strs.add(name);
        b.reloc(base, Target::Section(ls), off, 4, RelocType::R_BPF_64_ABS32);
        b.uleb(*dir);
        if all_md5 {
            b.data.extend_from_slice(&md5.unwrap_or(0).to_be_bytes());
        }
    }
    let header_len = (b.data.len() - header_start) as u32;
    b.patch_u32(8, header_len);

    // One sequence per section.
    let lines = std::mem::take(&mut a.lines);
    for (sec, rows) in &lines {
        let mut file = 1u64;
        let mut line = 1i64;
        let mut column = 0u64;
        let mut is_stmt = true;
        let mut isa = 0u64;
        let mut last: Option<u64> = None;
        for r in rows {
            let l = r.loc;
            let delta = (l.line as i64).wrapping_sub(line);
            if file != l.file {
                file = l.file;
                b.u8(0x04);
                b.uleb(file);
            }
            if column != l.column {
                column = l.column;
                b.u8(0x05);
                b.uleb(column);
            }
            // The discriminator resets after every row, so any non-zero one is written.
            let d = l.discriminator.unwrap_or(0);
            if d != 0 {
                let mut tmp = Vec::new();
                put_uleb(d, 0, &mut tmp);
                b.u8(0);
                b.uleb(tmp.len() as u64 + 1);
                b.u8(0x04);
                b.data.extend_from_slice(&tmp);
            }
            let i = l.isa.unwrap_or(0);
            if isa != i {
                isa = i;
                b.u8(0x0c);
                b.uleb(i);
            }
            if r.is_stmt != is_stmt {
                is_stmt = r.is_stmt;
                b.u8(0x06);
            }
            if l.basic_block {
                b.u8(0x07);
            }
            if l.prologue_end {
                b.u8(0x0a);
            }
            if l.epilogue_begin {
                b.u8(0x0b);
            }
            match last {
                None => {
                    b.u8(0);
                    b.uleb(9);
                    b.u8(0x02); // DW_LNE_set_address
                    b.reloc(
                        base,
                        Target::Section(*sec),
                        r.off,
                        8,
                        RelocType::R_BPF_64_ABS64,
                    );
                    advance(&mut b, Some(delta), 0);
                }
                Some(prev) => advance(&mut b, Some(delta), r.off - prev),
            }
            line = l.line as i64;
            last = Some(r.off);
        }
        let end = a.secs[*sec].size;
        advance(&mut b, None, end - last.unwrap_or(0));
    }
    a.lines = lines;
    let unit_len = (b.data.len() - 4) as u32;
    b.patch_u32(0, unit_len);
    let _ = ls_base;
    a.secs[ls].data = strs.bytes;
    a.secs[ls].size = a.secs[ls].data.len() as u64;
    append(a, dl, b);
}
