//! C tokens (C17 6.4) as the logos lexer produces them and the lalrpop parser consumes
//! them. The preprocessor works on the same tokens; after preprocessing, identifiers
//! that name keywords are already keyword tokens.
//!
//! Literal values are not decoded here: the token's text (from its span) is decoded by
//! the parser's literal helpers, so the enum stays `Copy`.

use logos::Logos;

/// One C token kind. Whitespace and comments are skipped by the lexer; newlines matter to
/// the preprocessor only, which tracks lines through spans.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\f\v]+")]
pub enum Tok {
    // Keywords (C17 6.4.1 plus the GNU spellings clang accepts).
    #[token("auto")]
    KwAuto,
    #[token("break")]
    KwBreak,
    #[token("case")]
    KwCase,
    #[token("char")]
    KwChar,
    #[token("const")]
    #[token("__const")]
    #[token("__const__")]
    KwConst,
    #[token("continue")]
    KwContinue,
    #[token("default")]
    KwDefault,
    #[token("do")]
    KwDo,
    #[token("double")]
    KwDouble,
    #[token("else")]
    KwElse,
    #[token("enum")]
    KwEnum,
    #[token("extern")]
    KwExtern,
    #[token("float")]
    KwFloat,
    #[token("for")]
    KwFor,
    #[token("goto")]
    KwGoto,
    #[token("if")]
    KwIf,
    #[token("inline")]
    #[token("__inline")]
    #[token("__inline__")]
    KwInline,
    #[token("int")]
    KwInt,
    #[token("long")]
    KwLong,
    #[token("register")]
    KwRegister,
    #[token("restrict")]
    #[token("__restrict")]
    #[token("__restrict__")]
    KwRestrict,
    #[token("return")]
    KwReturn,
    #[token("short")]
    KwShort,
    #[token("signed")]
    #[token("__signed")]
    #[token("__signed__")]
    KwSigned,
    #[token("sizeof")]
    KwSizeof,
    #[token("static")]
    KwStatic,
    #[token("struct")]
    KwStruct,
    #[token("switch")]
    KwSwitch,
    #[token("typedef")]
    KwTypedef,
    #[token("union")]
    KwUnion,
    #[token("unsigned")]
    KwUnsigned,
    #[token("void")]
    KwVoid,
    #[token("volatile")]
    #[token("__volatile")]
    #[token("__volatile__")]
    KwVolatile,
    #[token("while")]
    KwWhile,
    #[token("_Alignas")]
    KwAlignas,
    #[token("_Alignof")]
    #[token("__alignof__")]
    #[token("__alignof")]
    KwAlignof,
    #[token("_Atomic")]
    KwAtomic,
    #[token("_Bool")]
    KwBool,
    #[token("_Complex")]
    KwComplex,
    #[token("_Generic")]
    KwGeneric,
    #[token("_Noreturn")]
    KwNoreturn,
    #[token("_Static_assert")]
    #[token("static_assert")]
    KwStaticAssert,
    #[token("_Thread_local")]
    #[token("__thread")]
    KwThreadLocal,
    #[token("__attribute__")]
    #[token("__attribute")]
    KwAttribute,
    #[token("asm")]
    #[token("__asm__")]
    #[token("__asm")]
    KwAsm,
    #[token("typeof")]
    #[token("__typeof__")]
    #[token("__typeof")]
    KwTypeof,
    /// GNU `__auto_type`: the declared variable takes its initializer's type.
    #[token("__auto_type")]
    KwAutoType,
    #[token("__extension__")]
    KwExtension,
    #[token("__builtin_va_list")]
    KwBuiltinVaList,
    #[token("__builtin_offsetof")]
    KwBuiltinOffsetof,
    #[token("__int128")]
    KwInt128,

