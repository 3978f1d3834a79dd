//! The C abstract syntax tree the parser builds and semantic analysis checks.
//!
//! It follows the C17 grammar (ISO/IEC 9899:2018 6.5–6.9) plus the GNU extensions that
//! clang accepts and BPF programs and their headers use (attributes, statement
//! expressions, `?:`, case ranges, `typeof`, `asm` statements and labels,
//! `__builtin_offsetof`, `__builtin_types_compatible_p`, `__builtin_choose_expr`).
//!
//! Invariants:
//! - Every node carries a [`Span`]: the report span of its tokens (the macro use when a
//!   token came from an expansion), from its first token to its last when they are in
//!   the same file, else its first token's.
//! - The tree keeps what the source said, not what it means: declaration specifiers stay
//!   in source order ([`DeclSpecs::items`]), so that semantic analysis checks the
//!   combinations (`long long unsigned`, two storage classes, ...) and reports them with
//!   the right span. Typedef names are already resolved syntactically (the parser's
//!   scopes decide whether `T * x;` declares or multiplies).
//! - Declarator type constructors are listed in *application order*
//!   ([`Declarator::derived`]): start from the specifiers' type and wrap it with each
//!   entry in turn; the last entry is the one nearest the name. `int *a[3]` is
//!   `[Pointer, Array(3)]` (array of pointers); `int (*fp)(int)` is
//!   `[Function(int), Pointer]` (pointer to function).
//! - Literals are decoded: integers carry their value and their C17 6.4.4.1 type for
//!   the BPF LP64 model, character constants their `int` value, adjacent string
//!   literals are concatenated (C17 6.4.5p5) with escapes decoded. Floating constants are
//!   kept (text only) so that sema rejects them with a location: BPF has no FP.
//! - The tree has no parent links and no interior mutability; it is plain data.
//! - A tree returned by `parse::parse` nests expressions and statements at most
//!   `parse::depth::MAX_DEPTH` (1000) deep and brackets at most 256 deep, so recursive
//!   walkers need no depth checks of their own (deeper input is an E0209 error).

use diag::Span;
use std::sync::Arc;

/// An identifier with its place.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: Arc<str>,
    pub span: Span,
}

/// A whole file after preprocessing (C17 6.9).
#[derive(Clone, Debug, PartialEq)]
pub struct TranslationUnit {
    pub items: Vec<ExternalDecl>,
    pub span: Span,
}

/// A top-level item (C17 6.9).
#[derive(Clone, Debug, PartialEq)]
pub enum ExternalDecl {
    Function(FunctionDef),
    Decl(Declaration),
    StaticAssert(StaticAssert),
    /// File-scope `asm("...");` (GNU basic asm).
    Asm(AsmStmt),
    /// A stray `;` at file scope (an extension clang warns about).
    Empty(Span),
}

/// `specs declarator { body }` (C17 6.9.1). The declarator's last derived entry is a
/// [`DerivedDecl::Function`] when the source is well formed (sema checks it).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub specs: DeclSpecs,
    pub declarator: Declarator,
    pub body: Block,
    pub span: Span,
}

/// `specs init-declarator, ...;` (C17 6.7). `declarators` is empty for a declaration
/// that only declares a tag (`struct s { ... };`).
#[derive(Clone, Debug, PartialEq)]
pub struct Declaration {
    pub specs: DeclSpecs,
    pub declarators: Vec<InitDeclarator>,
    pub span: Span,
}

/// One declarator of a declaration with its optional initializer.
#[derive(Clone, Debug, PartialEq)]
pub struct InitDeclarator {
    pub declarator: Declarator,
    pub init: Option<Initializer>,
    pub span: Span,
}

/// Declaration specifiers in source order (C17 6.7p1), also used for
/// specifier-qualifier lists (members, type names), where sema rejects storage classes.
#[derive(Clone, Debug, PartialEq)]
pub struct DeclSpecs {
    pub items: Vec<DeclSpec>,
    pub span: Span,
}

