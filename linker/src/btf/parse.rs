//! Decoding of the `.BTF` type area (`../shared/spec/btf.rst` section 2 "BTF Type and
//! String Encoding": the 12-byte common header, then each kind's trailer), for
//! [`Btf::parse`](super::Btf::parse).
//!
//! Fast path: each type's whole encoding is bounds-checked once (the common part, then
//! the kind's trailer), and the words inside are read from that checked slice; error
//! messages and their order are those of a word-by-word check (truncated header, unknown
//! kind, bad name offset, trailer past the area, bad member name, bad linkage).

use super::{BtfType, EnumValue, Kind, Linkage, Member, Param, TypeData, VarSecInfo, bad};
use diag::Diagnostic;

/// Word `i` (in 4-byte units) of `b`, which the caller has checked is long enough.
#[inline(always)]
fn word(b: &[u8], i: usize, big: bool) -> u32 {
    let w = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
    if big {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    }
}

/// Decodes the types in `area` (the type area of a section named `what`); `nstr` is
/// the string table's length, which every name offset must stay below.
pub(super) fn parse_types(
    area: &[u8],
    big: bool,
    nstr: u32,
    what: &str,
) -> Result<Vec<BtfType>, Diagnostic> {
    // Every type takes at least 12 bytes: an upper bound that avoids regrowing.
    let mut types = Vec::with_capacity(area.len() / 12);
    let mut pos = 0usize;
    let end = area.len();
    while pos < end {
        let id = types.len() + 1;
        let Some(head) = area.get(pos..pos + 12) else {
            return Err(bad(what, format!("type [{id}] is truncated")));
        };
        let name_off = word(head, 0, big);
        let info = word(head, 1, big);
        let size_or_type = word(head, 2, big);
        pos += 12;
        let vlen = (info & 0xffff) as usize;
        let kind_flag = info >> 31 != 0;
        let Some(kind) = Kind::from_u32((info >> 24) & 0x1f) else {
            return Err(bad(
                what,
                format!("type [{id}] has unknown kind {}", (info >> 24) & 0x1f),
            ));
        };
        let bad_name = |off: u32| {
            bad(
                what,
                format!(
                    "type [{id}] ({}) has name offset {off:#x} beyond the string table ({nstr:#x} bytes)",
                    kind.name()
                ),
            )
        };
        if name_off >= nstr {
            return Err(bad_name(name_off));
        }
        // The kind's trailer: `n` bytes after the common part.
        let mut next = |n: usize| -> Result<&[u8], Diagnostic> {
            let body = pos
                .checked_add(n)
                .filter(|&e| e <= end)
                .map(|e| &area[pos..e])
                .ok_or_else(|| {
                    bad(
                        what,
                        format!("type [{id}] ({}) runs past the type area", kind.name()),
                    )
                })?;
            pos += n;
            Ok(body)
        };
        let name = |off: u32| {
            if off >= nstr {
                Err(bad_name(off))
            } else {
                Ok(off)
            }
        };
        let data = match kind {
            Kind::Int => {
                let v = word(next(4)?, 0, big);
                TypeData::Int {
                    size: size_or_type,
                    encoding: ((v >> 24) & 0xf) as u8,
                    offset: ((v >> 16) & 0xff) as u8,
                    bits: (v & 0xff) as u8,
                }
            }
            Kind::Ptr => TypeData::Ptr {
                type_id: size_or_type,
            },
            Kind::Array => {
                let b = next(12)?;
                TypeData::Array {
                    elem_type: word(b, 0, big),
                    index_type: word(b, 1, big),
                    nelems: word(b, 2, big),
                }
            }
            Kind::Struct | Kind::Union => {
                let b = next(12 * vlen)?;
                let mut members = Vec::with_capacity(vlen);
                for m in b.chunks_exact(12) {
                    let off = word(m, 2, big);
                    let (bit_offset, bitfield_size) = if kind_flag {
                        (off & 0xff_ffff, (off >> 24) as u8)
                    } else {
                        (off, 0)
                    };
                    members.push(Member {
                        name_off: name(word(m, 0, big))?,
                        type_id: word(m, 1, big),
                        bit_offset,
                        bitfield_size,
                    });
                }
                if kind == Kind::Struct {
                    TypeData::Struct {
                        size: size_or_type,
                        members,
                    }
                } else {
                    TypeData::Union {
                        size: size_or_type,
                        members,
                    }
                }
            }
            Kind::Enum => {
                let b = next(8 * vlen)?;
                let mut values = Vec::with_capacity(vlen);
                for v in b.chunks_exact(8) {
                    values.push(EnumValue {
                        name_off: name(word(v, 0, big))?,
                        val: u64::from(word(v, 1, big)),
                    });
                }
                TypeData::Enum {
                    size: size_or_type,
                    values,
                }
            }
            Kind::Enum64 => {
                let b = next(12 * vlen)?;
                let mut values = Vec::with_capacity(vlen);
                for v in b.chunks_exact(12) {
                    values.push(EnumValue {
                        name_off: name(word(v, 0, big))?,
                        val: u64::from(word(v, 1, big)) | (u64::from(word(v, 2, big)) << 32),
                    });
                }
                TypeData::Enum64 {
                    size: size_or_type,
                    values,
                }
            }
            Kind::Fwd => TypeData::Fwd,
            Kind::Typedef => TypeData::Typedef {
                type_id: size_or_type,
            },
            Kind::Volatile => TypeData::Volatile {
                type_id: size_or_type,
            },
            Kind::Const => TypeData::Const {
                type_id: size_or_type,
            },
            Kind::Restrict => TypeData::Restrict {
                type_id: size_or_type,
            },
            Kind::TypeTag => TypeData::TypeTag {
                type_id: size_or_type,
            },
            Kind::Func => TypeData::Func {
                type_id: size_or_type,
                linkage: Linkage::from_u32(vlen as u32).ok_or_else(|| {
                    bad(what, format!("type [{id}] FUNC has unknown linkage {vlen}"))
                })?,
            },
            Kind::FuncProto => {
                let b = next(8 * vlen)?;
                let mut params = Vec::with_capacity(vlen);
                for p in b.chunks_exact(8) {
                    params.push(Param {
                        name_off: name(word(p, 0, big))?,
                        type_id: word(p, 1, big),
                    });
                }
                TypeData::FuncProto {
                    ret_type: size_or_type,
                    params,
                }
            }
            Kind::Var => {
                let l = word(next(4)?, 0, big);
                TypeData::Var {
                    type_id: size_or_type,
                    linkage: Linkage::from_u32(l).ok_or_else(|| {
                        bad(what, format!("type [{id}] VAR has unknown linkage {l}"))
                    })?,
                }
            }
            Kind::Datasec => {
                let b = next(12 * vlen)?;
                let vars = b
                    .chunks_exact(12)
                    .map(|v| VarSecInfo {
                        type_id: word(v, 0, big),
                        offset: word(v, 1, big),
                        size: word(v, 2, big),
                    })
                    .collect();
                TypeData::Datasec {
                    size: size_or_type,
                    vars,
                }
            }
            Kind::Float => TypeData::Float { size: size_or_type },
            Kind::DeclTag => TypeData::DeclTag {
                type_id: size_or_type,
                component_idx: word(next(4)?, 0, big) as i32,
            },
        };
        types.push(BtfType {
            name_off,
            kind_flag,
            data,
        });
    }
    Ok(types)
}
