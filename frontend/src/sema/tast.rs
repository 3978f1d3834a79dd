//! The typed AST: what semantic analysis produces and lowering consumes.
//!
//! Invariants (established by `sema`, relied upon by `lower`):
//! - Every [`Expr`] has its C type; implicit conversions are explicit nodes: reading an
//!   lvalue is [`ExprKind::Load`], array/function decay is [`ExprKind::Decay`], and
//!   every integer/pointer conversion is a [`ExprKind::Cast`] with its [`CastKind`].
//! - Binary arithmetic operands already have the common type of the usual arithmetic
//!   conversions (C17 6.3.1.8); shifts have the promoted left type; comparisons carry
//!   the type their operands were converted to.
//! - Pointer arithmetic is explicit and scaled ([`ExprKind::PtrAdd`], [`ExprKind::PtrDiff`]).
//! - Initializers are flattened to byte offsets ([`Init`]).
//! - Locals, globals and functions are referred to by typed ids into [`Program`].

use crate::types::{AccessUnit, Field, QualType, TypeTable};
use diag::Span;

/// A local variable or parameter of the function being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalId(pub u32);
/// A global variable (including string literals and helper constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlobalId(pub u32);
/// A function (defined or only declared).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncId(pub u32);
/// A label or `case` target inside one function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelId(pub u32);

/// Symbol binding, as the object file will record it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// `static`: a local symbol.
    Internal,
    /// A global symbol.
    External,
    /// `__attribute__((weak))`.
    Weak,
}

/// One checked translation unit.
#[derive(Debug, Default)]
pub struct Program {
    pub types: TypeTable,
    pub globals: Vec<Global>,
    pub funcs: Vec<Func>,
    /// File-scope definitions in source order (clang creates globals in the order its
    /// code generator meets them; see `lower::order`).
    pub defs: Vec<TopDef>,
}

/// A file-scope definition, as met in source order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopDef {
    /// A declaration of a variable that is not a plain `extern` one; `true` when it
    /// has an initializer (a definition; otherwise a tentative definition).
    Var(GlobalId, bool),
    /// A function definition.
    Func(FuncId),
}

impl Program {
    pub fn global(&self, g: GlobalId) -> &Global {
        &self.globals[g.0 as usize]
    }
    pub fn func(&self, f: FuncId) -> &Func {
        &self.funcs[f.0 as usize]
    }
}

/// What kind of object a global is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalKind {
    /// An ordinary variable.
    Var,
    /// A string literal's bytes (private `.rodata.str1.1` symbol).
    Str,
    /// libbpf's helper declaration `static T (* const name)(...) = (void *) N;`: calls
    /// through it become `call_helper N` and no data is emitted.
    Helper(i64),
}

/// A global variable.
#[derive(Clone, Debug)]
pub struct Global {
    pub name: String,
    pub ty: QualType,
    pub kind: GlobalKind,
    pub linkage: Linkage,
    /// `extern` without a definition in this unit.
    pub is_extern: bool,
    /// `None` for a tentative definition (zero-initialized) or an extern.
    pub init: Option<Init>,
    pub section: Option<String>,
    pub align: Option<u64>,
    pub used: bool,
    pub span: Span,
}

/// Function attributes that reach the object file or the inliner.
#[derive(Clone, Debug, Default)]
pub struct FuncAttrs {
    pub always_inline: bool,
    pub noinline: bool,
    pub inline_hint: bool,
    pub used: bool,
}

/// A function declaration, with its body when defined.
#[derive(Clone, Debug)]
pub struct Func {
    pub name: String,
    pub ty: QualType,
    pub linkage: Linkage,
    pub section: Option<String>,
    pub attrs: FuncAttrs,
    /// The parameters, in order (indices into `locals`).
    pub params: Vec<LocalId>,
    pub locals: Vec<Local>,
    pub body: Option<Stmt>,
    /// Labels and case targets of the body (names for printing).
    pub labels: Vec<String>,
    /// Its address is taken (callback): emitted as `func_addr`.
    pub addr_taken: bool,
    /// Called or named somewhere (a declared-only function becomes an extern symbol).
    /// After checking: named from an emitted function or a global initializer.
    pub referenced: bool,
    /// Defined and reachable from a non-static, `used` or address-taken root: only
    /// these are lowered (as clang drops unused `static inline` header functions).
    pub emitted: bool,
    /// Errors that only matter if the function is emitted (inline assembly in an
    /// unused header function).
    pub deferred: Vec<diag::Diagnostic>,
    pub span: Span,
}