impl DeclSpecs {
    /// The storage-class specifiers, in source order.
    pub fn storage(&self) -> impl Iterator<Item = (StorageClass, Span)> + '_ {
        self.items.iter().filter_map(|s| match s {
            DeclSpec::Storage(c, sp) => Some((*c, *sp)),
            _ => None,
        })
    }
    /// True when `typedef` is among the specifiers.
    pub fn is_typedef(&self) -> bool {
        self.storage().any(|(c, _)| c == StorageClass::Typedef)
    }
    /// The type specifiers, in source order.
    pub fn type_specs(&self) -> impl Iterator<Item = &TypeSpec> + '_ {
        self.items.iter().filter_map(|s| match s {
            DeclSpec::Type(t) => Some(t),
            _ => None,
        })
    }
    /// The type qualifiers, in source order.
    pub fn qualifiers(&self) -> impl Iterator<Item = (Qualifier, Span)> + '_ {
        self.items.iter().filter_map(|s| match s {
            DeclSpec::Qual(q, sp) => Some((*q, *sp)),
            _ => None,
        })
    }
    /// The attributes written among the specifiers (they apply to the declared entity).
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> + '_ {
        self.items.iter().filter_map(|s| match s {
            DeclSpec::Attr(a) => Some(a),
            _ => None,
        })
    }
}

/// One declaration specifier (C17 6.7).
#[derive(Clone, Debug, PartialEq)]
pub enum DeclSpec {
    Storage(StorageClass, Span),
    Type(TypeSpec),
    Qual(Qualifier, Span),
    Func(FuncSpec, Span),
    /// `_Alignas(N)` or `_Alignas(type)` (C17 6.7.5).
    Align(AlignSpec),
    /// `__attribute__((...))` written among the specifiers. Attributes written right
    /// after a struct/union/enum body (`struct s {...} __attribute__((packed))`) are
    /// moved onto that specifier's `attrs` instead, as GCC and clang apply them there.
    Attr(Attribute),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageClass {
    Typedef,
    Extern,
    Static,
    Auto,
    Register,
    ThreadLocal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qualifier {
    Const,
    Volatile,
    Restrict,
    Atomic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FuncSpec {
    Inline,
    Noreturn,
}

/// `_Alignas(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignSpec {
    pub arg: AlignArg,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AlignArg {
    Expr(Box<Expr>),
    Type(Box<TypeName>),
}

/// One type specifier (C17 6.7.2).
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    pub kind: TypeSpecKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeSpecKind {
    Void,
    Char,
    Short,
    Int,
    Long,
    Float,
    Double,
    Signed,
    Unsigned,
    Bool,
    Complex,
    Int128,
    BuiltinVaList,
    /// (Boxed, like the other large nodes, to keep the parser's symbols small.)
    Record(Box<RecordSpec>),
    Enum(Box<EnumSpec>),
    /// A name the parser's scopes know as a typedef.
    TypedefName(Ident),
    /// `typeof(expr)` / `__typeof__(expr)`.
    TypeofExpr(Box<Expr>),
    /// `typeof(type-name)`.
    TypeofType(Box<TypeName>),
    /// GNU `__auto_type`: the type of the declarator's initializer (after array and
    /// function decay, unqualified).
    AutoType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Struct,
    Union,
}

/// `struct`/`union` specifier (C17 6.7.2.1). `members` is `None` for a reference or a
/// forward declaration (`struct s`), `Some` (possibly empty) when a body is written.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSpec {
    pub kind: RecordKind,
    pub name: Option<Ident>,
    pub members: Option<Vec<MemberDecl>>,
    /// Attributes after the keyword and after the closing brace.
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

/// One declaration inside a struct or union body.
#[derive(Clone, Debug, PartialEq)]
pub enum MemberDecl {
    /// `specs declarator[: width], ...;`. With no declarators and a record specifier,
    /// it is an anonymous struct/union member (C17 6.7.2.1p13).
    Field {
        specs: DeclSpecs,
        declarators: Vec<MemberDeclarator>,
        span: Span,
    },
    StaticAssert(StaticAssert),
}

/// A member declarator: a named or unnamed field, with an optional bit width.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberDeclarator {
    /// `None` for an unnamed bit-field (`int : 3;`).
    pub declarator: Option<Declarator>,
    pub bit_width: Option<Expr>,
    /// Attributes after the declarator or the width.
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

/// `enum` specifier (C17 6.7.2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct EnumSpec {
    pub name: Option<Ident>,
    /// The fixed underlying type (C23 enum-base `: T`), when written.
    pub base: Option<Box<DeclSpecs>>,
    /// `None` for a reference (`enum e`), `Some` when a body is written.
    pub enumerators: Option<Vec<Enumerator>>,
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enumerator {
    pub name: Ident,
    pub value: Option<Expr>,
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

/// A declarator (C17 6.7.6): an optional name (absent in abstract declarators and
/// unnamed parameters) and the type constructors around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    pub name: Option<Ident>,
    /// Type constructors in application order (see the module docs).
    pub derived: Vec<DerivedDecl>,
    /// Attributes written after the declarator (`int x __attribute__((aligned(8)))`).
    pub attrs: Vec<Attribute>,
    /// GNU `asm("symbol")` label: the symbol name to use instead of the identifier.
    pub asm_label: Option<StringLit>,
    pub span: Span,
}

impl Declarator {
    /// The parameter list when this declares a function (the entry nearest the name).
    pub fn function(&self) -> Option<&FunctionDecl> {
        match self.derived.last() {
            Some(DerivedDecl::Function(f)) => Some(f),
            _ => None,
        }
    }
}

/// One type constructor of a declarator.
#[derive(Clone, Debug, PartialEq)]
pub enum DerivedDecl {
    /// `* quals attrs` (C17 6.7.6.1); attributes here are type attributes such as
    /// `btf_type_tag` or `address_space`.
    Pointer {
        quals: Vec<Qualifier>,
        attrs: Vec<Attribute>,
        span: Span,
    },
    /// `[quals static size]` (C17 6.7.6.2); `size: None` for `[]`.
    Array {
        quals: Vec<Qualifier>,
        is_static: bool,
        size: Option<Box<Expr>>,
        span: Span,
    },
    Function(FunctionDecl),
}

/// A function declarator's parameters (C17 6.7.6.3).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDecl {
    /// The parameters as written: `f(void)` is one unnamed parameter of type `void`
    /// (sema turns it into "no parameters"); `f()` has no prototype
    /// (`has_prototype == false`) and no parameters.
    pub params: Vec<ParamDecl>,
    pub variadic: bool,
    pub has_prototype: bool,
    pub span: Span,
}

/// One parameter: specifiers and a possibly abstract declarator.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    pub specs: DeclSpecs,
    pub declarator: Declarator,
    pub span: Span,
}

/// A type name (C17 6.7.7): specifiers and an abstract declarator (`name == None`).
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    pub specs: DeclSpecs,
    pub declarator: Declarator,
    pub span: Span,
}

