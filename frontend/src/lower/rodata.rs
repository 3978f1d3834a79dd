//! The read-only section of a constant whose address nobody can observe (LLVM's
//! `unnamed_addr`: string literals, copies of local initializers, static constants
//! whose address never escapes), as LLVM's `TargetLoweringObjectFile::getKindForGlobal`
//! picks it for clang's BPF objects:
//! - with relocations (pointers): `.rodata`;
//! - an array of 1-, 2- or 4-byte integers whose last element is the only zero one (a
//!   C string of that width): `.rodata.str1.1`, `.rodata.str2.2`, `.rodata.str4.4`;
//! - 4, 8, 16 or 32 bytes: `.rodata.cst4` ... `.rodata.cst32`;
//! - anything else: `.rodata`.
//!
//! Invariant: `bytes` are the object's little-endian initial contents, exactly its size.

use crate::sema::tast::Program;
use crate::types::QualType;
use ir::module::DataReloc;

/// The section of a mergeable constant of type `ty` holding `bytes`.
pub fn mergeable_section(
    prog: &Program,
    ty: QualType,
    bytes: &[u8],
    relocs: &[DataReloc],
) -> String {
    if !relocs.is_empty() {
        return ".rodata".to_string();
    }
    if let Some(w) = string_width(prog, ty, bytes) {
        return format!(".rodata.str{w}.{w}");
    }
    match bytes.len() {
        n @ (4 | 8 | 16 | 32) => format!(".rodata.cst{n}"),
        _ => ".rodata".to_string(),
    }
}

/// The element width when `ty` is an array of 1-, 2- or 4-byte integers holding a
/// NUL-terminated string (LLVM's `IsNullTerminatedString` on a constant data array).
fn string_width(prog: &Program, ty: QualType, bytes: &[u8]) -> Option<usize> {
    let tt = &prog.types;
    let elem = tt.array_elem(ty)?;
    tt.int_info(elem)?;
    let w = usize::try_from(tt.size_of(elem)?).ok()?;
    if !matches!(w, 1 | 2 | 4) || bytes.is_empty() || !bytes.len().is_multiple_of(w) {
        return None;
    }
    let elems: Vec<&[u8]> = bytes.chunks(w).collect();
    let (last, rest) = elems.split_last()?;
    let zero = |e: &[u8]| e.iter().all(|&b| b == 0);
    (zero(last) && !rest.iter().any(|e| zero(e))).then_some(w)
}
