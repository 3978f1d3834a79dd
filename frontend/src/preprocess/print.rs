//! `-E` output: the preprocessed tokens as text, laid out like clang's: `# N "file"`
//! line markers, each token on the line of its report location (the macro use for
//! expanded tokens), the first token of a line indented to its column, and single
//! spaces where the source had whitespace.
//!
//! Invariants: re-lexing the output gives the same token sequence (a space is forced
//! between two tokens that would otherwise lex as one, e.g. `-` `-`); gaps of up to 8
//! lines are printed as blank lines, longer ones as a line marker (as clang does);
//! pragmas, when given, are printed as `#pragma` lines before the token they precede.

use super::Pragma;
use crate::lexer;
use crate::token::Token;
use diag::{FileId, SourceMap};

/// Prints tokens as `-E` output.
pub fn print_preprocessed(tokens: &[Token], sources: &SourceMap) -> String {
    print_preprocessed_with_pragmas(tokens, &[], sources)
}

/// Prints tokens as `-E` output, with each pragma as a `#pragma` line at its place
/// (so the output compiles to the same program, as clang's `-E` output does).
pub fn print_preprocessed_with_pragmas(
    tokens: &[Token],
    pragmas: &[Pragma],
    sources: &SourceMap,
) -> String {
    let mut out = String::new();
    let mut pragmas = pragmas.iter().peekable();
    let mut cur_file: Option<FileId> = None;
    let mut cur_line: u32 = 0;
    let mut prev: Option<&Token> = None;
    // The first line marker names the main file: the one added just before the
    // `<built-in>` file that `preprocess` adds first thing (else the first token's file).
    let builtin = sources
        .files()
        .find(|(_, f)| f.name == "<built-in>")
        .map(|(id, _)| id.0);
    let first = match builtin {
        Some(b) if b > 0 => FileId(b - 1),
        _ => tokens
            .first()
            .map(|t| t.report_span().file)
            .unwrap_or(FileId(0)),
    };
    if let Some(f) = sources.get(first) {
        out.push_str(&format!("# 1 \"{}\"\n", escape(&f.name)));
        cur_file = Some(first);
        cur_line = 1;
    }
    for (i, t) in tokens.iter().enumerate() {
        while let Some(p) = pragmas.next_if(|p| p.before_token <= i) {
            print_pragma(&mut out, p);
            // The next token gets a line marker: the pragma line shifted the count.
            cur_file = None;
        }
        let at = t.report_span();
        let Some(file) = sources.get(at.file) else {
            continue;
        };
        let (line, col) = file.line_col(at.start);
        let new_line = if cur_file != Some(at.file) {
            out.push_str(&format!("\n# {line} \"{}\"\n", escape(&file.name)));
            cur_file = Some(at.file);
            cur_line = line;
            true
        } else if line > cur_line {
            let gap = line - cur_line;
            if gap > 8 {
                out.push_str(&format!("\n# {line} \"{}\"\n", escape(&file.name)));
            } else {
                for _ in 0..gap {
                    out.push('\n');
                }
            }
            cur_line = line;
            true
        } else {
            prev.is_none()
        };
        if new_line {
            for _ in 1..col {
                out.push(' ');
            }
        } else if let Some(p) = prev
            && needs_space(p, t)
        {
            out.push(' ');
        }
        out.push_str(&t.text);
        prev = Some(t);
    }
    for p in pragmas {
        print_pragma(&mut out, p);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn print_pragma(out: &mut String, p: &Pragma) {
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("#pragma ");
    out.push_str(&p.text);
    out.push('\n');
}

/// Whether to print a space between two tokens on one line.
/// Inside one macro expansion the spelling locations decide; across an expansion's
/// edge, the use sites do (so `F(x);` prints its `;` right after the expansion).
fn needs_space(a: &Token, b: &Token) -> bool {
    let (sa, sb) = if a.expansion.is_some() && a.expansion == b.expansion {
        (a.span, b.span)
    } else {
        (a.report_span(), b.report_span())
    };
    let adjacent = sa.file == sb.file && sa.end == sb.start;
    // Tokens adjacent in their own spelling were split by the lexer already; only an
    // expansion edge can put two unrelated spellings side by side.
    let spelled_adjacent = a.span.file == b.span.file && a.span.end == b.span.start;
    !adjacent || (!spelled_adjacent && would_merge(a, b))
}

/// True if printing `a` right before `b` would lex as different tokens.
fn would_merge(a: &Token, b: &Token) -> bool {
    let joined = format!("{}{}", a.text, b.text);
    match lexer::lex(&joined).first() {
        Some(first) => first.end as usize != a.text.len() || first.kind != Ok(a.tok),
        None => false,
    }
}

fn escape(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"")
}
