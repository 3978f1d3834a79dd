//! Decoding of the `.BTF` type area (`../shared/spec/btf.rst` section 2 "BTF Type and
//! String Encoding": the 12-byte common header, then each kind's trailer), checked and
//! put into the compact [`FlatTypes`] form (which [`Btf::parse`](super::Btf::parse) decodes
//! into the model and the linker uses as it is).
//!
//! Fast path: the area is converted to words in one pass; each type's whole encoding is
//! bounds-checked once (the common part, then the kind's trailer) and its trailer is
//! left in place in that word array (so the arena has the headers as gaps); error
//! messages and their order are those of a word-by-word check (truncated header, unknown
//! kind, bad name offset, trailer past the area, bad member name, bad linkage, then bad
//! type references).

use super::flat::{FlatTypes, Slot, layout, norm_info};
use super::{Kind, Linkage, bad};
use diag::Diagnostic;

/// Decodes the types in `area` (the type area of a section named `what`) into their
/// normalized encoding; `nstr` is the string table's length, which every name offset
/// must stay below. Then checks that every reference names void or an existing type.
/// `types` is filled from scratch; passing the buffers of an earlier input's types saves
/// allocating (and faulting in) new ones.
pub(super) fn parse_flat(
    area: &[u8],
    big: bool,
    nstr: u32,
    what: &str,
    mut types: FlatTypes,
) -> Result<FlatTypes, Diagnostic> {
    // The whole area as words at once (types are whole words); each type's header and
    // trailer are then read in place, and the trailer stays where it is (one bulk
    // conversion instead of a copy per type: bench-link's 59,002 types spent a third
    // of their parse time copying trailers).
    // (Sized first, then filled by a zip over two slices, one loop per byte order: the
    // compiler makes each a vector copy; an `extend` over the chunks converted a word at
    // a time. The words of an earlier input are overwritten, not cleared first.)
    let mut words = std::mem::take(&mut types.words);
    types.clear();
    types.hdr.reserve(area.len() / 12);
    words.truncate(area.len() / 4);
    words.resize(area.len() / 4, 0);
    types.words = words;
    let pairs = types.words.iter_mut().zip(area.chunks_exact(4));
    if big {
        pairs.for_each(|(w, c)| *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    } else {
        pairs.for_each(|(w, c)| *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    let mut pos = 0usize;
    let end = area.len();
    let mut max_ref = 0u32;
    while pos < end {
        let id = types.len() + 1;
        if end - pos < 12 {
            return Err(bad(what, format!("type [{id}] is truncated")));
        }
        let w = pos / 4;
        let (name_off, info) = (types.words[w], types.words[w + 1]);
        let mut size_or_type = types.words[w + 2];
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
        // The kind's trailer: checked once, then read in place.
        let n = 4 * l.body_len(vlen);
        if pos.checked_add(n).is_none_or(|e| e > end) {
            return Err(bad(
                what,
                format!("type [{id}] ({}) runs past the type area", kind.name()),
            ));
        }
        let start = pos / 4;
        pos += n;
        let new = &types.words[start..start + n / 4];
        let mut bad_off = None;
        l.names_in(new.len(), |i| {
            if new[i] >= nstr && bad_off.is_none() {
                bad_off = Some(new[i]);
            }
        });
        if let Some(off) = bad_off {
            return Err(bad_name(off));
        }
        l.refs_in(new.len(), |i| max_ref = max_ref.max(new[i]));
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
        if l.head == Slot::Ref {
            max_ref = max_ref.max(size_or_type);
        }
        types.hdr.push([
            name_off,
            norm_info(kind, kind_flag, vlen),
            size_or_type,
            start as u32,
        ]);
    }
    // Every reference must name void or an existing type: the largest one seen says
    // whether any does not, and only then are the types searched for the first (the
    // one reported).
    let count = types.len() as u32;
    if max_ref <= count {
        return Ok(types);
    }
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