/// A local variable or parameter.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub ty: QualType,
    /// `&x` appears somewhere, or it is an aggregate: it lives in a stack slot.
    pub addr_taken: bool,
    pub is_param: bool,
    /// `static` local: lowered as a global; this is its id.
    pub static_global: Option<GlobalId>,
    pub span: Span,
}

/// A flattened initializer: zero-fill the object, then write each item.
#[derive(Clone, Debug)]
pub enum Init {
    /// A scalar (or a struct copied from another struct expression).
    Expr(Expr),
    /// Items at byte offsets inside the object, sorted by offset; the rest is zero.
    List(Vec<InitItem>),
}

/// One scalar written by an initializer list.
#[derive(Clone, Debug)]
pub struct InitItem {
    pub byte_offset: u64,
    /// For bit-fields: (bit offset from the start of the byte at `byte_offset`, below 8;
    /// width). The field occupies `ceil((bit + width) / 8)` bytes from `byte_offset`.
    pub bitfield: Option<(u32, u32)>,
    /// A bit-field's access unit (see [`crate::types::access_units`]), for stores.
    pub access: Option<AccessUnit>,
    /// The storage type (the member's declared type for bit-fields).
    pub ty: QualType,
    pub value: InitValue,
}

/// What an [`InitItem`] writes.
#[derive(Clone, Debug)]
pub enum InitValue {
    Expr(Expr),
    /// Raw bytes (a string literal into a char array).
    Bytes(Vec<u8>),
}

/// Conversions between scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastKind {
    /// Integer to integer (also pointer ↔ integer and pointer → pointer): extend by the
    /// source's signedness or truncate to the destination width.
    Int,
    /// Any scalar to `_Bool`: compares with zero.
    ToBool,
    /// To `void`: evaluate and discard.
    ToVoid,
    /// Same representation (pointer to pointer, qualification, enum ↔ same int).
    NoOp,
}

/// Unary operators on rvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    BitNot,
    /// `!x`: the operand is scalar; the result is `int` 0/1.
    LogNot,
}

/// Binary arithmetic operators on integers of the expression's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// Comparison operators; signedness comes from the operands' type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Atomic read-modify-write operations of the `__sync_*` builtins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicOp {
    Add,
    Or,
    And,
    Xor,
    Xchg,
}

/// The bit-counting builtins (`sema/bitops.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOp {
    Popcount,
    /// Leading zeros (undefined for 0).
    Clz,
    /// Trailing zeros (undefined for 0).
    Ctz,
    /// One plus the index of the lowest set bit, 0 for 0.
    Ffs,
    Abs,
}

/// The builtins lowering must expand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `__builtin_memcpy(dst, src, n)` with constant `n`.
    Memcpy(u64),
    /// `__builtin_memmove(dst, src, n)` with constant `n` (the objects may overlap).
    Memmove(u64),
    /// `__builtin_memset(dst, c, n)` with constant `n`.
    Memset(u64),
    /// `__builtin_memcmp(a, b, n)` with constant `n`.
    Memcmp(u64),
    /// `__builtin_bswap16/32/64`.
    Bswap(u32),
    /// A bit builtin on a 32- or 64-bit parameter.
    Bits(BitOp, u32),
    /// `__sync_fetch_and_<op>(p, v)` (returns the old value).
    AtomicFetch(AtomicOp),
    /// `__sync_<op>_and_fetch(p, v)` (returns the new value: the old one combined
    /// with `v`; never `Xchg`).
    AtomicOpFetch(AtomicOp),
    /// `__sync_val_compare_and_swap(p, old, new)`.
    AtomicCas,
    /// `__builtin_trap()` / `__builtin_unreachable()`: control never gets here.
    Unreachable,
    /// The operand of an empty inline asm with a register constraint: its value,
    /// which the optimizer must not see through (`barrier_var`).
    Opaque,
    /// `__builtin_constant_p(x)` of an integer `x` that is not a constant expression
    /// and has no side effects: whether the optimizer makes `x` a constant (`int`).
    ConstantP,
}

/// Who a call goes to.
#[derive(Clone, Debug)]
pub enum Callee {
    /// A function of this unit or an extern function.
    Direct(FuncId),
    /// A BPF helper by number (through libbpf's constant function pointer).
    Helper(i64),
}

/// A typed expression.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: QualType,
    pub span: Span,
}