/// `__attribute__((name))` or `__attribute__((name(args)))`: one attribute of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// As written (`packed` or `__packed__`); see [`Attribute::normalized_name`].
    pub name: Ident,
    pub args: Vec<AttrArg>,
    pub span: Span,
}

impl Attribute {
    /// The name without the optional surrounding `__` (`__aligned__` → `aligned`), as
    /// GCC and clang treat both spellings alike.
    pub fn normalized_name(&self) -> &str {
        let n: &str = &self.name.name;
        match n.strip_prefix("__").and_then(|s| s.strip_suffix("__")) {
            Some(inner) if !inner.is_empty() => inner,
            _ => n,
        }
    }
}

/// An attribute argument: bare identifiers (`format(printf, 1, 2)`) and strings
/// (`section("xdp")`) are kept apart from other expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrArg {
    Ident(Ident),
    Str(StringLit),
    Expr(Expr),
}

/// An initializer (C17 6.7.9).
#[derive(Clone, Debug, PartialEq)]
pub enum Initializer {
    Expr(Box<Expr>),
    /// `{ ... }`, possibly empty (`{}` is C23/GNU).
    List {
        items: Vec<InitItem>,
        span: Span,
    },
}

impl Initializer {
    pub fn span(&self) -> Span {
        match self {
            Initializer::Expr(e) => e.span,
            Initializer::List { span, .. } => *span,
        }
    }
}

