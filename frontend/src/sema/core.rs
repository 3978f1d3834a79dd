//! CO-RE (compile once, run everywhere): the BPF builtins whose answers libbpf patches
//! at load time for the running kernel (llvm_reloc.rst, "CO-RE Relocations"):
//! `__builtin_preserve_access_index(&p->a.b[2])` (field offsets),
//! `__builtin_preserve_field_info(p->f, kind)` (offset, size, existence, signedness,
//! shifts), `__builtin_preserve_type_info(*(T *)0, kind)` (existence, size, match) and
//! `__builtin_btf_type_id(x, flag)`.
//!
//! Invariants: an access path starts with the index of the pointed-to object (`0` for
//! `p->...`), then member indices in declaration order (BTF member order: every member,
//! anonymous members included, unnamed bit-fields not) and constant array indices; the root is the
//! record type the pointer points to, without qualifiers; bit-fields are rejected
//! (E0320) rather than mis-relocated.

use super::Checker;
use super::tast::{CoreQuery, Expr, ExprKind};
use crate::ast;
use crate::types::{IntKind, QualType, RecordId};
use diag::{Span, codes};

/// `enum bpf_core_relo_kind` numbers (llvm_reloc.rst).
const FIELD_BYTE_OFFSET: u32 = 0;
const FIELD_BYTE_SIZE: u32 = 1;
const FIELD_EXISTS: u32 = 2;
const FIELD_SIGNED: u32 = 3;
const FIELD_LSHIFT_U64: u32 = 4;
const FIELD_RSHIFT_U64: u32 = 5;
const TYPE_ID_LOCAL: u32 = 6;
const TYPE_ID_TARGET: u32 = 7;
const TYPE_EXISTS: u32 = 8;
const TYPE_SIZE: u32 = 9;
const TYPE_MATCHES: u32 = 12;

/// A resolved access chain: the pointer it starts from, the root record, the path, the
/// local byte offset.
struct Chain {
    base: Expr,
    root: QualType,
    access: Vec<u64>,
    offset: u64,
}

