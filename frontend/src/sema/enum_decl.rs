//! Enum specifiers (C17 6.7.2.2, with C23's enum-base `enum e : T`): declares the tag,
//! checks redeclarations, gives each enumerator its value and type, and completes the
//! enum's [`crate::types::EnumDef`].
//!
//! Without an enum-base the underlying type is chosen from the values as clang does
//! (`TypeTable::complete_enum`). With one (a clang extension before C23, accepted
//! without a warning by default), the enum has exactly that type: each value must be
//! representable in it (clang's rule: a negative value by its significant bits, a
//! non-negative one by its active bits) and is converted to it, and the enumerators have
//! the enum type. Such an enum is complete from its declaration on; `enum e : T;` may
//! only stand alone.

use std::sync::Arc;

use super::{Checker, OrdName, TagName};
use crate::ast;
use crate::types::{EnumId, IntKind, QualType, Type};
use diag::codes;

impl Checker {
    pub(super) fn enum_spec(&mut self, es: &ast::EnumSpec) -> QualType {
        let base = es.base.as_deref().and_then(|b| self.enum_base(b));
        let Some(items) = &es.enumerators else {
            let Some(name) = &es.name else {
                self.err(
                    codes::E_BAD_TYPE,
                    es.span,
                    "declaration of anonymous enum must be a definition",
                );
                return self.int_ty();
            };
            let found = if es.base.is_some() {
                self.lookup_tag_current(&name.name)
            } else {
                self.lookup_tag(&name.name)
            };
            if let Some(TagName::Enum(eid)) = found {
                if es.base.is_some() {
                    self.check_same_base(eid, base, name.span);
                }
                return QualType::new(self.prog.types.intern(Type::Enum(eid)));
            }
            let (eid, qt) = self.prog.types.new_enum(Some(&name.name));
            if let Some(k) = base {
                self.prog.types.fix_enum(eid, k);
            }
            self.bind_tag(&name.name, TagName::Enum(eid));
            return qt;
        };
        let (eid, qt) = match &es.name {
            Some(name) => match self.lookup_tag_current(&name.name) {
                Some(TagName::Enum(eid)) if !self.prog.types.enum_def(eid).complete => {
                    self.check_same_base(eid, base, name.span);
                    (eid, QualType::new(self.prog.types.intern(Type::Enum(eid))))
                }
                Some(_) => {
                    self.err(
                        codes::E_REDEFINITION,
                        name.span,
                        format!("redefinition of 'enum {}'", name.name),
                    );
                    self.prog.types.new_enum(Some(&name.name))
                }
                None => {
                    let r = self.prog.types.new_enum(Some(&name.name));
                    self.bind_tag(&name.name, TagName::Enum(r.0));
                    r
                }
            },
            None => self.prog.types.new_enum(None),
        };
        if let Some(k) = base {
            self.prog.types.fix_enum(eid, k);
        }
        let fixed = self
            .prog
            .types
            .enum_def(eid)
            .fixed
            .then(|| self.prog.types.enum_def(eid).underlying);
        let mut next: i128 = 0;
        let mut consts: Vec<(String, i128)> = Vec::new();
        let mut names: Vec<Arc<str>> = Vec::new();
        for en in items {
            let mut v = match &en.value {
                Some(e) => self.const_int(e).unwrap_or(next),
                None => next,
            };
            let ty = match fixed {
                Some(k) => {
                    if !representable(k, v) {
                        let kt = self.prog.types.int(k);
                        let under = self.prog.types.display(kt);
                        let msg = match &en.value {
                            Some(_) => format!(
                                "enumerator value is not representable in the underlying type '{under}'"
                            ),
                            None => format!(
                                "enumerator value {v} is not representable in the underlying type '{under}'"
                            ),
                        };
                        self.err(codes::E_NOT_CONSTANT, en.span, msg);
                    }
                    v = k.wrap(v);
                    self.prog.types.int(k)
                }
                None => {
                    if i64::try_from(v).is_err() && u64::try_from(v).is_err() {
                        self.err(
                            codes::E_NOT_CONSTANT,
                            en.span,
                            "enumerator value is not representable",
                        );
                    }
                    if IntKind::Int.fits(v) {
                        self.prog.types.int(IntKind::Int)
                    } else if IntKind::Long.fits(v) {
                        self.prog.types.int(IntKind::Long)
                    } else {
                        self.prog.types.int(IntKind::ULong)
                    }
                }
            };
            if let Some(OrdName::EnumConst(..)) = self.lookup_current(&en.name.name) {
                self.err(
                    codes::E_REDEFINITION,
                    en.name.span,
                    format!("redefinition of enumerator '{}'", en.name.name),
                );
            }
            self.bind(&en.name.name, OrdName::EnumConst(v, ty));
            consts.push((en.name.name.to_string(), v));
            names.push(en.name.name.clone());
            next = v + 1;
        }
        self.prog.types.complete_enum(eid, consts.clone());
        // After the closing brace the enumerators of a fixed enum have the enum type;
        // those of another enum keep `int` when it fits, else the enum's type (as clang).
        let under = self.prog.types.enum_def(eid).underlying;
        for (n, (_, v)) in names.iter().zip(&consts) {
            if fixed.is_some() {
                self.bind(n, OrdName::EnumConst(*v, qt));
            } else if !IntKind::Int.fits(*v) {
                let t = self.prog.types.int(under);
                let val = under.wrap(*v);
                self.bind(n, OrdName::EnumConst(val, t));
            }
        }
        qt
    }

