//! The text form of BTF: one line per type (plus one indented line per member, value,
//! parameter or section entry), in the layout of `bpftool btf dump file X format raw`,
//! so snapshots can be compared with bpftool's output by eye or by `diff`.
//!
//! Invariant: the output depends only on the BTF contents (deterministic); bad string
//! offsets or type ids print as `(invalid)` rather than failing.

use super::{BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, Btf, TypeData};
use std::fmt::Write;

fn int_encoding(enc: u8) -> &'static str {
    match enc {
        0 => "(none)",
        BTF_INT_SIGNED => "SIGNED",
        BTF_INT_CHAR => "CHAR",
        BTF_INT_BOOL => "BOOL",
        _ => "UNKN",
    }
}

/// Renders every type like bpftool's raw format.
pub fn dump(btf: &Btf) -> String {
    let mut out = String::new();
    for (id, _) in btf.types() {
        dump_type(btf, id, &mut out);
    }
    out
}

/// Renders one type (and its trailing lines) into `out`.
pub fn dump_type(btf: &Btf, id: u32, out: &mut String) {
    let Some(t) = btf.get(id) else {
        return;
    };
    let s = |off: u32| -> &str {
        match btf.str_at(off) {
            Some("") => "(anon)",
            Some(s) => s,
            None => "(invalid)",
        }
    };
    let _ = write!(out, "[{id}] {} '{}'", t.kind().name(), s(t.name_off));
    match &t.data {
        TypeData::Int {
            size,
            encoding,
            offset,
            bits,
        } => {
            let _ = write!(
                out,
                " size={size} bits_offset={offset} nr_bits={bits} encoding={}",
                int_encoding(*encoding)
            );
        }
        TypeData::Ptr { type_id }
        | TypeData::Typedef { type_id }
        | TypeData::Volatile { type_id }
        | TypeData::Const { type_id }
        | TypeData::Restrict { type_id }
        | TypeData::TypeTag { type_id } => {
            let _ = write!(out, " type_id={type_id}");
        }
        TypeData::Array {
            elem_type,
            index_type,
            nelems,
        } => {
            let _ = write!(
                out,
                " type_id={elem_type} index_type_id={index_type} nr_elems={nelems}"
            );
        }
        TypeData::Struct { size, members } | TypeData::Union { size, members } => {
            let _ = write!(out, " size={size} vlen={}", members.len());
            for m in members {
                let _ = write!(
                    out,
                    "\n\t'{}' type_id={} bits_offset={}",
                    s(m.name_off),
                    m.type_id,
                    m.bit_offset
                );
                if m.bitfield_size != 0 {
                    let _ = write!(out, " bitfield_size={}", m.bitfield_size);
                }
            }
        }
        TypeData::Enum { size, values } => {
            let enc = if t.kind_flag { "SIGNED" } else { "UNSIGNED" };
            let _ = write!(out, " encoding={enc} size={size} vlen={}", values.len());
            for v in values {
                if t.kind_flag {
                    let _ = write!(out, "\n\t'{}' val={}", s(v.name_off), v.val as u32 as i32);
                } else {
                    let _ = write!(out, "\n\t'{}' val={}", s(v.name_off), v.val as u32);
                }
            }
        }
        TypeData::Enum64 { size, values } => {
            let enc = if t.kind_flag { "SIGNED" } else { "UNSIGNED" };
            let _ = write!(out, " encoding={enc} size={size} vlen={}", values.len());
            for v in values {
                if t.kind_flag {
                    let _ = write!(out, "\n\t'{}' val={}LL", s(v.name_off), v.val as i64);
                } else {
                    let _ = write!(out, "\n\t'{}' val={}ULL", s(v.name_off), v.val);
                }
            }
        }
        TypeData::Fwd => {
            let _ = write!(
                out,
                " fwd_kind={}",
                if t.kind_flag { "union" } else { "struct" }
            );
        }
        TypeData::Func { type_id, linkage } => {
            let _ = write!(out, " type_id={type_id} linkage={}", linkage.name());
        }
        TypeData::FuncProto { ret_type, params } => {
            let _ = write!(out, " ret_type_id={ret_type} vlen={}", params.len());
            for p in params {
                let _ = write!(out, "\n\t'{}' type_id={}", s(p.name_off), p.type_id);
            }
        }
        TypeData::Var { type_id, linkage } => {
            let _ = write!(out, " type_id={type_id}, linkage={}", linkage.name());
        }
        TypeData::Datasec { size, vars } => {
            let _ = write!(out, " size={size} vlen={}", vars.len());
            for v in vars {
                let _ = write!(
                    out,
                    "\n\ttype_id={} offset={} size={}",
                    v.type_id, v.offset, v.size
                );
                if let Some(vt) = btf.get(v.type_id) {
                    let _ = write!(out, " ({} '{}')", vt.kind().name(), s(vt.name_off));
                }
            }
        }
        TypeData::Float { size } => {
            let _ = write!(out, " size={size}");
        }
        TypeData::DeclTag {
            type_id,
            component_idx,
        } => {
            let _ = write!(out, " type_id={type_id} component_idx={component_idx}");
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{BtfType, EnumValue, Linkage, VarSecInfo};

    #[test]
    fn matches_bpftool_layout() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let a = b.add_string("A");
        let e = b.add_string("e1");
        b.add_type(
            BtfType::new(
                e,
                TypeData::Enum {
                    size: 4,
                    values: vec![EnumValue {
                        name_off: a,
                        val: (-2i32) as u32 as u64,
                    }],
                },
            )
            .with_kind_flag(true),
        );
        let v = b.add_var("gv", int, Linkage::Global);
        let d = b.add_string(".data");
        b.add_type(BtfType::new(
            d,
            TypeData::Datasec {
                size: 0,
                vars: vec![VarSecInfo {
                    type_id: v,
                    offset: 0,
                    size: 4,
                }],
            },
        ));
        assert_eq!(
            dump(&b),
            "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n\
             [2] ENUM 'e1' encoding=SIGNED size=4 vlen=1\n\t'A' val=-2\n\
             [3] VAR 'gv' type_id=1, linkage=global\n\
             [4] DATASEC '.data' size=0 vlen=1\n\ttype_id=3 offset=0 size=4 (VAR 'gv')\n"
        );
    }
}
