//! Decoding of the `.BTF` type area (`../shared/spec/btf.rst` section 2 "BTF Type and
//! String Encoding": the 12-byte common header, then each kind's trailer), checked and
//! put into the compact [`FlatTypes`] form (which [`Btf::parse`](super::Btf::parse) decodes
//! into the model and the linker uses as it is).
//!
//! Fast path: each type's whole encoding is bounds-checked once (the common part, then
//! the kind's trailer), and the words inside are read from that checked slice; error
//! messages and their order are those of a word-by-word check (truncated header, unknown
//! kind, bad name offset, trailer past the area, bad member name, bad linkage, then bad
//! type references).

use super::flat::{FlatTypes, layout, norm_info};
use super::{Kind, Linkage, bad};
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

/// Decodes the types in `area` (the type area of a section named `what`) into their
/// normalized encoding; `nstr` is the string table's length, which every name offset
/// must stay below. Then checks that every reference names void or an existing type.
pub(super) fn parse_flat(
    area: &[u8],
    big: bool,
    nstr: u32,
    what: &str,
) -> Result<FlatTypes, Diagnostic> {
    // Every type takes at least 12 bytes: upper bounds that avoid regrowing.
    let mut types = FlatTypes::with_capacity(area.len() / 12, area.len() / 4);
    let mut pos = 0usize;
    let end = area.len();
    while pos < end {
        let id = types.len() + 1;
        let Some(head) = area.get(pos..pos + 12) else {
            return Err(bad(what, format!("type [{id}] is truncated")));
        };
        let name_off = word(head, 0, big);
        let info = word(head, 1, big);
        let mut size_or_type = word(head, 2, big);
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
        let l = layout(kind);
        // The kind's trailer: checked once, then copied word by word.
        let n = 4 * l.body_len(vlen);
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
        let start = types.words.len();
        types
            .words
            .extend(body.chunks_exact(4).map(|c| word(c, 0, big)));
        let new = &types.words[start..];
        let mut bad_off = None;
        l.names_in(new.len(), |i| {
            if new[i] >= nstr && bad_off.is_none() {
                bad_off = Some(new[i]);
            }
        });
        if let Some(off) = bad_off {
            return Err(bad_name(off));
        }
        // Normalize to what the model encodes.
        let vlen = match kind {
            Kind::Struct
            | Kind::Union
            | Kind::Enum
            | Kind::Enum64
            | Kind::FuncProto
            | Kind::Datasec => vlen,
            Kind::Func => {
                if Linkage::from_u32(vlen as u32).is_none() {
                    return Err(bad(
                        what,
                        format!("type [{id}] FUNC has unknown linkage {vlen}"),
                    ));
                }
                vlen
            }
            _ => 0,
        };
        match kind {
            Kind::Int => types.words[start] &= 0x0fff_00ff,
            Kind::Var => {
                let l = types.words[start];
                if Linkage::from_u32(l).is_none() {
                    return Err(bad(
                        what,
                        format!("type [{id}] VAR has unknown linkage {l}"),
                    ));
                }
            }
            Kind::Array | Kind::Fwd => size_or_type = 0,
            _ => {}
        }
        types.hdr.push([
            name_off,
            norm_info(kind, kind_flag, vlen),
            size_or_type,
            start as u32,
        ]);
    }
    // Every reference must name void or an existing type.
    let count = types.len() as u32;
    for id in 1..=count {
        let mut bad_ref = None;
        types.for_each_ref(id, |r| {
            if r > count && bad_ref.is_none() {
                bad_ref = Some(r);
            }
        });
        if let Some(r) = bad_ref {
            return Err(bad(
                what,
                format!(
                    "type [{id}] ({}) refers to type id {r}, but there are only {count} types",
                    types.kind(id).name()
                ),
            ));
        }
    }
    Ok(types)
}