/// What an expression does. Nodes marked *lvalue* designate an object.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer constant (already wrapped to the expression's type).
    Int(i128),
    /// *lvalue*: a local variable.
    Local(LocalId),
    /// *lvalue*: a global variable or string literal.
    Global(GlobalId),
    /// A function designator (decays to its address).
    Func(FuncId),
    /// *lvalue*: `*p`.
    Deref(Box<Expr>),
    /// *lvalue* when `base` is: a member of a record lvalue (`base.f`; `p->f` is
    /// `Deref(p).f`). `field.bit_offset` is relative to the start of `base`.
    Member {
        base: Box<Expr>,
        field: Field,
    },
    /// Reads the lvalue (C17 6.3.2.1p2).
    Load(Box<Expr>),
    /// Array → pointer to its first element, function → its address.
    Decay(Box<Expr>),
    /// `&lvalue`.
    AddrOf(Box<Expr>),
    Cast(CastKind, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Comparison producing `int` 0/1.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// `ptr + idx * elem_size` (`idx` is a 64-bit integer, already sign/zero-extended).
    PtrAdd {
        ptr: Box<Expr>,
        idx: Box<Expr>,
        elem_size: u64,
    },
    /// `(a - b) / elem_size` as `long`.
    PtrDiff {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        elem_size: u64,
    },
    LogAnd(Box<Expr>, Box<Expr>),
    LogOr(Box<Expr>, Box<Expr>),
    /// `c ? a : b` (operands converted to the result type; `void` allowed).
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// GNU `c ?: b`: `c` (scalar, of its own type) evaluated once; its value converted
    /// to the result type when it is nonzero, else `b` (already converted).
    BinaryCond(Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    /// `lhs = rhs` (rhs converted to lhs's type); the value is the stored one.
    Assign(Box<Expr>, Box<Expr>),
    /// `lhs op= rhs`: load `lhs`, convert to `op_ty`, combine with `rhs` (already of
    /// `op_ty`, or the index for pointer `+=`/`-=`), convert back, store.
    CompoundAssign {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        op_ty: QualType,
        /// For pointer `+=`/`-=`: the pointee size.
        ptr_elem: Option<u64>,
    },
    /// `++x`, `x--`, ...: `delta` is ±1 for integers, ±size for pointers.
    IncDec {
        lhs: Box<Expr>,
        delta: i64,
        post: bool,
    },
    Call {
        callee: Callee,
        args: Vec<Expr>,
    },
    Builtin(Builtin, Vec<Expr>),
    /// GNU statement expression: statements then an optional value.
    StmtExpr(Vec<Stmt>, Option<Box<Expr>>),
    /// *lvalue*: a compound literal, stored in a fresh local with its initializer.
    CompoundLit(LocalId, Box<Init>),
    /// `base + offset` where `offset` is a CO-RE relocated field offset
    /// (`__builtin_preserve_access_index(&p->a.b)`): libbpf patches the offset for the
    /// running kernel (llvm_reloc.rst, "CO-RE Relocations").
    CoreFieldAddr {
        base: Box<Expr>,
        core: CoreQuery,
    },
    /// A constant answered locally and patched by libbpf at load time (field size or
    /// existence, type size, type id...).
    CoreConst(CoreQuery),
}

/// A CO-RE relocation: its kind (the numbers of `enum bpf_core_relo_kind`), the root
/// type, the access path (`0:1:2`) and the local value.
#[derive(Clone, Debug)]
pub struct CoreQuery {
    pub kind: u32,
    pub root: QualType,
    pub access: Vec<u64>,
    pub value: i128,
}

impl Expr {
    pub fn new(kind: ExprKind, ty: QualType, span: Span) -> Self {
        Expr { kind, ty, span }
    }
    pub fn boxed(self) -> Box<Expr> {
        Box::new(self)
    }
}

/// A typed statement.
#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// What a statement does.
#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(Expr),
    /// A local's definition with its optional initializer (`static` locals never
    /// appear here: they are globals).
    Decl(LocalId, Option<Init>),
    Block(Vec<Stmt>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    For {
        init: Vec<Stmt>,
        cond: Option<Expr>,
        step: Option<Expr>,
        body: Box<Stmt>,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    /// `switch`: the controlling expression (promoted), the case ranges
    /// (inclusive, in source order) with their targets, the default target.
    Switch {
        cond: Expr,
        cases: Vec<(i128, i128, LabelId)>,
        default: Option<LabelId>,
        body: Box<Stmt>,
    },
    /// A label (named, or a case/default target) followed by its statement.
    Label(LabelId, Box<Stmt>),
    Goto(LabelId),
    Null,
}

impl Stmt {
    pub fn new(kind: StmtKind, span: Span) -> Self {
        Stmt { kind, span }
    }
}

impl Expr {
    /// The direct sub-expressions, in evaluation order (statement expressions and
    /// compound literals contribute the expressions of their statements/initializer).
    pub fn children(&self) -> Children<'_> {
        let few = |a, b, c| Children::Few([a, b, c], 0);
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Local(_) | ExprKind::Global(_) | ExprKind::Func(_) => {
                few(None, None, None)
            }
            ExprKind::CoreConst(_) => few(None, None, None),
            ExprKind::Deref(a)
            | ExprKind::Load(a)
            | ExprKind::Decay(a)
            | ExprKind::AddrOf(a)
            | ExprKind::Cast(_, a)
            | ExprKind::Unary(_, a)
            | ExprKind::IncDec { lhs: a, .. }
            | ExprKind::Member { base: a, .. }
            | ExprKind::CoreFieldAddr { base: a, .. } => few(Some(a), None, None),
            ExprKind::Binary(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::LogAnd(a, b)
            | ExprKind::LogOr(a, b)
            | ExprKind::Comma(a, b)
            | ExprKind::BinaryCond(a, b)
            | ExprKind::Assign(a, b)
            | ExprKind::PtrAdd { ptr: a, idx: b, .. }
            | ExprKind::PtrDiff { lhs: a, rhs: b, .. }
            | ExprKind::CompoundAssign { lhs: a, rhs: b, .. } => few(Some(a), Some(b), None),
            ExprKind::Cond(a, b, c) => few(Some(a), Some(b), Some(c)),
            ExprKind::Call { args, .. } | ExprKind::Builtin(_, args) => Children::Args(args.iter()),
            ExprKind::StmtExpr(ss, v) => {
                let mut out = Vec::new();
                for s in ss {
                    s.exprs(&mut out);
                }
                if let Some(v) = v {
                    out.push(v);
                }
                Children::Many(out.into_iter())
            }
            ExprKind::CompoundLit(_, init) => Children::Many(init.exprs().into_iter()),
        }
    }
}

/// The direct sub-expressions of an [`Expr`] ([`Expr::children`]). Most nodes have at
/// most three, held here instead of in a fresh `Vec`: the tree walks of sema and
/// lowering (call graph, by-value checks, kept globals) call this for every node, and
/// the allocation and free of a `Vec` per node were a large part of their cost
/// (bench-compile suite: sema 27.9M -> 26.0M instructions, lowering 24.0M -> 22.2M).
pub enum Children<'a> {
    /// Up to three, in order (the `Some`s first), and how many were taken.
    Few([Option<&'a Expr>; 3], usize),
    /// A call's or builtin's arguments.
    Args(std::slice::Iter<'a, Expr>),
    /// Statement expressions and compound literals.
    Many(std::vec::IntoIter<&'a Expr>),
}

impl<'a> Iterator for Children<'a> {
    type Item = &'a Expr;

    fn next(&mut self) -> Option<&'a Expr> {
        match self {
            Children::Few(few, taken) => {
                let e = (*few.get(*taken)?)?;
                *taken += 1;
                Some(e)
            }
            Children::Args(args) => args.next(),
            Children::Many(many) => many.next(),
        }
    }
}

impl Init {
    /// The expressions of the initializer.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Init::Expr(e) => vec![e],
            Init::List(items) => items
                .iter()
                .filter_map(|i| match &i.value {
                    InitValue::Expr(e) => Some(e),
                    InitValue::Bytes(_) => None,
                })
                .collect(),
        }
    }
}

impl Stmt {
    /// Collects the top-level expressions of this statement and its sub-statements.
    pub fn exprs<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match &self.kind {
            StmtKind::Expr(e) | StmtKind::Return(Some(e)) => out.push(e),
            StmtKind::Decl(_, Some(init)) => out.extend(init.exprs()),
            StmtKind::Block(ss) => ss.iter().for_each(|s| s.exprs(out)),
            StmtKind::If(c, t, e) => {
                out.push(c);
                t.exprs(out);
                if let Some(e) = e {
                    e.exprs(out);
                }
            }
            StmtKind::While(c, b) | StmtKind::DoWhile(b, c) => {
                out.push(c);
                b.exprs(out);
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
            } => {
                init.iter().for_each(|s| s.exprs(out));
                out.extend(cond.iter());
                out.extend(step.iter());
                body.exprs(out);
            }
            StmtKind::Switch { cond, body, .. } => {
                out.push(cond);
                body.exprs(out);
            }
            StmtKind::Label(_, b) => b.exprs(out),
            StmtKind::Decl(_, None)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Return(None)
            | StmtKind::Goto(_)
            | StmtKind::Null => {}
        }
    }
}
