//! `#pragma clang attribute push (ATTR, apply_to = SUBJECT)` ... `#pragma clang attribute
//! pop` turned into token ranges, so that the parser or sema can give every declaration
//! in a range the attribute (bpftool's `vmlinux.h` wraps all its types in
//! `preserve_access_index` this way, and CO-RE depends on it).
//!
//! Invariants: regions nest like a stack (inner regions are listed too, in the order
//! their push appeared); a `push` without `pop` runs to the end of the token stream; a
//! `pop` without `push` is ignored (clang rejects it; the preprocessor has no error for
//! it since the parser owns attributes). Only the clang spelling with `push`/`pop` is
//! understood, including the optional namespace (`clang attribute NS.push`).

use super::Pragma;
use diag::Span;
use std::ops::Range;

/// One `push`/`pop` pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeRegion {
    /// Tokens (indices into the preprocessed stream) the attribute applies to.
    pub tokens: Range<usize>,
    /// The attribute as written, e.g. `__attribute__((preserve_access_index))`.
    pub attribute: String,
    /// The `apply_to` subject set as written, e.g. `record`.
    pub apply_to: String,
    /// The `push` pragma.
    pub span: Span,
}

/// The attribute regions of a pragma list (from `preprocess_full`), in push order;
/// `end` is the number of tokens (where an unclosed push ends).
pub fn attribute_regions(pragmas: &[Pragma], end: usize) -> Vec<AttributeRegion> {
    let mut out: Vec<AttributeRegion> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for p in pragmas {
        let Some(rest) = p.text.trim().strip_prefix("clang") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("attribute") else {
            continue;
        };
        let rest = rest.trim_start();
        // Optional `NS.` before push/pop.
        let word_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        let word = rest.get(..word_end).unwrap_or("");
        let op = word.rsplit('.').next().unwrap_or("");
        let args = rest.get(word_end..).unwrap_or("").trim();
        match op {
            "push" => {
                let (attribute, apply_to) = split_push_args(args);
                open.push(out.len());
                out.push(AttributeRegion {
                    tokens: p.before_token..end,
                    attribute,
                    apply_to,
                    span: p.span,
                });
            }
            "pop" => {
                if let Some(i) = open.pop()
                    && let Some(r) = out.get_mut(i)
                {
                    r.tokens.end = p.before_token.max(r.tokens.start);
                }
            }
            _ => {}
        }
    }
    out
}

/// `(ATTR, apply_to = SUBJECT)` → (ATTR, SUBJECT), splitting at the top-level comma.
fn split_push_args(args: &str) -> (String, String) {
    let inner = args
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .unwrap_or(args);
    let mut depth = 0i32;
    let mut split = None;
    for (i, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (attr, rest) = match split {
        Some(i) => (
            inner.get(..i).unwrap_or(""),
            inner.get(i + 1..).unwrap_or(""),
        ),
        None => (inner, ""),
    };
    let subject = rest
        .trim()
        .strip_prefix("apply_to")
        .map(|r| r.trim_start().trim_start_matches('=').trim())
        .unwrap_or("");
    (attr.trim().to_string(), subject.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(at: usize, text: &str) -> Pragma {
        Pragma::for_test(at, text)
    }

    #[test]
    fn push_pop_pairs_become_token_ranges() {
        let pragmas = [
            p(0, "GCC diagnostic push"),
            p(
                3,
                "clang attribute push (__attribute__((preserve_access_index)), apply_to = record)",
            ),
            p(
                5,
                "clang attribute push(__attribute__((unused)), apply_to=variable)",
            ),
            p(9, "clang attribute pop"),
            p(20, "clang attribute pop"),
            p(21, "clang attribute pop"),
            p(
                22,
                "clang attribute ns.push (__attribute__((cold)), apply_to = function)",
            ),
        ];
        let r = attribute_regions(&pragmas, 30);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].tokens, 3..20);
        assert_eq!(r[0].attribute, "__attribute__((preserve_access_index))");
        assert_eq!(r[0].apply_to, "record");
        assert_eq!(r[1].tokens, 5..9);
        assert_eq!(r[1].apply_to, "variable");
        assert_eq!(r[2].tokens, 22..30);
        assert_eq!(r[2].attribute, "__attribute__((cold))");
    }
}