    /// The integer type an enum-base names, or `None` (with an error) when it is not
    /// one ebpfc can give an enum.
    fn enum_base(&mut self, b: &ast::DeclSpecs) -> Option<IntKind> {
        if let Some((_, sp)) = b.storage().next() {
            self.err(
                codes::E_BAD_TYPE,
                sp,
                "type name does not allow storage class to be specified",
            );
        }
        let qt = self.base_type(b);
        match *self.prog.types.kind(qt) {
            Type::Int(IntKind::Int128 | IntKind::UInt128) | Type::Bool => {
                let t = self.prog.types.display(qt.unqual());
                self.err(
                    codes::E_UNSUPPORTED,
                    b.span,
                    format!("'{t}' as the underlying type of an enum is not supported by ebpfc"),
                );
                None
            }
            Type::Int(k) => Some(k),
            _ => {
                let t = self.prog.types.display(qt.unqual());
                self.err(
                    codes::E_BAD_TYPE,
                    b.span,
                    format!("non-integral type '{t}' is an invalid underlying type"),
                );
                None
            }
        }
    }

    /// A redeclaration of enum `eid` must repeat its fixed underlying type (or, for an
    /// enum without one, write none).
    fn check_same_base(&mut self, eid: EnumId, base: Option<IntKind>, span: diag::Span) {
        let def = self.prog.types.enum_def(eid);
        let (fixed, was) = (def.fixed, def.underlying);
        let msg = match base {
            Some(k) if fixed && k != was => {
                let tt = &mut self.prog.types;
                let (now, before) = (tt.int(k), tt.int(was));
                format!(
                    "enumeration redeclared with different underlying type '{}' (was '{}')",
                    tt.display(now),
                    tt.display(before)
                )
            }
            Some(_) if !fixed => {
                "enumeration previously declared with nonfixed underlying type".into()
            }
            None if fixed => "enumeration previously declared with fixed underlying type".into(),
            _ => return,
        };
        self.err(codes::E_REDEFINITION, span, msg);
    }

    /// `enum e : T` without a body declares the enum only in a declaration of its own
    /// (clang's -Welaborated-enum-base, an error by default).
    pub(super) fn check_standalone_enum_base(
        &mut self,
        specs: &ast::DeclSpecs,
        has_declarators: bool,
    ) {
        if !has_declarators {
            return;
        }
        for ts in specs.type_specs() {
            if let ast::TypeSpecKind::Enum(es) = &ts.kind
                && es.base.is_some()
                && es.enumerators.is_none()
            {
                self.err(
                    codes::E_BAD_TYPE,
                    es.span,
                    "non-defining declaration of enumeration with a fixed underlying type is only permitted as a standalone declaration; missing list of enumerators?",
                );
            }
        }
    }
}

/// Whether `v` is representable in `k` by clang's rule for enumerators.
fn representable(k: IntKind, v: i128) -> bool {
    let bits = k.size() * 8;
    if v >= 0 {
        let width = if k.is_signed() { bits - 1 } else { bits };
        v < (1i128 << width)
    } else {
        v >= -(1i128 << (bits - 1))
    }
}
