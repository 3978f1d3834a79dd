//! Initializers (C17 6.7.9): scalars, nested and designated lists with brace elision,
//! string literals into char arrays, struct copies, arrays of unknown size completed
//! from their initializer, and the compile-time-constant rule for static storage.
//!
//! Invariants: the result is flattened into byte offsets ([`Init::List`], items in
//! source order — a later item overrides an earlier one at the same offset); bit-field
//! items record their bit position within the first byte; every value of a static
//! object is an integer or address constant (checked here, E0318).

use super::Checker;
use super::tast::{Expr, ExprKind, Init, InitItem, InitValue};
use crate::ast;
use crate::types::{AccessUnit, QualType};
use diag::{Span, codes};

/// A sub-object of an aggregate: its type, byte offset and bit-field position.
#[derive(Clone, Copy, Debug)]
struct Sub {
    ty: QualType,
    off: u64,
    /// (bit offset from `off`'s byte, width)
    bits: Option<(u32, u32)>,
    /// A bit-field's access unit.
    access: Option<AccessUnit>,
}

impl Checker {
    /// Checks an initializer for an object of type `ty`; returns it flattened with the
    /// (possibly completed) type.
    pub(crate) fn initializer(
        &mut self,
        ty: QualType,
        init: &ast::Initializer,
        is_static: bool,
    ) -> (Init, QualType) {
        let (res, ty) = self.initializer_inner(ty, init);
        if is_static {
            self.check_static(&res);
        }
        (res, ty)
    }

    fn initializer_inner(&mut self, ty: QualType, init: &ast::Initializer) -> (Init, QualType) {
        if let Some(s) = self.string_init(ty, init) {
            return s;
        }
        let tt = &self.prog.types;
        if tt.is_register_value(ty) {
            return match init {
                ast::Initializer::Expr(e) => {
                    let x = self.rv_expr(e);
                    (Init::Expr(self.assign_conv(x, ty, "initializing")), ty)
                }
                ast::Initializer::List { items, span } => match items.first() {
                    Some(first) => {
                        if items.len() > 1 {
                            self.warn(
                                codes::E_BAD_INIT,
                                items[1].span,
                                "excess elements in scalar initializer [-Wexcess-initializers]",
                            );
                        }
                        self.initializer_inner(ty, &first.init)
                    }
                    None => {
                        let z = Expr::new(ExprKind::Int(0), ty, *span);
                        (Init::Expr(self.cast_to(z, ty)), ty)
                    }
                },
            };
        }
        if !tt.is_aggregate(ty) {
            self.err(
                codes::E_BAD_INIT,
                init.span(),
                format!(
                    "variable has incomplete type '{}'",
                    self.prog.types.display(ty)
                ),
            );
            return (Init::List(Vec::new()), ty);
        }
        match init {
            ast::Initializer::Expr(e) => {
                let x = self.rv_expr(e);
                if self.prog.types.is_record(ty) && self.prog.types.compatible_unqual(ty, x.ty) {
                    return (Init::Expr(x), ty);
                }
                let msg = if self.prog.types.is_array(ty) {
                    "array initializer must be an initializer list".to_string()
                } else {
                    format!(
                        "initializing '{}' with an expression of incompatible type '{}'",
                        self.prog.types.display(ty),
                        self.prog.types.display(x.ty)
                    )
                };
                self.err(codes::E_BAD_INIT, e.span, msg);
                (Init::List(Vec::new()), ty)
            }
            ast::Initializer::List { items, .. } => {
                let mut out = Vec::new();
                let mut idx = 0;
                let n = self.fill(ty, 0, items, &mut idx, true, None, &mut out);
                let ty = match self.prog.types.array_len(ty) {
                    Some(None) => {
                        let elem = self.prog.types.array_elem(ty).unwrap_or(ty);
                        self.prog.types.array(elem, Some(n)).with_quals(ty.quals)
                    }
                    _ => ty,
                };
                (Init::List(out), ty)
            }
        }
    }

