//! Recognizes the enum-base of C23 6.7.2.2 (`enum e : unsigned char { ... }`, also
//! `enum e : T;`) at the token level, for the adapter.
//!
//! After `enum [attributes] [name]` a `:` is ambiguous in LALR(1): it may start the
//! underlying type or, in a struct, the width of an unnamed bit-field (`enum e : 3;`).
//! As clang does, it is an enum-base when a type specifier or qualifier follows. The
//! adapter then hands the parser a distinct `:` terminal and closes the type with a
//! zero-width terminal placed after the longest specifier-qualifier run, so the grammar
//! sees the base as a bracketed list (no conflict with the enclosing specifiers).

use crate::token::{Tok, Token};

/// Keywords that may appear in a specifier-qualifier list of an enum-base.
fn is_spec_keyword(t: Tok) -> bool {
    matches!(
        t,
        Tok::KwVoid
            | Tok::KwChar
            | Tok::KwShort
            | Tok::KwInt
            | Tok::KwLong
            | Tok::KwFloat
            | Tok::KwDouble
            | Tok::KwSigned
            | Tok::KwUnsigned
            | Tok::KwBool
            | Tok::KwComplex
            | Tok::KwInt128
            | Tok::KwConst
            | Tok::KwVolatile
            | Tok::KwRestrict
            | Tok::KwAtomic
    )
}

/// Tokens the adapter drops, which the scans below skip likewise.
fn skipped(t: Tok) -> bool {
    matches!(t, Tok::KwExtension | Tok::Newline | Tok::LineContinuation)
}

/// The index of the significant token before `i`, if any.
fn prev(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !skipped(tokens[j].tok))
}

/// True when the `:` at `colon` follows `enum`, `enum NAME`, or either with
/// `__attribute__((...))` groups after `enum`.
fn after_enum_head(tokens: &[Token], colon: usize) -> bool {
    let Some(mut j) = prev(tokens, colon) else {
        return false;
    };
    if tokens[j].tok == Tok::Ident {
        let Some(k) = prev(tokens, j) else {
            return false;
        };
        j = k;
    }
    loop {
        match tokens[j].tok {
            Tok::KwEnum => return true,
            Tok::RParen => {
                // Back over one `__attribute__((...))` group.
                let mut depth = 0usize;
                let mut k = j;
                loop {
                    match tokens[k].tok {
                        Tok::RParen => depth += 1,
                        Tok::LParen => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    let Some(p) = prev(tokens, k) else {
                        return false;
                    };
                    k = p;
                }
                match prev(tokens, k) {
                    Some(a) if tokens[a].tok == Tok::KwAttribute => match prev(tokens, a) {
                        Some(p) => j = p,
                        None => return false,
                    },
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
}

/// When the `:` at `colon` opens an enum-base, the index of the first token after the
/// base's specifier-qualifier list (where the closing terminal goes). `is_typedef`
/// tells whether an identifier names a type in the current scope.
pub fn base_end(
    tokens: &[Token],
    colon: usize,
    is_typedef: impl Fn(&str) -> bool,
) -> Option<usize> {
    if !after_enum_head(tokens, colon) {
        return None;
    }
    let mut i = colon + 1;
    let mut has_type = false;
    while let Some(t) = tokens.get(i) {
        match t.tok {
            tok if skipped(tok) => {}
            tok if is_spec_keyword(tok) => {
                has_type |= !matches!(
                    tok,
                    Tok::KwConst | Tok::KwVolatile | Tok::KwRestrict | Tok::KwAtomic
                );
            }
            // One typedef name, and only where no type specifier came before it (else it
            // is a declarator's name, as in `T x`).
            Tok::Ident if !has_type && is_typedef(&t.text) => has_type = true,
            _ => break,
        }
        i += 1;
    }
    has_type.then_some(i)
}
