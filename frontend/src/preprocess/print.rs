//! `-E` output: the preprocessed tokens as text, laid out like clang's: `# N "file"`
//! line markers, a token that starts a source line starts an output line (placed on
//! the line of its report location: the macro use for expanded tokens) indented to its
//! column, and one space where the source had whitespace.
//!
//! Invariants: re-lexing the output gives the same token sequence (a space is forced
//! between two tokens that would otherwise lex as one, e.g. `-` `-`); gaps of up to 8
//! lines are printed as blank lines, longer ones as a line marker (as clang does);
//! pragmas, when given, are printed as `#pragma` lines before the token they precede.
//! With a [`Layout`] per token (from `preprocess_full`) spacing is exactly clang's;
//! without one it is inferred from the spans.

use super::{Layout, Pragma, Preprocessed};
use crate::lexer;
use crate::token::{Tok, Token};
use diag::{FileId, SourceFile, SourceMap};

/// Prints tokens as `-E` output (layout inferred from the spans).
pub fn print_preprocessed(tokens: &[Token], sources: &SourceMap) -> String {
    print(None, tokens, None, &[], sources)
}

/// Prints a [`Preprocessed`] as `-E` output: clang's spacing, and each pragma as a
/// `#pragma` line at its place (so the output compiles to the same program).
pub fn print_preprocessed_full(p: &Preprocessed, sources: &SourceMap) -> String {
    let layout = (p.layout.len() == p.tokens.len()).then_some(p.layout.as_slice());
    print(Some(p.main), &p.tokens, layout, &p.pragmas, sources)
}

fn print(
    main: Option<FileId>,
    tokens: &[Token],
    layout: Option<&[Layout]>,
    pragmas: &[Pragma],
    sources: &SourceMap,
) -> String {
    let mut out = String::new();
    let mut pragmas = pragmas.iter().peekable();
    let mut cur_file: Option<FileId> = None;
    let mut cur_line: u32 = 0;
    let mut lines = LineCache::default();
    let mut prev: Option<&Token> = None;
    // The first line marker names the main file: given, or else the file added just
    // before the `<built-in>` file that `preprocess` adds first thing (the last such
    // file not after the first token's, if one map served several runs).
    let first = main.unwrap_or_else(|| {
        let first_tok = tokens.first().map(|t| t.report_span().file);
        let builtin = sources
            .files()
            .filter(|(id, f)| f.name == "<built-in>" && first_tok.is_none_or(|t| id.0 <= t.0 + 1))
            .map(|(id, _)| id.0)
            .last();
        match builtin {
            Some(b) if b > 0 => FileId(b - 1),
            _ => first_tok.unwrap_or(FileId(0)),
        }
    });
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
        let (line, col) = lines.line_col(at.file, file, at.start);
        let (line_start, leading_space) = match layout.and_then(|l| l.get(i)) {
            Some(l) => (l.line_start, l.leading_space),
            None => infer_layout(prev, t, sources),
        };
        let new_line = if cur_file != Some(at.file) {
            out.push_str(&format!("\n# {line} \"{}\"\n", escape(&file.name)));
            cur_file = Some(at.file);
            cur_line = line;
            true
        } else if line_start && line > cur_line {
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
            // Indent to the (expansion) column; a first token in column 1 that still
            // wants leading space (after an empty expansion or a pragma) goes to column
            // 2, as clang does.
            let col = if col == 1 && leading_space { 2 } else { col };
            for _ in 1..col {
                out.push(' ');
            }
        } else if let Some(p) = prev
            && (leading_space || avoid_concat(p, t))
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

/// Layout without the preprocessor's flags: a token starts a line if only whitespace
/// precedes it on its (report) line; it has leading space unless it is adjacent to the
/// previous token (in their spelling inside one expansion, else at their use sites).
fn infer_layout(prev: Option<&Token>, t: &Token, sources: &SourceMap) -> (bool, bool) {
    let at = t.report_span();
    let line_start = prev.is_none_or(|p| p.expansion.is_none() || p.expansion != t.expansion)
        && sources.get(at.file).is_some_and(|f| {
            let (line, col) = f.line_col(at.start);
            f.line_text(line)
                .get(..(col as usize).saturating_sub(1))
                .is_some_and(|before| before.trim().is_empty())
        });
    let Some(a) = prev else {
        return (line_start, false);
    };
    let (sa, sb) = if a.expansion.is_some() && a.expansion == t.expansion {
        (a.span, t.span)
    } else {
        (a.report_span(), t.report_span())
    };
    (line_start, !(sa.file == sb.file && sa.end == sb.start))
}

/// The source line last looked up: tokens mostly come in source order, so most
/// lookups hit it without a binary search.
#[derive(Default)]
struct LineCache {
    file: Option<FileId>,
    /// Byte range of the cached line, newline included.
    start: u32,
    end: u32,
    line: u32,
}

impl LineCache {
    fn line_col(&mut self, id: FileId, file: &SourceFile, off: u32) -> (u32, u32) {
        if self.file == Some(id) && self.start <= off && off < self.end {
            return (self.line, off - self.start + 1);
        }
        let (line, col) = file.line_col(off);
        let start = off.saturating_sub(col.saturating_sub(1));
        let rest = file.text.as_bytes().get(off as usize..).unwrap_or(&[]);
        let len = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |p| p + 1);
        *self = LineCache {
            file: Some(id),
            start,
            end: off.saturating_add(u32::try_from(len).unwrap_or(u32::MAX)),
            line,
        };
        (line, col)
    }
}

fn print_pragma(out: &mut String, p: &Pragma) {
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("#pragma ");
    out.push_str(&p.text);
    out.push('\n');
}

/// True if `a` and `b` need a space between them although the source had none:
/// when printing them side by side would lex differently, and (as clang does) after a
/// number followed by a pp-number character or a sign. Tokens adjacent in a file
/// (neither from a macro) were lexed apart already and never need one.
fn avoid_concat(a: &Token, b: &Token) -> bool {
    if a.expansion.is_none()
        && b.expansion.is_none()
        && a.span.file == b.span.file
        && a.span.end == b.span.start
    {
        return false;
    }
    let first = b.text.chars().next();
    if matches!(a.tok, Tok::IntLit | Tok::FloatLit)
        && first.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'))
    {
        return true;
    }
    would_merge(a, b)
}

/// True if printing `a` right before `b` would lex as different tokens.
fn would_merge(a: &Token, b: &Token) -> bool {
    // Brackets and separators never combine with a neighbour: skip the lexer.
    let separator =
        |c: Option<char>| matches!(c, Some('(' | ')' | '[' | ']' | '{' | '}' | ';' | ','));
    if separator(a.text.chars().last()) || separator(b.text.chars().next()) {
        return false;
    }
    let joined = format!("{}{}", a.text, b.text);
    match lexer::lex(&joined).first() {
        Some(first) => first.end as usize != a.text.len() || first.kind != Ok(a.tok),
        None => false,
    }
}

fn escape(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"")
}
