//! The CO-RE lines of `objdump -d -r`: each `bpf_core_relo` record of `.BTF.ext`
//! (`../shared/spec/btf.rst` 4.2 ".BTF.ext section"; kinds from
//! `../shared/spec/llvm_reloc.rst` "CO-RE Relocations") printed under the instruction it
//! patches, in llvm-objdump-19's words:
//!
//! ```text
//! \t\t<insn byte offset, 16 hex digits>:  CO-RE <kind> [type id] <description>
//! ```
//!
//! The description is `<type>::<field path> (<access string>)` for the field kinds (0-5),
//! `<type>` for the type kinds (6-9, 12) and `<type>::<enumerator> = <value>` for the enum
//! kinds (10, 11); a record that cannot be described prints `'<access string>' <why>`.
//! A type reads `struct s`, `union u`, `enum e`, `fwd struct f`, `typedef t`, `void`, or
//! just its name for the other kinds, `<anon ID>` when unnamed, behind its
//! `const`/`volatile`/`restrict`/`type_tag("x")` prefixes.
//!
//! Invariants (each mirrors llvm-objdump-19): the records for a section name apply to the
//! last ELF section with that name; of several records at one offset the first in file
//! order wins; the checks run in the order access string, type id, type description,
//! kind; an access string is decimal numbers joined by `:` (one trailing `:` allowed),
//! each read as a u64 and kept modulo 2^32; a string offset outside the string table
//! reads as ""; a description follows at most 32 modifiers. Where llvm-objdump never
//! returns (a typedef cycle on a field path) we stop after as many steps as there are
//! types. A `.BTF` or `.BTF.ext` that the linker's readers reject gives no CO-RE lines
//! and one warning (llvm-objdump prints an error and lists none, or the records it read
//! before the damage). Never panics.

use diag::Diagnostic;
use linker::btf::ext::{BtfExt, CoreRelo};
use linker::btf::{Btf, TypeData};
use linker::object::{Object, SectionId};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// llvm-objdump's names for the kinds, by number (btf.rst, `bpf_core_relo_kind`).
pub const KIND_NAMES: [&str; 13] = [
    "byte_off",
    "byte_sz",
    "field_exists",
    "signed",
    "lshift_u64",
    "rshift_u64",
    "local_type_id",
    "target_type_id",
    "type_exists",
    "type_size",
    "enumval_exists",
    "enumval_value",
    "type_matches",
];

/// The most const/volatile/restrict/type_tag modifiers a description follows.
const MAX_MODIFIERS: usize = 32;

/// The CO-RE line (with its tabs and newline) of each instruction, by (section, byte offset).
#[derive(Debug, Default)]
pub(super) struct CoreLines {
    lines: BTreeMap<(SectionId, u64), String>,
}

impl CoreLines {
    /// Reads `obj`'s `.BTF` and `.BTF.ext`; the second value is a warning when either
    /// is malformed (then there are no lines).
    pub(super) fn read(obj: &Object, file_name: &str) -> (CoreLines, Option<String>) {
        match CoreLines::parse(obj, file_name) {
            Ok(lines) => (lines, None),
            Err(d) => (
                CoreLines::default(),
                Some(format!("{}; CO-RE relocations not shown", d.message)),
            ),
        }
    }

    fn parse(obj: &Object, file_name: &str) -> Result<CoreLines, Diagnostic> {
        let mut out = CoreLines::default();
        let (Some(btf_id), Some(ext_id)) =
            (obj.section_by_name(".BTF"), obj.section_by_name(".BTF.ext"))
        else {
            return Ok(out);
        };
        let btf = Btf::parse(&obj.sections[btf_id].data, &format!("{file_name}: .BTF"))?;
        let ext = &obj.sections[ext_id].data;
        let groups = BtfExt::parse_core_relos(ext, &btf, &format!("{file_name}: .BTF.ext"))?;
        for group in &groups {
            let last_named = obj
                .sections
                .iter()
                .rev()
                .find(|(_, s)| s.name == group.sec_name);
            let Some((sec, _)) = last_named else {
                continue;
            };
            for rec in &group.records {
                let off = u64::from(rec.insn_off);
                out.lines
                    .entry((sec, off))
                    .or_insert_with(|| format!("\t\t{off:016x}:  CO-RE {}\n", describe(&btf, rec)));
            }
        }
        Ok(out)
    }