    /// `char s[] = "abc"` and `char s[4] = {"abc"}`.
    fn string_init(&mut self, ty: QualType, init: &ast::Initializer) -> Option<(Init, QualType)> {
        let tt = &self.prog.types;
        let elem = tt.array_elem(ty)?;
        if tt.int_info(elem).map(|(s, _)| s) != Some(1) {
            return None;
        }
        let lit = match init {
            ast::Initializer::Expr(e) => match &e.kind {
                ast::ExprKind::StrLit(s) => s,
                _ => return None,
            },
            ast::Initializer::List { items, .. }
                if items.len() == 1 && items[0].designators.is_empty() =>
            {
                match &items[0].init {
                    ast::Initializer::Expr(e) => match &e.kind {
                        ast::ExprKind::StrLit(s) => s,
                        _ => return None,
                    },
                    _ => return None,
                }
            }
            _ => return None,
        };
        let mut bytes = lit.bytes();
        bytes.push(0);
        let (len, ty) = match tt.array_len(ty) {
            Some(Some(n)) => (n, ty),
            _ => {
                let n = bytes.len() as u64;
                let t = self.prog.types.array(elem, Some(n)).with_quals(ty.quals);
                (n, t)
            }
        };
        if bytes.len() as u64 > len + 1 {
            self.err(
                codes::E_BAD_INIT,
                lit.span,
                "initializer-string for char array is too long",
            );
        }
        bytes.truncate(len as usize);
        Some((
            Init::List(vec![InitItem {
                byte_offset: 0,
                bitfield: None,
                access: None,
                ty,
                value: InitValue::Bytes(bytes),
            }]),
            ty,
        ))
    }

    /// The `i`-th sub-object of an aggregate at offset `off` (unnamed bit-fields are
    /// skipped), or `None` past the end.
    fn sub_object(&mut self, ty: QualType, off: u64, i: usize) -> Option<Sub> {
        let tt = &self.prog.types;
        if let Some(elem) = tt.array_elem(ty) {
            if let Some(Some(n)) = tt.array_len(ty)
                && i as u64 >= n
            {
                return None;
            }
            let es = tt.size_of(elem).unwrap_or(0);
            return Some(Sub {
                ty: elem,
                off: off + es * i as u64,
                bits: None,
                access: None,
            });
        }
        let r = tt.record_id(ty)?;
        let def = tt.record(r);
        let f = def
            .fields
            .iter()
            .filter(|f| !(f.name.is_none() && f.bit_width.is_some()))
            .nth(i)?;
        let quals = tt.canon(ty).quals;
        Some(match f.bit_width {
            Some(w) => Sub {
                ty: f.ty.with_quals(quals),
                off: off + f.bit_offset / 8,
                bits: Some(((f.bit_offset % 8) as u32, w)),
                access: f.access,
            },
            None => Sub {
                ty: f.ty.with_quals(quals),
                off: off + f.bit_offset / 8,
                bits: None,
                access: None,
            },
        })
    }