/// One element of a brace initializer with its designators (`.a.b[3] = 1`).
#[derive(Clone, Debug, PartialEq)]
pub struct InitItem {
    pub designators: Vec<Designator>,
    pub init: Initializer,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Designator {
    /// `.name`
    Field(Ident),
    /// `[index]`
    Index(Box<Expr>, Span),
    /// GNU `[lo ... hi]`
    Range(Box<Expr>, Box<Expr>, Span),
}

/// `_Static_assert(cond, "msg")` (C17 6.7.10); the message is optional (C23).
#[derive(Clone, Debug, PartialEq)]
pub struct StaticAssert {
    pub cond: Box<Expr>,
    pub message: Option<StringLit>,
    pub span: Span,
}

/// A `{ ... }` block: declarations and statements in order (C17 6.8.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub items: Vec<Stmt>,
    pub span: Span,
}

/// A statement (C17 6.8); declarations inside blocks are [`StmtKind::Decl`].
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Compound(Block),
    Decl(Declaration),
    StaticAssert(StaticAssert),
    Expr(Box<Expr>),
    /// `;`, possibly with statement attributes (`__attribute__((fallthrough));`).
    Null(Vec<Attribute>),
    If {
        cond: Box<Expr>,
        then: Box<Stmt>,
        els: Option<Box<Stmt>>,
    },
    While {
        cond: Box<Expr>,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        cond: Box<Expr>,
    },
    For {
        init: ForInit,
        cond: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
        body: Box<Stmt>,
    },
    Break,
    Continue,
    Return(Option<Box<Expr>>),
    Switch {
        cond: Box<Expr>,
        body: Box<Stmt>,
    },
    /// `case lo:` or GNU `case lo ... hi:`, labelling `body`.
    Case {
        lo: Box<Expr>,
        hi: Option<Box<Expr>>,
        body: Box<Stmt>,
    },
    Default(Box<Stmt>),
    Goto(Ident),
    Label {
        label: Ident,
        body: Box<Stmt>,
    },
    Asm(AsmStmt),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForInit {
    None,
    Expr(Box<Expr>),
    Decl(Declaration),
}

/// GNU `asm [volatile] [inline] [goto] ("template" : outputs : inputs : clobbers : labels)`.
/// Parsed fully; sema decides what BPF accepts.
#[derive(Clone, Debug, PartialEq)]
pub struct AsmStmt {
    pub is_volatile: bool,
    pub is_inline: bool,
    pub is_goto: bool,
    pub template: StringLit,
    pub outputs: Vec<AsmOperand>,
    pub inputs: Vec<AsmOperand>,
    pub clobbers: Vec<StringLit>,
    pub labels: Vec<Ident>,
    pub span: Span,
}

/// `[name] "constraint" (expr)`.
#[derive(Clone, Debug, PartialEq)]
pub struct AsmOperand {
    pub symbolic_name: Option<Ident>,
    pub constraint: StringLit,
    pub expr: Box<Expr>,
    pub span: Span,
}

/// An expression (C17 6.5).
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Ident(Ident),
    IntLit(IntLit),
    /// A floating constant's spelling (rejected by sema: BPF has no FP).
    FloatLit(Arc<str>),
    CharLit(CharLit),
    StrLit(StringLit),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `lhs = rhs` (`op == None`) or `lhs op= rhs`.
    Assign {
        op: Option<BinaryOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `cond ? then : els`; `then == None` for GNU `cond ?: els`.
    Cond {
        cond: Box<Expr>,
        then: Option<Box<Expr>>,
        els: Box<Expr>,
    },
    Cast {
        ty: Box<TypeName>,
        expr: Box<Expr>,
    },
    SizeofExpr(Box<Expr>),
    SizeofType(Box<TypeName>),
    AlignofExpr(Box<Expr>),
    AlignofType(Box<TypeName>),
    /// `(type){ ... }` (C17 6.5.2.5).
    CompoundLit {
        ty: Box<TypeName>,
        init: Vec<InitItem>,
    },
    /// `base.field` or `base->field` (`arrow`).
    Member {
        base: Box<Expr>,
        field: Ident,
        arrow: bool,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// GNU statement expression `({ ... })`: its value is the last expression statement.
    StmtExpr(Block),
    /// `__builtin_offsetof(type, a.b[2])`.
    Offsetof {
        ty: Box<TypeName>,
        path: Vec<OffsetofPart>,
    },
    /// `__builtin_types_compatible_p(t1, t2)`.
    TypesCompatible(Box<TypeName>, Box<TypeName>),
    /// `__builtin_choose_expr(cond, a, b)`.
    ChooseExpr {
        cond: Box<Expr>,
        then: Box<Expr>,
        els: Box<Expr>,
    },
    /// `__builtin_va_arg(ap, type)`.
    VaArg {
        ap: Box<Expr>,
        ty: Box<TypeName>,
    },
    /// `_Generic(control, type: expr, default: expr)` (C17 6.5.1.1).
    Generic {
        control: Box<Expr>,
        assocs: Vec<GenericAssoc>,
    },
}

/// One `_Generic` association; `ty == None` is `default`.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericAssoc {
    pub ty: Option<TypeName>,
    pub expr: Expr,
    pub span: Span,
}