    /// The line for the instruction starting at `byte_off` of `sec`, if any.
    pub(super) fn at(&self, sec: SectionId, byte_off: u64) -> Option<&str> {
        self.lines.get(&(sec, byte_off)).map(String::as_str)
    }
}

/// The string at `off` of the string table, up to its NUL ("" when out of range).
fn string_at(btf: &Btf, off: u32) -> String {
    let rest = btf.strings().get(off as usize..).unwrap_or(&[]);
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// A name, or `<anon N>` when it is empty.
fn or_anon(name: String, n: u32) -> String {
    if name.is_empty() {
        format!("<anon {n}>")
    } else {
        name
    }
}

/// `<kind> [id] description` (everything after `CO-RE `).
pub(super) fn describe(btf: &Btf, rec: &CoreRelo) -> String {
    let kind = match KIND_NAMES.get(rec.kind as usize) {
        Some(k) => (*k).to_string(),
        None => format!("reloc kind #{}", rec.kind),
    };
    let spec = string_at(btf, rec.access_str_off);
    let text = describe_spec(btf, rec, &spec).unwrap_or_else(|why| format!("'{spec}' <{why}>"));
    format!("<{kind}> [{}] {text}", rec.type_id)
}

fn describe_spec(btf: &Btf, rec: &CoreRelo, spec: &str) -> Result<String, String> {
    let indices = parse_spec(spec)?;
    let id = rec.type_id;
    if id as usize > btf.len() {
        return Err(format!("unknown type id: {id}"));
    }
    let ty = type_name(btf, id)?;
    match rec.kind {
        0..=5 => {
            if indices.is_empty() {
                return Err("field spec too short".into());
            }
            Ok(format!("{ty}::{} ({spec})", field_path(btf, id, &indices)?))
        }
        6..=9 | 12 => {
            if indices != [0] {
                return Err("unexpected type-based relocation spec: should be '0'".into());
            }
            Ok(ty)
        }
        10 | 11 => {
            let &[idx] = indices.as_slice() else {
                return Err("unexpected enumval relocation spec size".into());
            };
            Ok(format!("{ty}::{}", enumerator(btf, id, idx)?))
        }
        k => Err(format!("unknown relocation kind: {}", k as i32)),
    }
}

/// The numbers of an access string such as `0:1:2` (one trailing `:` is allowed).
fn parse_spec(spec: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    let mut rest = spec;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| "spec string is not a number".to_string())?;
        out.push(n as u32);
        rest = &rest[digits..];
        match rest.chars().next() {
            None => break,
            Some(':') => rest = &rest[1..],
            Some(c) => return Err(format!("unexpected spec string delimiter: '{c}'")),
        }
    }
    Ok(out)
}

/// `const volatile struct s`, `typedef t`, `int`, `<anon 7>`, ...
fn type_name(btf: &Btf, mut id: u32) -> Result<String, String> {
    let mut out = String::new();
    for _ in 0..=MAX_MODIFIERS {
        let Some(t) = btf.get(id) else {
            if id == 0 {
                out.push_str("void");
                return Ok(out);
            }
            return Err(format!("unknown type id: {id} in modifiers chain"));
        };
        let name = string_at(btf, t.name_off);
        let (modifier, next) = match &t.data {
            TypeData::Const { type_id } => ("const ".to_string(), *type_id),
            TypeData::Volatile { type_id } => ("volatile ".to_string(), *type_id),
            TypeData::Restrict { type_id } => ("restrict ".to_string(), *type_id),
            TypeData::TypeTag { type_id } => (format!("type_tag(\"{name}\") "), *type_id),
            data => {
                out.push_str(match data {
                    TypeData::Struct { .. } => "struct ",
                    TypeData::Union { .. } => "union ",
                    TypeData::Enum { .. } | TypeData::Enum64 { .. } => "enum ",
                    TypeData::Fwd if t.kind_flag => "fwd union ",
                    TypeData::Fwd => "fwd struct ",
                    TypeData::Typedef { .. } => "typedef ",
                    _ => "",
                });
                out.push_str(&or_anon(name, id));
                return Ok(out);
            }
        };
        out.push_str(&modifier);
        id = next;
    }
    Err("modifiers chain is too long".into())
}

