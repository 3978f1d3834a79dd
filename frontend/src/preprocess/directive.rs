//! Executing preprocessing directives (C17 6.10): `#define`, `#undef`, `#include`
//! (and GNU `#include_next`, `#import`), the conditional family (`#if #ifdef #ifndef
//! #elif #elifdef #elifndef #else #endif`), `#line` and GNU line markers, `#error`,
//! `#warning`, `#pragma` (only `once` has an effect), `#ident`/`#sccs` (ignored).
//!
//! Invariants: called with the current file positioned at a `#` that starts a line;
//! returns with the file positioned at the next line (or at the `#` of the directive
//! that ends a skipped group). Skipped groups are only scanned for conditional
//! directives (C17 6.10.1p6), so bad tokens and unknown directives there are ignored.

use super::include::HeaderName;
use super::macros::Macro;
use super::{Cond, PTok, Pp};
use crate::token::Tok;
use diag::{Diagnostic, Span, codes};
use std::rc::Rc;
use std::sync::Arc;

impl Pp<'_> {
    /// Runs the directive at the current position.
    pub(super) fn directive(&mut self) {
        let Some(f) = self.files.last_mut() else {
            return;
        };
        let hash_raw = f.toks.get(f.pos).copied();
        f.pos += 1;
        let file = f.id;
        let hash_span = hash_raw
            .map(|r| Span::new(file, r.start as usize, r.end as usize))
            .unwrap_or_default();
        let (line, bad) = self.rest_of_line();
        let Some(name_tok) = line.first() else {
            return; // the null directive
        };
        let dir_span = hash_span.to(name_tok.span);
        let name = name_tok.text.clone();
        let args: Vec<PTok> = line.iter().skip(1).cloned().collect();
        // Lines whose text is free-form keep their bad tokens quiet.
        let free_form = matches!(&*name, "error" | "warning" | "pragma" | "ident" | "sccs");
        if !free_form {
            for d in bad {
                self.diags.push(d);
            }
        }
        match &*name {
            "define" => self.do_define(args, dir_span),
            "undef" => self.do_undef(args, dir_span),
            "include" => self.do_include(args, dir_span, false, false),
            "include_next" => self.do_include(args, dir_span, true, false),
            "import" => self.do_include(args, dir_span, false, true),
            "if" => {
                let v = self.eval_if(args, dir_span);
                self.open_cond(dir_span, v);
            }
            "ifdef" | "ifndef" => {
                let v = self.defined_name(&args, dir_span) == (&*name == "ifdef");
                self.open_cond(dir_span, v);
            }
            "elif" | "elifdef" | "elifndef" => self.do_elif(&name, args, dir_span),
            "else" => self.do_else(dir_span),
            "endif" => self.do_endif(dir_span),
            "line" => self.do_line(args, dir_span),
            "error" | "warning" => {
                let msg = self.line_text(&line);
                let d = if &*name == "error" {
                    Diagnostic::error(codes::E_PP_ERROR_DIRECTIVE, msg)
                } else {
                    Diagnostic::warning(codes::E_PP_WARNING_DIRECTIVE, msg)
                };
                self.diags
                    .push(d.with_label(dir_span, format!("#{name} here")));
            }
            "pragma" => {
                let text = self.line_text(&line);
                let end = line.last().map(|t| t.span).unwrap_or(dir_span);
                self.pragma(text, dir_span.to(end));
            }
            "ident" | "sccs" | "assert" | "unassert" => {}
            _ if name_tok.tok == Tok::IntLit => self.do_line(line.clone(), dir_span),
            _ => self.diags.push(
                Diagnostic::error(
                    codes::E_PP_BAD_DIRECTIVE,
                    format!("invalid preprocessing directive `#{name}`"),
                )
                .with_label(dir_span, "unknown directive"),
            ),
        }
    }

    /// The source text of a directive line after its name (for `#error` messages): up
    /// to the end of the logical line, so bad tokens (a lone `'`) stay in the message.
    fn line_text(&self, line: &[PTok]) -> String {
        let (Some(name), Some(first)) = (line.first(), line.get(1)) else {
            return String::new();
        };
        let Some(text) = self.sources.get(name.span.file).map(|f| f.text.clone()) else {
            return String::new();
        };
        let start = first.span.start as usize;
        let bytes = text.as_bytes();
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if b == b'\n' {
                let before = text.get(start..end).unwrap_or("");
                if !before.trim_end_matches([' ', '\t', '\r']).ends_with('\\') {
                    break;
                }
            }
            end += 1;
        }
        // Phase 2: backslash-newlines join the physical lines.
        let mut joined = String::new();
        for (k, piece) in text.get(start..end).unwrap_or("").split('\n').enumerate() {
            if k > 0 {
                let kept = joined.trim_end_matches([' ', '\t', '\r']).len();
                joined.truncate(kept.saturating_sub(1));
            }
            joined.push_str(piece);
        }
        joined.trim_end().to_string()
    }

    pub(super) fn do_define(&mut self, args: Vec<PTok>, dir_span: Span) {
        let Some(name) = args.first().cloned() else {
            self.bad_define(dir_span, "macro name missing");
            return;
        };
        if !name.is_identlike() {
            self.bad_define(name.span, "macro name must be an identifier");
            return;
        }
        if &*name.text == "defined" {
            self.bad_define(name.span, "`defined` cannot be used as a macro name");
            return;
        }
        let mut i = 1;
        let mut params: Vec<Arc<str>> = Vec::new();
        let mut variadic = false;
        let function_like = args
            .get(1)
            .is_some_and(|t| t.tok == Tok::LParen && !t.space);
        if function_like {
            i = 2;
            let mut expect_param = true;
            loop {
                let Some(t) = args.get(i) else {
                    self.bad_define(dir_span, "missing `)` in macro parameter list");
                    return;
                };
                i += 1;
                match t.tok {
                    Tok::RParen if !expect_param || params.is_empty() => break,
                    Tok::Ellipsis if expect_param => {
                        params.push(Arc::from("__VA_ARGS__"));
                        variadic = true;
                        if args.get(i).is_some_and(|t| t.tok == Tok::RParen) {
                            i += 1;
                            break;
                        }
                        self.bad_define(t.span, "`...` must be the last parameter");
                        return;
                    }
                    _ if expect_param && t.is_identlike() => {
                        if params.contains(&t.text) {
                            self.bad_define(t.span, "duplicate macro parameter name");
                            return;
                        }
                        params.push(t.text.clone());
                        expect_param = false;
                        // GNU named variadic: `args...`
                        if args.get(i).is_some_and(|t| t.tok == Tok::Ellipsis) {
                            variadic = true;
                            if args.get(i + 1).is_some_and(|t| t.tok == Tok::RParen) {
                                i += 2;
                                break;
                            }
                            self.bad_define(t.span, "a named variadic parameter must be the last");
                            return;
                        }
                    }
                    Tok::Comma if !expect_param => expect_param = true,
                    _ => {
                        self.bad_define(t.span, "invalid token in macro parameter list");
                        return;
                    }
                }
            }
        }
        let mut body: Vec<PTok> = args.get(i..).map(<[PTok]>::to_vec).unwrap_or_default();
        if let Some(first) = body.first_mut() {
            first.space = false;
        }
        let body_param: Vec<Option<usize>> = body
            .iter()
            .map(|t| {
                if t.is_identlike() {
                    params.iter().position(|p| *p == t.text)
                } else {
                    None
                }
            })
            .collect();
        // C17 6.10.3.2p1: `#` in a function-like macro must precede a parameter.
        if function_like {
            for (k, t) in body.iter().enumerate() {
                let next_is_param = body_param.get(k + 1).copied().flatten().is_some();
                let next_is_va_opt = body.get(k + 1).is_some_and(|n| &*n.text == "__VA_OPT__");
                if t.tok == Tok::Hash && !next_is_param && !next_is_va_opt {
                    self.bad_define(t.span, "`#` is not followed by a macro parameter");
                    return;
                }
            }
        }
        // C17 6.10.3.3p1: `##` cannot start or end a replacement list.
        if let Some(t) = body.first().filter(|t| t.tok == Tok::HashHash) {
            self.bad_define(t.span, "`##` cannot appear at the start of a macro body");
            return;
        }
        if let Some(t) = body.last().filter(|t| t.tok == Tok::HashHash) {
            self.bad_define(t.span, "`##` cannot appear at the end of a macro body");
            return;
        }
        let def_span = name.span;
        let m = Macro {
            name: name.text.clone(),
            def_span,
            function_like,
            params,
            variadic,
            body,
            body_param,
            builtin: false,
            lazy: None,
        };
        let old = self.macros.get(&name.text).map(|o| self.realize(o));
        if let Some(old) = old
            && !old.same_as(&m)
        {
            let mut d = Diagnostic::warning(
                codes::E_PP_MACRO_REDEFINED,
                format!("`{}` macro redefined", name.text),
            )
            .with_label(def_span, "redefined here");
            if !old.builtin && old.def_span != Span::default() {
                d = d.with_secondary(old.def_span, "previous definition is here");
            }
            self.diags.push(d);
        }
        self.macros.insert(name.text.clone(), Rc::new(m));
    }

    fn bad_define(&mut self, span: Span, msg: &str) {
        self.diags.push(
            Diagnostic::error(
                codes::E_PP_BAD_DEFINE,
                format!("invalid macro definition: {msg}"),
            )
            .with_label(span, msg.to_string()),
        );
    }

    fn do_undef(&mut self, args: Vec<PTok>, dir_span: Span) {
        match args.first() {
            Some(t) if t.is_identlike() => {
                self.macros.remove(&t.text);
            }
            Some(t) => self.bad_define(t.span, "macro name must be an identifier"),
            None => self.bad_define(dir_span, "macro name missing"),
        }
    }

    /// `#ifdef X` / `#ifndef X`: is X defined.
    fn defined_name(&mut self, args: &[PTok], dir_span: Span) -> bool {
        match args.first() {
            Some(t) if t.is_identlike() => self.macros.contains(&t.text),
            Some(t) => {
                self.bad_define(t.span, "macro name must be an identifier");
                false
            }
            None => {
                self.bad_define(dir_span, "macro name missing");
                false
            }
        }
    }

    fn open_cond(&mut self, span: Span, taken: bool) {
        if let Some(f) = self.files.last_mut() {
            f.conds.push(Cond {
                span,
                taken,
                seen_else: false,
            });
        }
        if !taken {
            self.skip_group();
        }
    }

    fn stray(&mut self, span: Span, msg: &str) {
        let label = if msg.contains("after #else") {
            "this group already had its #else"
        } else {
            "no #if is open here"
        };
        self.diags.push(
            Diagnostic::error(codes::E_PP_STRAY_CONDITIONAL, msg.to_string())
                .with_label(span, label),
        );
    }

    fn do_elif(&mut self, name: &str, args: Vec<PTok>, dir_span: Span) {
        let Some(c) = self.files.last().and_then(|f| f.conds.last()).cloned() else {
            self.stray(dir_span, &format!("#{name} without #if"));
            return;
        };
        if c.seen_else {
            self.stray(dir_span, &format!("#{name} after #else"));
        }
        if c.taken {
            self.skip_group();
            return;
        }
        let v = match name {
            "elif" => self.eval_if(args, dir_span),
            "elifdef" => self.defined_name(&args, dir_span),
            _ => !self.defined_name(&args, dir_span),
        };
        if let Some(c) = self.files.last_mut().and_then(|f| f.conds.last_mut()) {
            c.taken = v;
        }
        if !v {
            self.skip_group();
        }
    }

    fn do_else(&mut self, dir_span: Span) {
        let Some(c) = self.files.last_mut().and_then(|f| f.conds.last_mut()) else {
            self.stray(dir_span, "#else without #if");
            return;
        };
        let was_taken = c.taken;
        let dup = c.seen_else;
        c.seen_else = true;
        c.taken = true;
        if dup {
            self.stray(dir_span, "#else after #else");
        }
        if was_taken {
            self.skip_group();
        }
    }

    fn do_endif(&mut self, dir_span: Span) {
        let popped = self.files.last_mut().and_then(|f| f.conds.pop());
        if popped.is_none() {
            self.stray(dir_span, "#endif without #if");
        }
    }

    /// Skips a false group: stops at the `#` of the `#elif`/`#else`/`#endif` that ends
    /// it (same nesting level), or at the end of the file.
    fn skip_group(&mut self) {
        let Some(f) = self.files.last_mut() else {
            return;
        };
        let text = match self.sources.get(f.id) {
            Some(s) => s.text.clone(),
            None => return,
        };
        let toks = f.toks.clone();
        let spell = |i: usize| -> &str {
            toks.get(i)
                .and_then(|t| text.get(t.start as usize..t.end as usize))
                .unwrap_or("")
        };
        let mut depth = 0usize;
        let mut i = f.pos;
        while let Some(t) = toks.get(i) {
            let directive_name =
                t.bol && t.kind == Ok(Tok::Hash) && toks.get(i + 1).is_some_and(|n| !n.bol);
            if directive_name {
                match spell(i + 1) {
                    "if" | "ifdef" | "ifndef" => depth += 1,
                    "endif" if depth > 0 => depth -= 1,
                    "elif" | "elifdef" | "elifndef" | "else" | "endif" if depth == 0 => {
                        f.pos = i;
                        return;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        f.pos = toks.len();
    }

    /// Reads a header name from an `#include` line or a `__has_include` operand:
    /// `"..."`, `<...>` as written, or macro-expanded to one of those.
    pub(super) fn header_name(&mut self, toks: Vec<PTok>, at: Span) -> Option<HeaderName> {
        let first = toks.first()?.clone();
        if first.tok == Tok::StrLit && first.text.starts_with('"') {
            let name = first.text.trim_start_matches('"').trim_end_matches('"');
            return Some(HeaderName {
                name: name.to_string(),
                quoted: true,
                span: first.span,
            });
        }
        if first.tok == Tok::Lt {
            let gt = toks.iter().position(|t| t.tok == Tok::Gt)?;
            let inner = toks.get(1..gt)?;
            let last = toks.get(gt)?;
            // Same file, no expansion: take the text as written (keeps spaces, `//`).
            let span = first.span.to(last.span);
            let raw = (first.expansion.is_none()
                && last.expansion.is_none()
                && first.span.file == last.span.file)
                .then(|| {
                    self.sources
                        .get(first.span.file)
                        .and_then(|f| {
                            f.text
                                .get(first.span.end as usize..last.span.start as usize)
                        })
                        .map(str::to_string)
                })
                .flatten();
            let name = raw.unwrap_or_else(|| {
                let mut s = String::new();
                for (k, t) in inner.iter().enumerate() {
                    if k > 0 && t.space {
                        s.push(' ');
                    }
                    s.push_str(&t.text);
                }
                s
            });
            return Some(HeaderName {
                name,
                quoted: false,
                span: if first.expansion.is_some() { at } else { span },
            });
        }
        if first.is_identlike() {
            // Expanded once: the result must be "..." or <...> (an identifier that is
            // still there is not a header name, even if it names a painted macro).
            let expanded = self.expand_list(toks);
            if expanded.first().is_none_or(PTok::is_identlike) {
                return None;
            }
            return self.header_name(expanded, at);
        }
        None
    }

    fn do_include(&mut self, args: Vec<PTok>, dir_span: Span, next: bool, once: bool) {
        let Some(h) = self.header_name(args, dir_span) else {
            self.diags.push(
                Diagnostic::error(
                    codes::E_PP_BAD_INCLUDE,
                    "#include expects \"FILENAME\" or <FILENAME>",
                )
                .with_label(dir_span, "no file name here"),
            );
            return;
        };
        let at = if h.span.file == dir_span.file {
            dir_span.to(h.span)
        } else {
            dir_span
        };
        match self.find_header(&h.name, h.quoted, next) {
            Some(found) => {
                let key = found.key.clone();
                self.open_header(found, at);
                if once && let Some(&id) = self.file_ids.get(&key) {
                    self.once.insert(id);
                }
            }
            None => self.diags.push(
                Diagnostic::error(
                    codes::E_PP_INCLUDE_NOT_FOUND,
                    format!("'{}' file not found", h.name),
                )
                .with_label(at, "included here"),
            ),
        }
    }

    /// `#line N ["file"]` and `# N "file" flags...`: changes what `__LINE__` and
    /// `__FILE__` say for the rest of the file.
    fn do_line(&mut self, args: Vec<PTok>, dir_span: Span) {
        let toks = if args.first().is_some_and(|t| t.tok == Tok::IntLit) {
            args
        } else {
            self.expand_list(args)
        };
        let num = toks
            .first()
            .filter(|t| t.tok == Tok::IntLit && t.text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.text.parse::<i64>().ok());
        let Some(n) = num else {
            self.diags.push(
                Diagnostic::error(codes::E_PP_BAD_LINE, "#line expects a line number")
                    .with_label(dir_span, "no decimal line number after this"),
            );
            return;
        };
        let name = match toks.get(1) {
            Some(t) if t.tok == Tok::StrLit && t.text.starts_with('"') => Some(Arc::from(
                t.text.trim_start_matches('"').trim_end_matches('"'),
            )),
            Some(t) if !(t.tok == Tok::IntLit) => {
                self.diags.push(
                    Diagnostic::error(codes::E_PP_BAD_LINE, "invalid file name in #line")
                        .with_label(t.span, "expected a string literal"),
                );
                return;
            }
            _ => None,
        };
        // The line after the directive is line `n`.
        let dir_line = self
            .sources
            .get(dir_span.file)
            .map(|f| i64::from(f.line_col(dir_span.start).0))
            .unwrap_or(0);
        if let Some(f) = self.files.last_mut() {
            f.line_delta = n - (dir_line + 1);
            if name.is_some() {
                f.presumed_name = name;
            }
        }
    }
}
