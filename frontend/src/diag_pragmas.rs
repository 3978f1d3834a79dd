//! `#pragma GCC diagnostic` / `#pragma clang diagnostic` (and the same through
//! `_Pragma`): `push`, `pop`, `ignored "-Wflag"`, `warning "-Wflag"`, `error "-Wflag"`,
//! as clang honours them. libbpf's `BPF_PROG` and `BPF_KPROBE` macros
//! (`bpf/bpf_tracing.h`) wrap their `(void *)ctx[i]` arguments in
//! `ignored "-Wint-conversion"`, so a program using them must compile quietly.
//!
//! A warning names its flag at the end of its message, as clang prints it
//! (`... [-Wint-conversion]`). It is dropped when its place overlaps a token that the
//! preprocessor produced while that flag was ignored. Tokens of a macro expansion all
//! sit at the macro use, so a pragma inside a macro body covers that whole use.

use crate::preprocess::Pragma;
use crate::token::Token;
use diag::{Diagnostic, Diagnostics, Severity, Span};
use std::ops::Range;

/// Token ranges (indices into the preprocessed stream) where a flag is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoredRegions {
    /// `(flag without "-W", tokens)`, in the order the regions open.
    pub regions: Vec<(String, Range<usize>)>,
}

/// One understood diagnostic pragma.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Push,
    Pop,
    /// `ignored` (true) or `warning`/`error` (false) for a flag.
    Set(String, bool),
}

fn parse_action(text: &str) -> Option<Action> {
    let mut words = text.split_whitespace();
    if !matches!(words.next(), Some("GCC" | "clang")) || words.next() != Some("diagnostic") {
        return None;
    }
    let verb = words.next()?;
    match verb {
        "push" => Some(Action::Push),
        "pop" => Some(Action::Pop),
        "ignored" | "warning" | "error" => {
            let arg = words.next()?.trim_matches('"');
            let flag = arg.strip_prefix("-W")?;
            Some(Action::Set(flag.to_string(), verb == "ignored"))
        }
        _ => None,
    }
}

/// The regions the diagnostic pragmas of one preprocessed file describe; `end` is the
/// number of tokens (where an unclosed region ends).
pub fn ignored_regions(pragmas: &[Pragma], end: usize) -> IgnoredRegions {
    // Flag → token where it became ignored, for the flags ignored right now.
    let mut current: Vec<(String, usize)> = Vec::new();
    let mut saved: Vec<Vec<(String, usize)>> = Vec::new();
    let mut out = IgnoredRegions::default();
    let close = |out: &mut IgnoredRegions, open: &[(String, usize)], at: usize| {
        for (flag, from) in open {
            if *from < at {
                out.regions.push((flag.clone(), *from..at));
            }
        }
    };
    for p in pragmas {
        let Some(action) = parse_action(&p.text) else {
            continue;
        };
        let at = p.before_token;
        match action {
            Action::Push => saved.push(current.clone()),
            Action::Pop => {
                // clang ignores a pop without a push (with a warning).
                if let Some(prev) = saved.pop() {
                    close(&mut out, &current, at);
                    current = prev.into_iter().map(|(f, _)| (f, at)).collect();
                }
            }
            Action::Set(flag, ignore) => {
                let pos = current.iter().position(|(f, _)| *f == flag);
                match (pos, ignore) {
                    (None, true) => current.push((flag, at)),
                    (Some(i), false) => {
                        let open = current.remove(i);
                        close(&mut out, std::slice::from_ref(&open), at);
                    }
                    _ => {}
                }
            }
        }
    }
    close(&mut out, &current, end);
    out
}

/// The `-W` flag a warning's message ends with (`... [-Wint-conversion]`).
pub fn warning_flag(d: &Diagnostic) -> Option<&str> {
    let rest = d.message.trim_end().strip_suffix(']')?;
    let start = rest.rfind("[-W")?;
    Some(&rest[start + 3..])
}

fn overlaps(a: Span, b: Span) -> bool {
    a.file == b.file && a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// Drops the warnings whose flag was ignored by a pragma where they point.
pub fn filter(diags: Diagnostics, regions: &IgnoredRegions, tokens: &[Token]) -> Diagnostics {
    if regions.regions.is_empty() {
        return diags;
    }
    let mut out = Diagnostics::new();
    for d in diags.items {
        let silenced = d.severity == Severity::Warning
            && warning_flag(&d).is_some_and(|flag| {
                d.primary_span().is_some_and(|at| {
                    regions.regions.iter().any(|(f, range)| {
                        f == flag
                            && tokens
                                .get(range.clone())
                                .unwrap_or(&[])
                                .iter()
                                .any(|t| overlaps(t.report_span(), at))
                    })
                })
            });
        if !silenced {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(at: usize, text: &str) -> Pragma {
        Pragma::for_test(at, text)
    }

    #[test]
    fn push_ignore_pop_makes_one_region() {
        let r = ignored_regions(
            &[
                p(3, "GCC diagnostic push"),
                p(3, "GCC diagnostic ignored \"-Wint-conversion\""),
                p(9, "GCC diagnostic pop"),
            ],
            20,
        );
        assert_eq!(r.regions, vec![("int-conversion".to_string(), 3..9)]);
    }

    #[test]
    fn unclosed_and_reenabled_regions() {
        let r = ignored_regions(
            &[
                p(1, "clang diagnostic ignored \"-Wfoo\""),
                p(4, "clang diagnostic warning \"-Wfoo\""),
                p(6, "clang diagnostic ignored \"-Wbar\""),
                p(
                    7,
                    "clang attribute push (__attribute__((x)), apply_to = record)",
                ),
            ],
            10,
        );
        assert_eq!(
            r.regions,
            vec![("foo".to_string(), 1..4), ("bar".to_string(), 6..10)]
        );
    }

    #[test]
    fn pop_restores_what_push_saved() {
        let r = ignored_regions(
            &[
                p(0, "GCC diagnostic ignored \"-Wa\""),
                p(2, "GCC diagnostic push"),
                p(2, "GCC diagnostic warning \"-Wa\""),
                p(5, "GCC diagnostic pop"),
                p(6, "GCC diagnostic pop"),
            ],
            8,
        );
        assert_eq!(
            r.regions,
            vec![("a".to_string(), 0..2), ("a".to_string(), 5..8)]
        );
    }

    #[test]
    fn flag_comes_from_the_message_tail() {
        let d = Diagnostic::warning(diag::codes::E_INCOMPATIBLE, "x y [-Wint-conversion]");
        assert_eq!(warning_flag(&d), Some("int-conversion"));
        let d = Diagnostic::warning(diag::codes::E_INCOMPATIBLE, "no flag");
        assert_eq!(warning_flag(&d), None);
    }
}