/// Follows typedefs and modifiers; a cycle is an error after as many steps as types.
fn skip_mods_and_typedefs(btf: &Btf, mut id: u32) -> Result<u32, String> {
    for _ in 0..=btf.len() {
        match btf.get(id).and_then(|t| t.data.modified()) {
            Some(next) => id = next,
            None => return Ok(id),
        }
    }
    Err("modifiers chain is too long".into())
}

/// `[1].a.b[2]` for the access string `1:0:1:2`: the first number indexes the root
/// pointer (shown when not 0), the rest pick members and array elements.
fn field_path(btf: &Btf, root: u32, indices: &[u32]) -> Result<String, String> {
    let mut path = String::new();
    if let Some(&first) = indices.first()
        && first != 0
    {
        let _ = write!(path, "[{first}]");
    }
    let mut id = root;
    for (i, &idx) in indices.iter().enumerate().skip(1) {
        id = skip_mods_and_typedefs(btf, id)?;
        let t = btf.get(id);
        match t.map(|t| &t.data) {
            Some(TypeData::Struct { members, .. } | TypeData::Union { members, .. }) => {
                let m = members.get(idx as usize).ok_or_else(|| {
                    format!("member index {idx} for spec sub-string {i} is out of range")
                })?;
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&or_anon(string_at(btf, m.name_off), idx));
                id = m.type_id;
            }
            Some(TypeData::Array { elem_type, .. }) => {
                let _ = write!(path, "[{idx}]");
                id = *elem_type;
            }
            _ if t.is_none() && id != 0 => return Err(format!("unknown type id: {id}")),
            _ => {
                let kind = t.map_or(0, |t| t.kind() as u32);
                return Err(format!(
                    "unexpected type kind {kind} for spec sub-string {i}"
                ));
            }
        }
    }
    Ok(path)
}