    // Identifiers and literals (C17 6.4.2, 6.4.4, 6.4.5).
    #[regex(r"[A-Za-z_$][A-Za-z0-9_$]*")]
    Ident,
    /// Integer constant, any base, with optional u/l suffixes.
    #[regex(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uU]|[lL]|[uU][lL]|[lL][uU]|[uU][lL][lL]|[lL][lL][uU]|[lL][lL])?")]
    IntLit,
    /// Floating constant: lexed so that it can be rejected with a location (BPF has no FP).
    #[regex(r"([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFlL]?")]
    #[regex(r"[0-9]+[eE][+-]?[0-9]+[fFlL]?")]
    FloatLit,
    #[regex(r"(u8|u|U|L)?'([^'\\\n]|\\.)+'")]
    CharLit,
    #[regex(r#"(u8|u|U|L)?"([^"\\\n]|\\.|\\\n)*""#)]
    StrLit,

    // Punctuators (C17 6.4.6), digraphs (`<: :> <% %> %: %:%:`) included.
    #[token("[")]
    #[token("<:")]
    LBracket,
    #[token("]")]
    #[token(":>")]
    RBracket,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    #[token("<%")]
    LBrace,
    #[token("}")]
    #[token("%>")]
    RBrace,
    #[token(".")]
    Dot,
    #[token("->")]
    Arrow,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("&")]
    Amp,
    #[token("*")]
    Star,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("~")]
    Tilde,
    #[token("!")]
    Bang,
    /// `/`. Comments are skipped by callbacks on their openers (a loop, not a regex:
    /// the generated regex code recurses per character in debug builds and overflows
    /// the stack on the long comments of kernel headers).
    #[token("/")]
    #[token("/*", block_comment)]
    #[token("//", line_comment)]
    Slash,
    #[token("%")]
    Percent,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("^")]
    Caret,
    #[token("|")]
    Pipe,
    #[token("&&")]
    AmpAmp,
    #[token("||")]
    PipePipe,
    #[token("?")]
    Question,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token("...")]
    Ellipsis,
    #[token("=")]
    Assign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token("&=")]
    AmpAssign,
    #[token("^=")]
    CaretAssign,
    #[token("|=")]
    PipeAssign,
    #[token(",")]
    Comma,
    /// `#` and `##`: only the preprocessor sees these.
    #[token("#")]
    #[token("%:")]
    Hash,
    #[token("##")]
    #[token("%:%:")]
    HashHash,
    #[token("\n")]
    Newline,
    /// A backslash-newline line continuation (the preprocessor joins lines through it).
    #[regex(r"\\[ \t]*\r?\n")]
    LineContinuation,
}

/// Skips the rest of a `/* ... */` comment; an unterminated one is an error token that
/// runs to the end of the input.
fn block_comment(lex: &mut logos::Lexer<Tok>) -> Result<logos::Skip, ()> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            Ok(logos::Skip)
        }
        None => {
            lex.bump(lex.remainder().len());
            Err(())
        }
    }
}

/// Skips the rest of a `//` comment, which a backslash-newline continues (C17 5.1.1.2
/// phase 2 runs before comments are removed).
fn line_comment(lex: &mut logos::Lexer<Tok>) -> logos::Skip {
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == b'\n' {
            let mut j = i;
            while j > 0 && matches!(rest[j - 1], b' ' | b'\t' | b'\r') {
                j -= 1;
            }
            if j > 0 && rest[j - 1] == b'\\' {
                i += 1;
                continue;
            }
            break;
        }
        i += 1;
    }
    lex.bump(i);
    logos::Skip
}

/// A token with its place in the source. After preprocessing, `span` is where the token
/// was spelled, and `expansion` (if any) is the macro use it came from, which is the
/// location diagnostics and line_info report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// The token's spelling (for identifiers and literals; pasted tokens have text that
    /// appears in no file).
    pub text: std::sync::Arc<str>,
    pub span: diag::Span,
    pub expansion: Option<diag::Span>,
}

impl Token {
    /// Where diagnostics and line info should point: the macro use, or the spelling.
    pub fn report_span(&self) -> diag::Span {
        self.expansion.unwrap_or(self.span)
    }
}