impl Checker {
    /// Member indices (BTF order) from record `r` down to the member named `name`.
    fn member_indices(&self, r: RecordId, name: &str) -> Option<Vec<u64>> {
        let tt = &self.prog.types;
        // BTF member order: unnamed bit-fields have no BTF member.
        let members = tt
            .record(r)
            .fields
            .iter()
            .filter(|f| !(f.name.is_none() && f.bit_width.is_some()));
        for (i, f) in members.enumerate() {
            match &f.name {
                Some(n) if n == name => return Some(vec![i as u64]),
                None if f.bit_width.is_none() => {
                    if let Some(inner) = tt.record_id(f.ty)
                        && let Some(mut rest) = self.member_indices(inner, name)
                    {
                        rest.insert(0, i as u64);
                        return Some(rest);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The access chain of an lvalue rooted at a pointer to a record.
    fn chain(&self, lv: &Expr) -> Option<Chain> {
        let tt = &self.prog.types;
        match &lv.kind {
            ExprKind::Member { base, field } => {
                if field.bit_width.is_some() {
                    return None;
                }
                let mut c = self.chain(base)?;
                let r = tt.record_id(base.ty)?;
                let name = field.name.as_deref()?;
                c.access.extend(self.member_indices(r, name)?);
                c.offset += field.byte_offset();
                Some(c)
            }
            ExprKind::Deref(p) => {
                // A member of a `preserve_access_index` record, already relocated:
                // the chain continues from its access path.
                if let ExprKind::CoreFieldAddr { base, core } = &p.kind {
                    return Some(Chain {
                        base: (**base).clone(),
                        root: core.root,
                        access: core.access.clone(),
                        offset: u64::try_from(core.value).unwrap_or(0),
                    });
                }
                if let ExprKind::PtrAdd {
                    ptr,
                    idx,
                    elem_size,
                } = &p.kind
                {
                    let i = super::consteval::eval_int(tt, idx)?;
                    let i = u64::try_from(i).ok()?;
                    // `p->arr[i]`: an index into an array member.
                    if let ExprKind::Decay(arr) = &ptr.kind
                        && let Some(mut c) = self.chain(arr)
                    {
                        c.access.push(i);
                        c.offset += i * elem_size;
                        return Some(c);
                    }
                    // `p[i].f`: the root object is element `i`.
                    let pointee = tt.pointee(ptr.ty)?;
                    tt.record_id(pointee)?;
                    return Some(Chain {
                        base: (**ptr).clone(),
                        root: tt.canon(pointee).unqual(),
                        access: vec![i],
                        offset: i * elem_size,
                    });
                }
                let pointee = tt.pointee(p.ty)?;
                tt.record_id(pointee)?;
                Some(Chain {
                    base: (**p).clone(),
                    root: tt.canon(pointee).unqual(),
                    access: vec![0],
                    offset: 0,
                })
            }
            _ => None,
        }
    }

    /// `__builtin_preserve_access_index(e)`: relocates the field offset of `&p->a.b`;
    /// other expressions pass through unchanged.
    pub(crate) fn core_access_index(&mut self, e: Expr) -> Expr {
        let lv = match &e.kind {
            ExprKind::AddrOf(lv) | ExprKind::Decay(lv) => lv.as_ref(),
            _ => return e,
        };
        match self.chain(lv) {
            Some(c) if c.access.len() > 1 => {
                let ty = e.ty;
                let span = e.span;
                Expr::new(
                    ExprKind::CoreFieldAddr {
                        base: Box::new(c.base),
                        core: CoreQuery {
                            kind: FIELD_BYTE_OFFSET,
                            root: c.root,
                            access: c.access,
                            value: i128::from(c.offset),
                        },
                    },
                    ty,
                    span,
                )
            }
            _ => e,
        }
    }

    fn core_kind_arg(&mut self, e: &ast::Expr) -> Option<u32> {
        self.const_int(e).and_then(|v| u32::try_from(v).ok())
    }

    fn core_unsupported(&mut self, span: Span, what: &str) -> Expr {
        self.err(
            codes::E_UNSUPPORTED,
            span,
            format!("{what} is not supported by this compiler yet"),
        );
        self.error_expr(span)
    }

    /// `__builtin_preserve_field_info(p->f, kind)`.
    pub(crate) fn core_field_info(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let [field, kind] = args else {
            self.err(
                codes::E_ARG_COUNT,
                span,
                "'__builtin_preserve_field_info' takes 2 arguments",
            );
            return self.error_expr(span);
        };
        let lv = self.expr(field);
        let Some(kind) = self.core_kind_arg(kind) else {
            return self.error_expr(span);
        };
        if let ExprKind::Member { field: f, .. } = &lv.kind
            && f.bit_width.is_some()
        {
            return self.core_unsupported(field.span, "CO-RE relocation of a bit-field");
        }
        let Some(c) = self.chain(&lv).filter(|c| c.access.len() > 1) else {
            self.err(
                codes::E_BUILTIN_ARG,
                field.span,
                "'__builtin_preserve_field_info' needs a member access such as `p->field`",
            );
            return self.error_expr(span);
        };
        let tt = &self.prog.types;
        let size = tt.size_of(lv.ty).unwrap_or(0);
        let value = match kind {
            FIELD_BYTE_OFFSET => i128::from(c.offset),
            FIELD_BYTE_SIZE => i128::from(size),
            FIELD_EXISTS => 1,
            FIELD_SIGNED => i128::from(tt.int_info(lv.ty).is_some_and(|(_, s)| s)),
            // A whole field loaded into a u64: shift its bytes to the top, then back
            // (little-endian layout).
            FIELD_LSHIFT_U64 | FIELD_RSHIFT_U64 => i128::from(64 - 8 * size.min(8)),
            _ => {
                self.err(
                    codes::E_BUILTIN_ARG,
                    span,
                    format!("unknown field info kind {kind}"),
                );
                return self.error_expr(span);
            }
        };
        let ty = self.prog.types.int(IntKind::UInt);
        Expr::new(
            ExprKind::CoreConst(CoreQuery {
                kind,
                root: c.root,
                access: c.access,
                value,
            }),
            ty,
            span,
        )
    }

    /// `__builtin_preserve_type_info(*(T *)0, kind)`.
    pub(crate) fn core_type_info(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let [obj, kind] = args else {
            self.err(
                codes::E_ARG_COUNT,
                span,
                "'__builtin_preserve_type_info' takes 2 arguments",
            );
            return self.error_expr(span);
        };
        let x = self.expr(obj);
        let Some(kind) = self.core_kind_arg(kind) else {
            return self.error_expr(span);
        };
        let root = x.ty.unqual();
        let (k, value) = match kind {
            0 => (TYPE_EXISTS, 1),
            1 => (
                TYPE_SIZE,
                i128::from(self.prog.types.size_of(root).unwrap_or(0)),
            ),
            2 => (TYPE_MATCHES, 1),
            _ => {
                self.err(
                    codes::E_BUILTIN_ARG,
                    span,
                    format!("unknown type info kind {kind}"),
                );
                return self.error_expr(span);
            }
        };
        let ty = self.prog.types.int(IntKind::ULong);
        Expr::new(
            ExprKind::CoreConst(CoreQuery {
                kind: k,
                root,
                access: vec![0],
                value,
            }),
            ty,
            span,
        )
    }

    /// `__builtin_btf_type_id(x, flag)`: the BTF id of `x`'s type, local (0) or in the
    /// target kernel (1); libbpf fills in the number.
    pub(crate) fn core_type_id(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let [obj, flag] = args else {
            self.err(
                codes::E_ARG_COUNT,
                span,
                "'__builtin_btf_type_id' takes 2 arguments",
            );
            return self.error_expr(span);
        };
        let x = self.expr(obj);
        let Some(flag) = self.core_kind_arg(flag) else {
            return self.error_expr(span);
        };
        let kind = if flag == 0 {
            TYPE_ID_LOCAL
        } else {
            TYPE_ID_TARGET
        };
        let ty = self.prog.types.int(IntKind::ULong);
        Expr::new(
            ExprKind::CoreConst(CoreQuery {
                kind,
                root: x.ty.unqual(),
                access: vec![0],
                value: 0,
            }),
            ty,
            span,
        )
    }
}

impl Checker {
    /// A member of a `preserve_access_index` record: `*(base + relocated offset)`.
    pub(crate) fn core_member(&mut self, member: Expr) -> Expr {
        if let ExprKind::Member { field, .. } = &member.kind
            && field.bit_width.is_some()
        {
            // Bit-fields keep their local layout (no CO-RE bit-field relocations yet).
            return member;
        }
        let Some(c) = self.chain(&member).filter(|c| c.access.len() > 1) else {
            return member;
        };
        let ty = member.ty;
        let span = member.span;
        let pty = self.prog.types.ptr(ty);
        let addr = Expr::new(
            ExprKind::CoreFieldAddr {
                base: Box::new(c.base),
                core: CoreQuery {
                    kind: FIELD_BYTE_OFFSET,
                    root: c.root,
                    access: c.access,
                    value: i128::from(c.offset),
                },
            },
            pty,
            span,
        );
        Expr::new(ExprKind::Deref(Box::new(addr)), ty, span)
    }
}

/// `enum bpf_core_relo_kind` numbers of the enumerator relocations.
const ENUMVAL_EXISTS: u32 = 10;
const ENUMVAL_VALUE: u32 = 11;

impl Checker {
    /// `__builtin_preserve_enum_value(*(enum E *)VALUE, kind)`: whether enumerator
    /// `VALUE` of `enum E` exists in the kernel (0), or its value there (1). The access
    /// string is the enumerator's index.
    pub(crate) fn core_enum_value(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let [obj, kind] = args else {
            self.err(
                codes::E_ARG_COUNT,
                span,
                "'__builtin_preserve_enum_value' takes 2 arguments",
            );
            return self.error_expr(span);
        };
        let x = self.expr(obj);
        let Some(kind) = self.core_kind_arg(kind) else {
            return self.error_expr(span);
        };
        let tt = &self.prog.types;
        let found = match &x.kind {
            ExprKind::Deref(p) => match (&p.kind, tt.kind(x.ty)) {
                (ExprKind::Int(v), crate::types::Type::Enum(e)) => {
                    let def = tt.enum_def(*e);
                    def.constants
                        .iter()
                        .position(|(_, c)| i128::from(*c) == *v || (*c as u64 as i128) == *v)
                        .map(|i| (i as u64, def.constants[i].1))
                }
                _ => None,
            },
            _ => None,
        };
        let Some((index, value)) = found else {
            self.err(
                codes::E_BUILTIN_ARG,
                obj.span,
                "'__builtin_preserve_enum_value' needs `*(enum E *)ENUMERATOR`",
            );
            return self.error_expr(span);
        };
        let (k, v) = match kind {
            0 => (ENUMVAL_EXISTS, 1),
            1 => (ENUMVAL_VALUE, i128::from(value)),
            _ => {
                self.err(
                    codes::E_BUILTIN_ARG,
                    span,
                    format!("unknown enum value kind {kind}"),
                );
                return self.error_expr(span);
            }
        };
        let ty = self.prog.types.int(IntKind::Long);
        Expr::new(
            ExprKind::CoreConst(CoreQuery {
                kind: k,
                root: x.ty.unqual(),
                access: vec![index],
                value: v,
            }),
            ty,
            span,
        )
    }
}
