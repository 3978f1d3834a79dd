//! Type compatibility between an extern declaration and its definition (or between two
//! definitions of one global), as the static linker checks it when it resolves a symbol.
//! The rules are libbpf's (its linker's `glob_sym_btf_matches`):
//! - typedefs and const/volatile/restrict/type-tag modifiers are looked through;
//! - outside "exact" mode, a FWD matches a STRUCT (UNION if the FWD's kind flag is set)
//!   of the same name; otherwise the kinds must be equal, and STRUCT, UNION, ENUM,
//!   ENUM64, FWD, FUNC and VAR must have equal names;
//! - void and FWD match; INT, FLOAT, ENUM and ENUM64 compare their size only (`int`
//!   matches `unsigned int`); an ARRAY compares its element type only (neither its
//!   length nor its index type: `extern int a[];` matches `int a[8]`);
//! - a PTR compares its pointee outside exact mode (so a struct behind a pointer is
//!   compared by name only, and a FWD matches it);
//! - FUNC and VAR must agree on being static, then compare their types;
//! - a STRUCT/UNION in exact mode needs as many members, each of the same name and bit
//!   offset and of a matching type; outside exact mode any two of one name match;
//! - a FUNC_PROTO needs as many parameters, of matching types (names are ignored), and
//!   a matching return type.
//!
//! A comparison starts in exact mode. Invariant: both ids live in the same [`Types`] (a
//! [`Btf`] or the linker's compact merged types). Malformed input (reference cycles
//! without a pointer, endless chains) cannot loop: after [`MAX_STEPS`] steps the types
//! are reported as too deep to compare. The error string says where they differ.

use super::{Btf, BtfType, Kind, Linkage, TypeData};

/// Steps one comparison may take (types visited); far more than real programs need.
const MAX_STEPS: u32 = 1 << 20;

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

