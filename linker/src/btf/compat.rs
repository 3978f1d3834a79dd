//! Type compatibility between an extern declaration and its definition (or between two
//! definitions of one map), as the static linker checks it when it resolves a symbol:
//! C-compatible types, seen through typedefs and qualifiers, with named structs and
//! unions compared by name (a FWD matches a full definition of the same name) and
//! anonymous ones (map definitions) compared member by member.
//!
//! Invariant: both ids live in the same [`Types`] (a [`Btf`] or the linker's compact
//! merged types); cycles are cut by a depth limit (types still equal that deep are taken
//! as equal). The error string says where they differ.

use super::{Btf, BtfType, TypeData};

/// Where the compared types live: a type by id (None for void) and a string by offset.
pub trait Types {
    fn get(&self, id: u32) -> Option<BtfType>;
    fn str_at(&self, off: u32) -> Option<&str>;

    /// Follows typedefs and CV/type-tag modifiers to the underlying type id.
    fn skip_mods_and_typedefs(&self, mut id: u32) -> u32 {
        for _ in 0..64 {
            match self.get(id).and_then(|t| t.data.modified()) {
                Some(next) => id = next,
                None => return id,
            }
        }
        id
    }
}

impl Types for Btf {
    fn get(&self, id: u32) -> Option<BtfType> {
        Btf::get(self, id).cloned()
    }
    fn str_at(&self, off: u32) -> Option<&str> {
        Btf::str_at(self, off)
    }
}

/// `Ok` if `a` and `b` are compatible, else a short reason (`member `key`: ...`).
pub fn compatible(btf: &impl Types, a: u32, b: u32) -> Result<(), String> {
    check(btf, a, b, 0)
}

/// A type's name and kind in words, for errors (`STRUCT 'key'`, `void`).
pub fn describe(btf: &impl Types, id: u32) -> String {
    match btf.get(id) {
        None => "void".to_string(),
        Some(t) => {
            let name = btf.str_at(t.name_off).unwrap_or("");
            if name.is_empty() {
                format!("anonymous {}", t.kind().name())
            } else {
                format!("{} '{name}'", t.kind().name())
            }
        }
    }
}

fn check(btf: &impl Types, a: u32, b: u32, depth: u32) -> Result<(), String> {
    if a == b || depth > 24 {
        return Ok(());
    }
    let (a, b) = (btf.skip_mods_and_typedefs(a), btf.skip_mods_and_typedefs(b));
    if a == b {
        return Ok(());
    }
    let differ = || Err(format!("{} vs {}", describe(btf, a), describe(btf, b)));
    let (Some(ta), Some(tb)) = (btf.get(a), btf.get(b)) else {
        return differ();
    };
    let name_a = btf.str_at(ta.name_off).unwrap_or("");
    let name_b = btf.str_at(tb.name_off).unwrap_or("");
    match (&ta.data, &tb.data) {
        (
            TypeData::Int {
                size: s1,
                encoding: e1,
                ..
            },
            TypeData::Int {
                size: s2,
                encoding: e2,
                ..
            },
        ) => {
            if s1 == s2 && (e1 & super::BTF_INT_SIGNED) == (e2 & super::BTF_INT_SIGNED) {
                Ok(())
            } else {
                differ()
            }
        }
        (TypeData::Float { size: s1 }, TypeData::Float { size: s2 }) if s1 == s2 => Ok(()),
        (TypeData::Ptr { type_id: p1 }, TypeData::Ptr { type_id: p2 }) => {
            check(btf, *p1, *p2, depth + 1)
        }
        (
            TypeData::Array {
                elem_type: e1,
                nelems: n1,
                ..
            },
            TypeData::Array {
                elem_type: e2,
                nelems: n2,
                ..
            },
        ) => {
            if n1 != n2 {
                return Err(format!("array of {n1} vs array of {n2} elements"));
            }
            check(btf, *e1, *e2, depth + 1)
        }
        (TypeData::Fwd, TypeData::Struct { .. } | TypeData::Union { .. } | TypeData::Fwd)
        | (TypeData::Struct { .. } | TypeData::Union { .. }, TypeData::Fwd) => {
            if name_a == name_b && !name_a.is_empty() {
                Ok(())
            } else {
                differ()
            }
        }
        (
            TypeData::Struct {
                size: s1,
                members: m1,
            },
            TypeData::Struct {
                size: s2,
                members: m2,
            },
        )
        | (
            TypeData::Union {
                size: s1,
                members: m1,
            },
            TypeData::Union {
                size: s2,
                members: m2,
            },
        ) => {
            if name_a != name_b {
                return differ();
            }
            if !name_a.is_empty() {
                return Ok(());
            }
            if s1 != s2 || m1.len() != m2.len() {
                return Err(format!(
                    "{} ({} members, {s1} bytes) vs {} ({} members, {s2} bytes)",
                    describe(btf, a),
                    m1.len(),
                    describe(btf, b),
                    m2.len()
                ));
            }
            for (x, y) in m1.iter().zip(m2) {
                let (nx, ny) = (
                    btf.str_at(x.name_off).unwrap_or(""),
                    btf.str_at(y.name_off).unwrap_or(""),
                );
                if nx != ny || x.bit_offset != y.bit_offset || x.bitfield_size != y.bitfield_size {
                    return Err(format!("member `{nx}` vs `{ny}`"));
                }
                check(btf, x.type_id, y.type_id, depth + 1)
                    .map_err(|e| format!("member `{nx}`: {e}"))?;
            }
            Ok(())
        }
        (
            TypeData::Enum { size: s1, .. } | TypeData::Enum64 { size: s1, .. },
            TypeData::Enum { size: s2, .. } | TypeData::Enum64 { size: s2, .. },
        ) => {
            if s1 == s2 && name_a == name_b {
                Ok(())
            } else {
                differ()
            }
        }
        (
            TypeData::FuncProto {
                ret_type: r1,
                params: p1,
            },
            TypeData::FuncProto {
                ret_type: r2,
                params: p2,
            },
        ) => {
            if p1.len() != p2.len() {
                return Err(format!("{} vs {} parameters", p1.len(), p2.len()));
            }
            check(btf, *r1, *r2, depth + 1).map_err(|e| format!("return type: {e}"))?;
            for (i, (x, y)) in p1.iter().zip(p2).enumerate() {
                check(btf, x.type_id, y.type_id, depth + 1)
                    .map_err(|e| format!("parameter {}: {e}", i + 1))?;
            }
            Ok(())
        }
        (TypeData::Func { type_id: t1, .. }, TypeData::Func { type_id: t2, .. })
        | (TypeData::Var { type_id: t1, .. }, TypeData::Var { type_id: t2, .. }) => {
            check(btf, *t1, *t2, depth + 1)
        }
        _ => differ(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{BTF_INT_SIGNED, BtfType, Param};

    #[test]
    fn protos_compare_by_parameter_types() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let long = b.add_int("long", 8, BTF_INT_SIGNED);
        let x = b.add_string("x");
        let p1 = b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: int,
                params: vec![Param {
                    name_off: x,
                    type_id: int,
                }],
            },
        ));
        let p2 = b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: int,
                params: vec![Param {
                    name_off: 0,
                    type_id: int,
                }],
            },
        ));
        let p3 = b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: int,
                params: vec![Param {
                    name_off: x,
                    type_id: long,
                }],
            },
        ));
        assert!(compatible(&b, p1, p2).is_ok());
        let e = compatible(&b, p1, p3).unwrap_err();
        assert!(e.contains("parameter 1"), "{e}");
    }
}