    /// Index of the sub-object named `name` (through anonymous members: the index of
    /// the anonymous member, and `true` when the name is inside it).
    fn field_index(&self, ty: QualType, name: &str) -> Option<(usize, bool)> {
        let tt = &self.prog.types;
        let r = tt.record_id(ty)?;
        let def = tt.record(r);
        for (i, f) in def
            .fields
            .iter()
            .filter(|f| !(f.name.is_none() && f.bit_width.is_some()))
            .enumerate()
        {
            match &f.name {
                Some(n) if n == name => return Some((i, false)),
                None => {
                    if let Some(inner) = tt.record_id(f.ty)
                        && tt.find_member(inner, name).is_some()
                    {
                        return Some((i, true));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Fills the aggregate `ty` at `off` from `items[*idx..]`. A braced list consumes
    /// its items and handles designators; an elided one (brace elision) stops at a
    /// designator or when the aggregate is full. `pre` is the already-checked value of
    /// the first item. Returns the number of array elements (for `[]` arrays).
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        ty: QualType,
        off: u64,
        items: &[ast::InitItem],
        idx: &mut usize,
        braced: bool,
        mut pre: Option<Expr>,
        out: &mut Vec<InitItem>,
    ) -> u64 {
        let is_union = self
            .prog
            .types
            .record_id(ty)
            .is_some_and(|r| self.prog.types.record(r).is_union);
        let mut cur = 0usize;
        let mut count: u64 = 0;
        let mut done_union = false;
        while let Some(it) = items.get(*idx) {
            if !it.designators.is_empty() && pre.is_none() {
                if !braced {
                    break;
                }
                // Designation: position this level, then descend.
                let (pos, rest_from, inside_anon) = match &it.designators[0] {
                    ast::Designator::Field(id) => match self.field_index(ty, &id.name) {
                        Some((i, anon)) => (vec![i], if anon { 0 } else { 1 }, anon),
                        None => {
                            self.err(
                                codes::E_NO_MEMBER,
                                id.span,
                                format!("field designator '{}' does not refer to any field in type '{}'", id.name, self.prog.types.display(ty)),
                            );
                            *idx += 1;
                            continue;
                        }
                    },
                    ast::Designator::Index(e, sp) => match self.design_index(ty, e, *sp) {
                        Some(i) => (vec![i], 1, false),
                        None => {
                            *idx += 1;
                            continue;
                        }
                    },
                    ast::Designator::Range(lo, hi, sp) => {
                        match (
                            self.design_index(ty, lo, *sp),
                            self.design_index(ty, hi, *sp),
                        ) {
                            (Some(a), Some(b)) if a <= b => ((a..=b).collect(), 1, false),
                            _ => {
                                *idx += 1;
                                continue;
                            }
                        }
                    }
                };
                let _ = inside_anon;
                let last = *pos.last().unwrap_or(&0);
                for p in pos {
                    if let Some(sub) = self.sub_object(ty, off, p) {
                        self.designated(sub, &it.designators[rest_from..], &it.init, out);
                    }
                }
                *idx += 1;
                cur = last + 1;
                count = count.max(cur as u64);
                if is_union {
                    done_union = true;
                }
                continue;
            }
            if done_union || (is_union && cur > 0) {
                if braced {
                    self.warn(
                        codes::E_BAD_INIT,
                        it.span,
                        "excess elements in union initializer [-Wexcess-initializers]",
                    );
                    *idx += 1;
                    continue;
                }
                break;
            }
            let Some(sub) = self.sub_object(ty, off, cur) else {
                if braced {
                    let what = if self.prog.types.is_array(ty) {
                        "array"
                    } else {
                        "struct"
                    };
                    self.warn(
                        codes::E_BAD_INIT,
                        it.span,
                        format!("excess elements in {what} initializer [-Wexcess-initializers]"),
                    );
                    *idx += 1;
                    if let Some(p) = pre.take() {
                        let _ = p;
                    }
                    continue;
                }
                break;
            };
            self.positional(sub, items, idx, pre.take(), out);
            cur += 1;
            count = count.max(cur as u64);
        }
        count
    }

    /// Initializes one sub-object from the item at `*idx` (or more, by brace elision).
    fn positional(
        &mut self,
        sub: Sub,
        items: &[ast::InitItem],
        idx: &mut usize,
        pre: Option<Expr>,
        out: &mut Vec<InitItem>,
    ) {
        let Some(it) = items.get(*idx) else { return };
        let tt = &self.prog.types;
        if tt.is_aggregate(sub.ty) {
            if pre.is_none() {
                if let ast::Initializer::List { items: inner, .. } = &it.init {
                    if let Some((Init::List(v), _)) = self.string_init(sub.ty, &it.init) {
                        self.push_shifted(v, sub.off, out);
                    } else {
                        let mut j = 0;
                        self.fill(sub.ty, sub.off, inner, &mut j, true, None, out);
                    }
                    *idx += 1;
                    return;
                }
                if let Some((Init::List(v), _)) = self.string_init(sub.ty, &it.init) {
                    self.push_shifted(v, sub.off, out);
                    *idx += 1;
                    return;
                }
            }
            let x = match pre {
                Some(x) => x,
                None => match &it.init {
                    ast::Initializer::Expr(e) => self.rv_expr(e),
                    ast::Initializer::List { .. } => return,
                },
            };
            if self.prog.types.is_record(sub.ty) && self.prog.types.compatible_unqual(sub.ty, x.ty)
            {
                out.push(InitItem {
                    byte_offset: sub.off,
                    bitfield: None,
                    access: None,
                    ty: sub.ty,
                    value: InitValue::Expr(x),
                });
                *idx += 1;
                return;
            }
            // Brace elision: this item starts filling the sub-aggregate.
            self.fill(sub.ty, sub.off, items, idx, false, Some(x), out);
            return;
        }
        let x = match pre {
            Some(x) => x,
            None => match &it.init {
                ast::Initializer::Expr(e) => self.rv_expr(e),
                ast::Initializer::List { items: inner, span } => {
                    let (init, _) = self.initializer_inner(
                        sub.ty,
                        &ast::Initializer::List {
                            items: inner.clone(),
                            span: *span,
                        },
                    );
                    *idx += 1;
                    if let Init::Expr(x) = init {
                        self.push_scalar(sub, x, out);
                    }
                    return;
                }
            },
        };
        *idx += 1;
        let x = self.assign_conv(x, sub.ty, "initializing");
        self.push_scalar(sub, x, out);
    }

    fn push_scalar(&mut self, sub: Sub, x: Expr, out: &mut Vec<InitItem>) {
        out.push(InitItem {
            byte_offset: sub.off,
            bitfield: sub.bits,
            access: sub.access,
            ty: sub.ty.unqual(),
            value: InitValue::Expr(x),
        });
    }

    fn push_shifted(&mut self, v: Vec<InitItem>, off: u64, out: &mut Vec<InitItem>) {
        for mut i in v {
            i.byte_offset += off;
            out.push(i);
        }
    }

    fn design_index(&mut self, ty: QualType, e: &ast::Expr, sp: Span) -> Option<usize> {
        if !self.prog.types.is_array(ty) {
            self.err(
                codes::E_BAD_INIT,
                sp,
                format!(
                    "array designator cannot initialize non-array type '{}'",
                    self.prog.types.display(ty)
                ),
            );
            return None;
        }
        let v = self.const_int(e)?;
        if v < 0 || matches!(self.prog.types.array_len(ty), Some(Some(n)) if v as u64 >= n) {
            self.err(
                codes::E_BAD_INIT,
                e.span,
                format!("array designator index ({v}) exceeds array bounds"),
            );
            return None;
        }
        Some(v as usize)
    }

    /// Applies the remaining designators below `sub`, then initializes it.
    fn designated(
        &mut self,
        sub: Sub,
        rest: &[ast::Designator],
        init: &ast::Initializer,
        out: &mut Vec<InitItem>,
    ) {
        let Some((d, more)) = rest.split_first() else {
            let items = [ast::InitItem {
                designators: Vec::new(),
                init: init.clone(),
                span: init.span(),
            }];
            let mut j = 0;
            self.positional(sub, &items, &mut j, None, out);
            return;
        };
        let pos = match d {
            ast::Designator::Field(id) => match self.field_index(sub.ty, &id.name) {
                Some((i, true)) => {
                    if let Some(s) = self.sub_object(sub.ty, sub.off, i) {
                        self.designated(s, rest, init, out);
                    }
                    return;
                }
                Some((i, false)) => i,
                None => {
                    self.err(
                        codes::E_NO_MEMBER,
                        id.span,
                        format!(
                            "field designator '{}' does not refer to any field in type '{}'",
                            id.name,
                            self.prog.types.display(sub.ty)
                        ),
                    );
                    return;
                }
            },
            ast::Designator::Index(e, sp) => match self.design_index(sub.ty, e, *sp) {
                Some(i) => i,
                None => return,
            },
            ast::Designator::Range(lo, hi, sp) => {
                if let (Some(a), Some(b)) = (
                    self.design_index(sub.ty, lo, *sp),
                    self.design_index(sub.ty, hi, *sp),
                ) {
                    for i in a..=b {
                        if let Some(s) = self.sub_object(sub.ty, sub.off, i) {
                            self.designated(s, more, init, out);
                        }
                    }
                }
                return;
            }
        };
        if let Some(s) = self.sub_object(sub.ty, sub.off, pos) {
            self.designated(s, more, init, out);
        }
    }

    /// Every value of a static object's initializer must be a compile-time constant.
    fn check_static(&mut self, init: &Init) {
        let exprs: Vec<&Expr> = match init {
            Init::Expr(e) => vec![e],
            Init::List(items) => items
                .iter()
                .filter_map(|i| match &i.value {
                    InitValue::Expr(e) => Some(e),
                    InitValue::Bytes(_) => None,
                })
                .collect(),
        };
        let mut bad = Vec::new();
        for e in exprs {
            if self.prog.types.is_record(e.ty)
                || super::consteval::eval(&self.prog.types, e).is_none()
            {
                bad.push(e.span);
            }
        }
        for sp in bad {
            self.err(
                codes::E_BAD_INIT,
                sp,
                "initializer element is not a compile-time constant",
            );
        }
    }
}