/// One step of an `offsetof` member designator.
#[derive(Clone, Debug, PartialEq)]
pub enum OffsetofPart {
    Field(Ident),
    Index(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `+x`
    Plus,
    /// `-x`
    Neg,
    /// `!x`
    LogNot,
    /// `~x`
    BitNot,
    /// `*x`
    Deref,
    /// `&x`
    AddrOf,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    LogAnd,
    LogOr,
    Comma,
}

impl BinaryOp {
    /// The operator's C spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitXor => "^",
            BinaryOp::BitOr => "|",
            BinaryOp::LogAnd => "&&",
            BinaryOp::LogOr => "||",
            BinaryOp::Comma => ",",
        }
    }
}

impl UnaryOp {
    /// The operator's C spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Plus => "+",
            UnaryOp::Neg => "-",
            UnaryOp::LogNot => "!",
            UnaryOp::BitNot => "~",
            UnaryOp::Deref => "*",
            UnaryOp::AddrOf => "&",
            UnaryOp::PreInc | UnaryOp::PostInc => "++",
            UnaryOp::PreDec | UnaryOp::PostDec => "--",
        }
    }
}

/// The type of an integer constant, chosen by C17 6.4.4.1p5 for BPF's LP64 model
/// (int 32 bits; long and long long 64 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntLitType {
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
}

/// The suffix as written (`u`, `l`, `ll` in any case and order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct IntSuffix {
    pub unsigned: bool,
    /// 0, 1 (`l`) or 2 (`ll`).
    pub longs: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Radix {
    Decimal,
    Octal,
    Hex,
    Binary,
}

/// A decoded integer constant. A decimal constant too large for `long long` gets type
/// `unsigned long long`, as clang does (with a warning there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntLit {
    pub value: u64,
    pub radix: Radix,
    pub suffix: IntSuffix,
    pub ty: IntLitType,
}

/// The encoding prefix of a character or string literal (C17 6.4.4.4, 6.4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CharPrefix {
    #[default]
    None,
    /// `u8`
    Utf8,
    /// `u` (char16_t)
    Utf16,
    /// `U` (char32_t)
    Utf32,
    /// `L` (wchar_t)
    Wide,
}

/// A decoded character constant: `value` is the constant's value as its type (`int`
/// for unprefixed ones, with `char` signed as on BPF: `'\xff'` is -1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CharLit {
    pub value: i64,
    pub prefix: CharPrefix,
}

/// A string literal after concatenation and escape decoding, without the terminating
/// NUL. For unprefixed and `u8` strings, `units` are bytes (UTF-8 for non-ASCII
/// source characters and `\u` escapes); for `u` UTF-16 code units; for `U`/`L` code
/// points.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StringLit {
    pub prefix: CharPrefix,
    pub units: Vec<u32>,
    pub span: Span,
}

impl StringLit {
    /// The bytes of a narrow string (each unit truncated to 8 bits), without the NUL.
    pub fn bytes(&self) -> Vec<u8> {
        self.units.iter().map(|&u| (u & 0xff) as u8).collect()
    }
    /// The narrow string as text (lossy for invalid UTF-8).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }
}