/// `Ok` if `a` and `b` match in exact mode (as a global's two VAR or FUNC types must),
/// else a short reason (`member `key`: ...`).
pub fn compatible(btf: &impl Types, a: u32, b: u32) -> Result<(), String> {
    matches(btf, a, b, true, &mut 0)
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

/// The kind of a type id (void for 0 and ids out of range).
fn kind_of(t: &Option<BtfType>) -> Option<Kind> {
    t.as_ref().map(BtfType::kind)
}

fn is_static(linkage: Linkage) -> bool {
    linkage == Linkage::Static
}

/// libbpf's `glob_sym_btf_matches`: `exact` compares struct contents; `steps` counts the
/// types visited.
fn matches(
    btf: &impl Types,
    mut a: u32,
    mut b: u32,
    mut exact: bool,
    steps: &mut u32,
) -> Result<(), String> {
    loop {
        *steps += 1;
        if *steps > MAX_STEPS {
            return Err("the types nest too deeply to compare".to_string());
        }
        (a, b) = (btf.skip_mods_and_typedefs(a), btf.skip_mods_and_typedefs(b));
        // One type (the merged BTF shares equal types between inputs) matches itself.
        if a == b {
            return Ok(());
        }
        let (ta, tb) = (btf.get(a), btf.get(b));
        let name = |t: &Option<BtfType>| {
            t.as_ref()
                .and_then(|t| btf.str_at(t.name_off))
                .unwrap_or("")
                .to_string()
        };
        let (na, nb) = (name(&ta), name(&tb));
        let differ = || Err(format!("{} vs {}", describe(btf, a), describe(btf, b)));
        let (ka, kb) = (kind_of(&ta), kind_of(&tb));
        let (fwd_a, fwd_b) = (ka == Some(Kind::Fwd), kb == Some(Kind::Fwd));
        if !exact && fwd_a != fwd_b {
            // One forward declaration: it matches a full type of its name and kind.
            let (fwd, full) = if fwd_a { (&ta, kb) } else { (&tb, ka) };
            let union = fwd.as_ref().is_some_and(|t| t.kind_flag);
            let want = if union { Kind::Union } else { Kind::Struct };
            return if na == nb && full == Some(want) {
                Ok(())
            } else {
                differ()
            };
        }
        let (Some(ta), Some(tb)) = (ta, tb) else {
            // void matches void only.
            return if ka == kb { Ok(()) } else { differ() };
        };
        if ka != kb {
            return differ();
        }
        let named = matches!(
            ta.data,
            TypeData::Struct { .. }
                | TypeData::Union { .. }
                | TypeData::Enum { .. }
                | TypeData::Enum64 { .. }
                | TypeData::Fwd
                | TypeData::Func { .. }
                | TypeData::Var { .. }
        );
        if named && na != nb {
            return differ();
        }
        match (&ta.data, &tb.data) {
            (TypeData::Fwd, _) => return Ok(()),
            (TypeData::Int { size: s1, .. }, TypeData::Int { size: s2, .. })
            | (TypeData::Float { size: s1 }, TypeData::Float { size: s2 })
            | (TypeData::Enum { size: s1, .. }, TypeData::Enum { size: s2, .. })
            | (TypeData::Enum64 { size: s1, .. }, TypeData::Enum64 { size: s2, .. }) => {
                return if s1 == s2 {
                    Ok(())
                } else {
                    Err(format!(
                        "{} ({s1} bytes) vs {} ({s2} bytes)",
                        describe(btf, a),
                        describe(btf, b)
                    ))
                };
            }
            (TypeData::Ptr { type_id: p1 }, TypeData::Ptr { type_id: p2 }) => {
                exact = false;
                (a, b) = (*p1, *p2);
            }
            (TypeData::Array { elem_type: e1, .. }, TypeData::Array { elem_type: e2, .. }) => {
                (a, b) = (*e1, *e2);
            }
            (
                TypeData::Func {
                    type_id: t1,
                    linkage: l1,
                },
                TypeData::Func {
                    type_id: t2,
                    linkage: l2,
                },
            )
            | (
                TypeData::Var {
                    type_id: t1,
                    linkage: l1,
                },
                TypeData::Var {
                    type_id: t2,
                    linkage: l2,
                },
            ) => {
                if is_static(*l1) != is_static(*l2) {
                    return Err(format!(
                        "{} is static in one and not in the other",
                        describe(btf, a)
                    ));
                }
                (a, b) = (*t1, *t2);
            }
            (
                TypeData::Struct { members: m1, .. } | TypeData::Union { members: m1, .. },
                TypeData::Struct { members: m2, .. } | TypeData::Union { members: m2, .. },
            ) => {
                if !exact {
                    return Ok(());
                }
                if m1.len() != m2.len() {
                    return Err(format!(
                        "{} ({} members) vs {} ({} members)",
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
                    if nx != ny {
                        return Err(format!("member `{nx}` vs `{ny}`"));
                    }
                    if (x.bit_offset, x.bitfield_size) != (y.bit_offset, y.bitfield_size) {
                        return Err(format!(
                            "member `{nx}`: bit offset {} vs {}",
                            x.bit_offset, y.bit_offset
                        ));
                    }
                    matches(btf, x.type_id, y.type_id, exact, steps)
                        .map_err(|e| format!("member `{nx}`: {e}"))?;
                }
                return Ok(());
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
                for (i, (x, y)) in p1.iter().zip(p2).enumerate() {
                    matches(btf, x.type_id, y.type_id, exact, steps)
                        .map_err(|e| format!("parameter {}: {e}", i + 1))?;
                }
                return matches(btf, *r1, *r2, exact, steps)
                    .map_err(|e| format!("return type: {e}"));
            }
            // DATASEC, DECL_TAG and the like never describe a global.
            _ => {
                return Err(format!("{} cannot describe a global", describe(btf, a)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btf::{BTF_INT_SIGNED, BtfType, Member, Param};

    fn proto(b: &mut Btf, ret: u32, params: &[(u32, u32)]) -> u32 {
        b.add_type(BtfType::new(
            0,
            TypeData::FuncProto {
                ret_type: ret,
                params: params
                    .iter()
                    .map(|&(name_off, type_id)| Param { name_off, type_id })
                    .collect(),
            },
        ))
    }

    fn array(b: &mut Btf, elem: u32, nelems: u32) -> u32 {
        let idx = b.add_int("__ARRAY_SIZE_TYPE__", 4, 0);
        b.add_type(BtfType::new(
            0,
            TypeData::Array {
                elem_type: elem,
                index_type: idx,
                nelems,
            },
        ))
    }

    fn strukt(b: &mut Btf, name: &str, members: &[(&str, u32, u32)]) -> u32 {
        let name = b.add_string(name);
        let members = members
            .iter()
            .map(|&(n, type_id, bit_offset)| Member {
                name_off: b.add_string(n),
                type_id,
                bit_offset,
                bitfield_size: 0,
            })
            .collect();
        b.add_type(BtfType::new(name, TypeData::Struct { size: 8, members }))
    }

    #[test]
    fn protos_compare_by_parameter_types() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let uint = b.add_int("unsigned int", 4, 0);
        let long = b.add_int("long", 8, BTF_INT_SIGNED);
        let x = b.add_string("x");
        let p1 = proto(&mut b, int, &[(x, int)]);
        let p2 = proto(&mut b, int, &[(0, uint)]);
        let p3 = proto(&mut b, int, &[(x, long)]);
        let p4 = proto(&mut b, long, &[(x, int)]);
        // Names are ignored, and ints compare by size: int matches unsigned int.
        assert!(compatible(&b, p1, p2).is_ok());
        let e = compatible(&b, p1, p3).unwrap_err();
        assert!(e.contains("parameter 1"), "{e}");
        let e = compatible(&b, p1, p4).unwrap_err();
        assert!(e.starts_with("return type"), "{e}");
    }

    #[test]
    fn arrays_compare_by_element_type_only() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let long = b.add_int("long", 8, BTF_INT_SIGNED);
        let (unknown, four, eight) = (
            array(&mut b, int, 0),
            array(&mut b, int, 4),
            array(&mut b, int, 8),
        );
        let longs = array(&mut b, long, 8);
        let vars: Vec<u32> = [unknown, four, eight, longs]
            .iter()
            .map(|&t| b.add_var("arr", t, Linkage::Global))
            .collect();
        let ext = b.add_var("arr", unknown, Linkage::Extern);
        assert!(compatible(&b, ext, vars[2]).is_ok());
        assert!(compatible(&b, vars[1], vars[2]).is_ok());
        assert!(compatible(&b, ext, vars[3]).is_err());
        let st = b.add_var("arr", four, Linkage::Static);
        let e = compatible(&b, st, vars[1]).unwrap_err();
        assert!(e.contains("static"), "{e}");
    }

    #[test]
    fn structs_compare_by_contents_only_outside_pointers() {
        let mut b = Btf::new();
        let int = b.add_int("int", 4, BTF_INT_SIGNED);
        let long = b.add_int("long", 8, BTF_INT_SIGNED);
        let s1 = strukt(&mut b, "s", &[("a", int, 0)]);
        let s2 = strukt(&mut b, "s", &[("a", long, 0)]);
        let s3 = strukt(&mut b, "s", &[("b", int, 0)]);
        let other = strukt(&mut b, "t", &[("a", int, 0)]);
        let s_name = b.add_string("s");
        let fwd = b.add_type(BtfType::new(s_name, TypeData::Fwd));
        let ufwd = b.add_type(BtfType::new(s_name, TypeData::Fwd).with_kind_flag(true));
        let [p1, p2, pf, pu, po] = [s1, s2, fwd, ufwd, other].map(|t| b.add_ptr(t));
        // Exact at the top: contents count.
        assert!(compatible(&b, s1, s2).unwrap_err().contains("member `a`"));
        assert!(
            compatible(&b, s1, s3)
                .unwrap_err()
                .contains("member `a` vs `b`")
        );
        assert!(compatible(&b, s1, fwd).is_err());
        // Behind a pointer: names only, and a struct FWD of the name matches.
        assert!(compatible(&b, p1, p2).is_ok());
        assert!(compatible(&b, p1, pf).is_ok());
        assert!(compatible(&b, pf, p2).is_ok());
        assert!(compatible(&b, p1, pu).is_err());
        assert!(compatible(&b, p1, po).is_err());
    }

    #[test]
    fn malformed_cycles_end() {
        let mut b = Btf::new();
        // Two cycles of two pointers each (no type in between): the walk stops.
        let ids = [b.add_ptr(2), b.add_ptr(1), b.add_ptr(4), b.add_ptr(3)];
        assert_eq!(ids, [1, 2, 3, 4]);
        let e = compatible(&b, 1, 3).unwrap_err();
        assert!(e.contains("too deeply"), "{e}");
    }
}