/// `NAME = VALUE` of enumerator `idx` of the enum behind `id`. A 32-bit value is
/// sign-extended, then printed signed or unsigned by the enum's kind_flag (as
/// llvm-objdump does, so an unsigned 0xffffffff prints as 2^64 - 1).
fn enumerator(btf: &Btf, id: u32, idx: u32) -> Result<String, String> {
    let id = skip_mods_and_typedefs(btf, id)?;
    let t = btf.get(id);
    let (values, wide) = match t.map(|t| &t.data) {
        Some(TypeData::Enum { values, .. }) => (values, false),
        Some(TypeData::Enum64 { values, .. }) => (values, true),
        _ => {
            let kind = t.map_or(0, |t| t.kind() as u32);
            return Err(format!("unexpected type kind for enum relocation: {kind}"));
        }
    };
    let v = values
        .get(idx as usize)
        .ok_or_else(|| format!("bad value index: {idx}"))?;
    let val = if wide {
        v.val
    } else {
        v.val as u32 as i32 as i64 as u64
    };
    let signed = t.is_some_and(|t| t.kind_flag);
    let name = or_anon(string_at(btf, v.name_off), idx);
    Ok(if signed {
        format!("{name} = {}", val as i64)
    } else {
        format!("{name} = {val}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use linker::btf::{BtfType, EnumValue, Member};

    fn rec(btf: &mut Btf, type_id: u32, spec: &str, kind: u32) -> CoreRelo {
        CoreRelo {
            insn_off: 0,
            type_id,
            access_str_off: btf.add_string(spec),
            kind,
        }
    }

    #[test]
    fn describes_fields_types_and_enums() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, 1);
        let arr = b.add_type(BtfType::new(
            0,
            TypeData::Array {
                elem_type: int,
                index_type: int,
                nelems: 4,
            },
        ));
        let (a, c) = (b.add_string("a"), b.add_string("c"));
        let s_name = b.add_string("s");
        let s = b.add_type(BtfType::new(
            s_name,
            TypeData::Struct {
                size: 24,
                members: vec![
                    Member {
                        name_off: a,
                        type_id: int,
                        bit_offset: 0,
                        bitfield_size: 0,
                    },
                    Member {
                        name_off: 0,
                        type_id: arr,
                        bit_offset: 32,
                        bitfield_size: 0,
                    },
                ],
            },
        ));
        let k = b.add_type(BtfType::new(0, TypeData::Const { type_id: s }));
        let e_name = b.add_string("e");
        let e = b.add_type(
            BtfType::new(
                e_name,
                TypeData::Enum {
                    size: 4,
                    values: vec![EnumValue {
                        name_off: c,
                        val: 0xffff_fffe,
                    }],
                },
            )
            .with_kind_flag(false),
        );
        let cases = [
            (
                k,
                "0:1:3",
                0,
                "<byte_off> [4] const struct s::<anon 1>[3] (0:1:3)",
            ),
            (s, "2:0", 2, "<field_exists> [3] struct s::[2].a (2:0)"),
            (s, "0", 8, "<type_exists> [3] struct s"),
            (
                e,
                "0",
                11,
                "<enumval_value> [5] enum e::c = 18446744073709551614",
            ),
            (
                s,
                "0:2",
                0,
                "<byte_off> [3] '0:2' <member index 2 for spec sub-string 1 is out of range>",
            ),
            (
                s,
                "0:0:1",
                1,
                "<byte_sz> [3] '0:0:1' <unexpected type kind 1 for spec sub-string 2>",
            ),
            (
                s,
                "0:x",
                0,
                "<byte_off> [3] '0:x' <spec string is not a number>",
            ),
            (
                s,
                "0;1",
                0,
                "<byte_off> [3] '0;1' <unexpected spec string delimiter: ';'>",
            ),
            (s, "", 0, "<byte_off> [3] '' <field spec too short>"),
            (
                s,
                "0:1",
                6,
                "<local_type_id> [3] '0:1' <unexpected type-based relocation spec: should be '0'>",
            ),
            (
                s,
                "0",
                10,
                "<enumval_exists> [3] '0' <unexpected type kind for enum relocation: 4>",
            ),
            (e, "1", 10, "<enumval_exists> [5] '1' <bad value index: 1>"),
            (99, "0", 8, "<type_exists> [99] '0' <unknown type id: 99>"),
            (
                s,
                "0",
                13,
                "<reloc kind #13> [3] '0' <unknown relocation kind: 13>",
            ),
            (0, "0", 9, "<type_size> [0] void"),
        ];
        for (id, spec, kind, want) in cases {
            let r = rec(&mut b, id, spec, kind);
            assert_eq!(describe(&b, &r), want);
        }
        let r = CoreRelo {
            insn_off: 0,
            type_id: s,
            access_str_off: 10_000,
            kind: 0,
        };
        assert_eq!(describe(&b, &r), "<byte_off> [3] '' <field spec too short>");
    }

    #[test]
    fn modifier_chains_and_cycles_end() {
        let mut b = Btf::new();
        let mut id = b.add_int("int", 4, 1);
        for _ in 0..32 {
            id = b.add_type(BtfType::new(0, TypeData::Const { type_id: id }));
        }
        assert!(type_name(&b, id).unwrap().ends_with("const int"));
        let over = b.add_type(BtfType::new(0, TypeData::Volatile { type_id: id }));
        assert_eq!(
            type_name(&b, over).unwrap_err(),
            "modifiers chain is too long"
        );
        // A typedef cycle (llvm-objdump never returns here).
        let t1 = b.add_string("t1");
        let next = b.len() as u32 + 1;
        b.add_type(BtfType::new(t1, TypeData::Typedef { type_id: next + 1 }));
        b.add_type(BtfType::new(t1, TypeData::Typedef { type_id: next }));
        let r = rec(&mut b, next, "0:0", 0);
        assert_eq!(
            describe(&b, &r),
            format!("<byte_off> [{next}] '0:0' <modifiers chain is too long>")
        );
    }
}
