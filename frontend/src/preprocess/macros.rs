//! Macro definitions and macro expansion (C17 6.10.3): object-like and function-like
//! macros, `#` stringizing, `##` pasting with placemarkers, `__VA_ARGS__`, named
//! variadics (`args...`), GNU `, ## __VA_ARGS__` comma deletion, `__VA_OPT__`, and the
//! built-in dynamic macros (`__LINE__`, `__FILE__`, `__COUNTER__`, ...).
//!
//! Invariants:
//! - Recursion is stopped with hide sets (each token carries the set of macros whose
//!   expansion produced it; C17 6.10.3.4p2 "painted blue"): a macro name whose own
//!   macro is in its token's hide set is never expanded, now or on any rescan.
//! - An argument is fully expanded on its own before substitution, except next to `#`
//!   or `##` (C17 6.10.3.1); the result is rescanned with the rest of the input.
//! - Every token from an expansion records the outermost invocation as `expansion`.

use super::fasthash::FastMap;
use super::{PTok, Pp};
use crate::lexer;
use crate::token::Tok;
use diag::{Diagnostic, Span, codes};
use std::rc::Rc;
use std::sync::Arc;

/// Names of the macros the expander computes itself, plus the `#if`-only operators
/// (registered so that `defined(__has_include)` is true, as in clang).
pub const BUILTIN_NAMES: &[&str] = &[
    "__LINE__",
    "__FILE__",
    "__FILE_NAME__",
    "__BASE_FILE__",
    "__COUNTER__",
    "__INCLUDE_LEVEL__",
    "__DATE__",
    "__TIME__",
    "__TIMESTAMP__",
    "__has_include",
    "__has_include_next",
    "__has_builtin",
    "__has_attribute",
    "__has_c_attribute",
    "__has_declspec_attribute",
    "__has_feature",
    "__has_extension",
    "__has_warning",
    "__is_identifier",
];

/// A macro definition.
#[derive(Debug)]
pub struct Macro {
    pub name: Arc<str>,
    /// Where it was defined (for redefinition notes).
    pub def_span: Span,
    pub function_like: bool,
    pub params: Vec<Arc<str>>,
    /// The last parameter collects the variable arguments (`...` is `__VA_ARGS__`).
    pub variadic: bool,
    pub body: Vec<PTok>,
    /// For each body token, the parameter it names.
    pub body_param: Vec<Option<usize>>,
    /// A built-in computed by the expander.
    pub builtin: bool,
    /// A predefined macro not read yet: `NAME VALUE` at these bytes of the
    /// `<built-in>` file. Most of clang's ~350 predefined macros are never used, so
    /// each is lexed on first use (`Pp::realize`), not at every start.
    pub lazy: Option<std::ops::Range<u32>>,
}

impl Macro {
    pub fn builtin(name: &str) -> Macro {
        Macro {
            name: Arc::from(name),
            def_span: Span::default(),
            function_like: false,
            params: Vec::new(),
            variadic: false,
            body: Vec::new(),
            body_param: Vec::new(),
            builtin: true,
            lazy: None,
        }
    }

    /// Same definition in the sense of C17 6.10.3p2 (same parameters, same tokens, same
    /// whitespace separation).
    pub fn same_as(&self, other: &Macro) -> bool {
        self.function_like == other.function_like
            && self.params == other.params
            && self.variadic == other.variadic
            && self.body.len() == other.body.len()
            && self
                .body
                .iter()
                .zip(&other.body)
                .enumerate()
                .all(|(i, (a, b))| a.text == b.text && (i == 0 || a.space == b.space))
    }
}

/// Interned hide sets: id 0 is the empty set; every other id is a sorted list of
/// macro ids.
pub struct HideSets {
    sets: Vec<Rc<[u32]>>,
    index: FastMap<Rc<[u32]>, u32>,
    unions: FastMap<(u32, u32), u32>,
}

impl HideSets {
    pub fn new() -> Self {
        let empty: Rc<[u32]> = Rc::from(Vec::new());
        let mut index = FastMap::default();
        index.insert(empty.clone(), 0);
        HideSets {
            sets: vec![empty],
            index,
            unions: FastMap::default(),
        }
    }

    fn get(&self, id: u32) -> &[u32] {
        self.sets.get(id as usize).map(|s| &**s).unwrap_or(&[])
    }

    fn intern(&mut self, v: Vec<u32>) -> u32 {
        if let Some(&id) = self.index.get(v.as_slice()) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(0);
        let rc: Rc<[u32]> = Rc::from(v);
        self.sets.push(rc.clone());
        self.index.insert(rc, id);
        id
    }

    pub fn contains(&self, set: u32, m: u32) -> bool {
        self.get(set).binary_search(&m).is_ok()
    }

    pub fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        if let Some(&r) = self.unions.get(&(a, b)) {
            return r;
        }
        let mut v: Vec<u32> = self.get(a).iter().chain(self.get(b)).copied().collect();
        v.sort_unstable();
        v.dedup();
        let r = self.intern(v);
        self.unions.insert((a, b), r);
        r
    }

    pub fn intersect(&mut self, a: u32, b: u32) -> u32 {
        if a == b {
            return a;
        }
        if a == 0 || b == 0 {
            return 0;
        }
        let bs = self.get(b).to_vec();
        let v: Vec<u32> = self
            .get(a)
            .iter()
            .copied()
            .filter(|m| bs.binary_search(m).is_ok())
            .collect();
        self.intern(v)
    }

    pub fn single(&mut self, m: u32) -> u32 {
        self.intern(vec![m])
    }
}

/// One argument of an invocation: its tokens as written, and (lazily) fully expanded.
struct Arg {
    raw: Vec<PTok>,
    expanded: Option<Vec<PTok>>,
}

impl Pp<'_> {
    fn macro_id(&mut self, name: &Arc<str>) -> u32 {
        if let Some(&id) = self.macro_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.macro_ids.len()).unwrap_or(u32::MAX);
        self.macro_ids.insert(name.clone(), id);
        id
    }

    /// The next fully macro-expanded token.
    pub(super) fn expand_next(&mut self) -> Option<PTok> {
        loop {
            let t = self.next_raw()?;
            if let Some(t) = self.try_expand(t) {
                return Some(t);
            }
        }
    }

    /// Expands `t` if it names a macro (pushing the result back as input and returning
    /// None); otherwise returns it.
    fn try_expand(&mut self, t: PTok) -> Option<PTok> {
        // After a nesting-depth error nothing more is expanded (keeps hostile input linear).
        if !t.is_identlike() || self.depth_reported {
            return Some(t);
        }
        if self.in_if {
            if &*t.text == "defined" {
                return Some(self.defined_operator(t));
            }
            if (t.text.starts_with("__has_") || &*t.text == "__is_identifier")
                && self.macros.get(&t.text).is_some_and(|m| m.builtin)
                && let Some(r) = self.has_operator(&t)
            {
                return Some(r);
            }
        }
        let Some(m) = self.macros.get(&t.text) else {
            return Some(t);
        };
        let m = self.realize(m);
        let id = self.macro_id(&m.name);
        if self.hidesets.contains(t.hide, id) {
            return Some(t);
        }
        if m.builtin {
            return Some(self.builtin_macro(&m, t));
        }
        if !m.function_like {
            let hs = self.hidesets.single(id);
            let hs = self.hidesets.union(t.hide, hs);
            let exp = t.expansion.unwrap_or(t.span);
            let args: Vec<Arg> = Vec::new();
            let body = self.substitute(&m, &args, 0, m.body.len());
            self.push_expansion(body, &t, hs, exp);
            return None;
        }
        if !self.next_is_lparen() {
            return Some(t);
        }
        let (args, rparen) = self.collect_args(&m, &t)?;
        let hs = self.hidesets.intersect(t.hide, rparen.hide);
        let single = self.hidesets.single(id);
        let hs = self.hidesets.union(hs, single);
        let exp = match t.expansion {
            Some(e) => e,
            None if rparen.expansion.is_none() && rparen.span.file == t.span.file => {
                t.span.to(rparen.span)
            }
            None => t.span,
        };
        let mut args: Vec<Arg> = args
            .into_iter()
            .map(|raw| Arg {
                raw,
                expanded: None,
            })
            .collect();
        let body = self.substitute_args(&m, &mut args, 0, m.body.len());
        self.push_expansion(body, &t, hs, exp);
        None
    }

    /// Pastes, drops placemarkers, stamps hide set and expansion, and pushes the result
    /// back as input to be rescanned.
    fn push_expansion(&mut self, body: Vec<PTok>, name: &PTok, hs: u32, exp: Span) {
        let body = self.paste_all(body);
        let mut out: Vec<PTok> = Vec::with_capacity(body.len());
        // A dropped placemarker with leading space gives it to the next token (as clang).
        let mut carry_space = false;
        for mut t in body {
            if t.placemarker {
                carry_space |= t.space;
                continue;
            }
            t.space |= std::mem::take(&mut carry_space);
            t.hide = self.hidesets.union(t.hide, hs);
            t.expansion = Some(exp);
            t.bol = false;
            t.paste_op = false;
            out.push(t);
        }
        // Layout that outlives the expansion's tokens travels as a placemarker left in
        // `pending` (see `next_raw`): a use that expanded to nothing hands the macro
        // name's layout to the next token; trailing empty arguments with leading space
        // hand that space to the token after the expansion (as clang does).
        let trailing = match out.first_mut() {
            Some(first) => {
                first.space = name.space;
                first.bol = name.bol;
                (false, carry_space)
            }
            None => (name.bol, name.space || carry_space),
        };
        if trailing.0 || trailing.1 {
            self.pending.push(PTok {
                bol: trailing.0,
                space: trailing.1,
                placemarker: true,
                ..name.clone()
            });
        }
        out.reverse();
        self.pending.extend(out);
    }

    /// Reads `( args )` after a function-like macro name; reports a wrong count.
    fn collect_args(&mut self, m: &Macro, name: &PTok) -> Option<(Vec<Vec<PTok>>, PTok)> {
        let _lparen = self.next_raw()?;
        let nparams = m.params.len();
        let mut args: Vec<Vec<PTok>> = vec![Vec::new()];
        let mut depth = 0usize;
        let rparen = loop {
            let Some(t) = self.next_raw() else {
                self.diags.push(
                    Diagnostic::error(
                        codes::E_PP_UNTERMINATED_CALL,
                        format!(
                            "unterminated invocation of function-like macro `{}`",
                            m.name
                        ),
                    )
                    .with_label(name.report_span(), "arguments start here and never close"),
                );
                return None;
            };
            match t.tok {
                Tok::LParen => depth += 1,
                Tok::RParen if depth == 0 => break t,
                Tok::RParen => depth -= 1,
                Tok::Comma if depth == 0 && !(m.variadic && args.len() >= nparams) => {
                    args.push(Vec::new());
                    continue;
                }
                _ => {}
            }
            if let Some(last) = args.last_mut() {
                last.push(t);
            }
        };
        if nparams == 0 && args.len() == 1 && args.first().is_some_and(Vec::is_empty) {
            args.clear();
        }
        if m.variadic && args.len() + 1 == nparams {
            args.push(Vec::new());
        }
        if args.len() != nparams {
            let span = name.report_span();
            let span = if name.expansion.is_none() && rparen.expansion.is_none() {
                name.span.to(rparen.span)
            } else {
                span
            };
            let expected = if m.variadic {
                format!("at least {}", nparams.saturating_sub(1))
            } else {
                nparams.to_string()
            };
            self.diags.push(
                Diagnostic::error(
                    codes::E_PP_MACRO_ARGS,
                    format!(
                        "macro `{}` takes {expected} argument{}, but {} {} given",
                        m.name,
                        if expected.ends_with(" 1") || expected == "1" {
                            ""
                        } else {
                            "s"
                        },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_label(span, "in this invocation")
                .with_secondary(m.def_span, "macro defined here"),
            );
            return None;
        }
        Some((args, rparen))
    }

    /// Object-like body substitution (no parameters).
    fn substitute(&mut self, m: &Macro, args: &[Arg], from: usize, to: usize) -> Vec<PTok> {
        let mut out = Vec::with_capacity(to.saturating_sub(from));
        for (i, t) in m.body.iter().enumerate().take(to).skip(from) {
            let mut t = t.clone();
            t.paste_op = t.tok == Tok::HashHash && i > 0 && i + 1 < m.body.len();
            out.push(t);
        }
        let _ = args;
        out
    }

    /// Function-like body substitution of `body[from..to]` (C17 6.10.3.1-6.10.3.3).
    fn substitute_args(
        &mut self,
        m: &Macro,
        args: &mut [Arg],
        from: usize,
        to: usize,
    ) -> Vec<PTok> {
        let mut out: Vec<PTok> = Vec::new();
        let body = &m.body;
        // Parameter indices are below `params.len()`, which `collect_args` made
        // equal to `args.len()`; the filter keeps that a checked fact.
        let nargs = args.len();
        let param_at = |i: usize| {
            m.body_param
                .get(i)
                .copied()
                .flatten()
                .filter(|&p| p < nargs)
        };
        let is_paste = |i: usize| body.get(i).is_some_and(|t| t.tok == Tok::HashHash);
        let mut i = from;
        while i < to {
            let Some(t) = body.get(i) else { break };
            // `# param`: stringize the argument as written.
            if t.tok == Tok::Hash
                && let Some(p) = param_at(i + 1).filter(|_| i + 1 < to)
            {
                let s = self.stringize(&args[p].raw, t);
                out.push(s);
                i += 2;
                continue;
            }
            // `__VA_OPT__ ( content )` in a variadic macro (C23 6.10.5.1).
            if m.variadic
                && !self.in_va_opt
                && &*t.text == "__VA_OPT__"
                && body.get(i + 1).is_some_and(|n| n.tok == Tok::LParen)
            {
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < to {
                    match body.get(j).map(|b| b.tok) {
                        Some(Tok::LParen) => depth += 1,
                        Some(Tok::RParen) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                // Present only if the variable arguments expand to some token (C23
                // 6.10.5.1), as clang decides: `F(EMPTY)` has none.
                let mut has_va = false;
                if let Some(a) = args.last_mut()
                    && !a.raw.is_empty()
                {
                    if a.expanded.is_none() {
                        a.expanded = Some(self.expand_list(a.raw.clone()));
                    }
                    has_va = a.expanded.as_ref().is_some_and(|e| !e.is_empty());
                }
                if has_va {
                    let start = out.len();
                    // C23 forbids nested __VA_OPT__; an inner one stays a plain name,
                    // which also keeps this recursion one level deep.
                    let saved = std::mem::replace(&mut self.in_va_opt, true);
                    let inner = self.substitute_args(m, args, i + 2, j.min(to));
                    self.in_va_opt = saved;
                    out.extend(inner);
                    // The content takes the `__VA_OPT__` token's spacing (as clang).
                    if let Some(first) = out.get_mut(start) {
                        first.space = t.space;
                    }
                } else {
                    let mut pm = t.clone();
                    pm.placemarker = true;
                    out.push(pm);
                }
                i = j + 1;
                continue;
            }
            // GNU: `, ## __VA_ARGS__` drops the comma when the variable argument is empty.
            if t.tok == Tok::HashHash
                && m.variadic
                && out
                    .last()
                    .is_some_and(|l| l.tok == Tok::Comma && !l.placemarker)
                && param_at(i + 1) == Some(m.params.len().saturating_sub(1))
                && i + 1 < to
            {
                let p = m.params.len().saturating_sub(1);
                if args[p].raw.is_empty() {
                    out.pop();
                } else {
                    out.extend(args[p].raw.iter().cloned());
                }
                i += 2;
                continue;
            }
            if let Some(p) = param_at(i) {
                let next_paste = i + 1 < to && is_paste(i + 1);
                let prev_paste = i > from && is_paste(i - 1);
                let toks: Vec<PTok> = if next_paste || prev_paste {
                    args[p].raw.clone()
                } else {
                    if args[p].expanded.is_none() {
                        let e = self.expand_list(args[p].raw.clone());
                        args[p].expanded = Some(e);
                    }
                    args[p].expanded.clone().unwrap_or_default()
                };
                if toks.is_empty() {
                    let mut pm = t.clone();
                    pm.placemarker = true;
                    out.push(pm);
                } else {
                    let start = out.len();
                    out.extend(toks);
                    if let Some(first) = out.get_mut(start) {
                        first.space = t.space;
                    }
                }
                i += 1;
                continue;
            }
            let mut c = t.clone();
            c.paste_op = t.tok == Tok::HashHash && i > from && i + 1 < to;
            out.push(c);
            i += 1;
        }
        out
    }

    /// `#arg`: the argument's spelling as a string literal (C17 6.10.3.2).
    fn stringize(&mut self, arg: &[PTok], hash: &PTok) -> PTok {
        let mut s = String::from("\"");
        for (k, t) in arg.iter().enumerate() {
            if k > 0 && t.space {
                s.push(' ');
            }
            if matches!(t.tok, Tok::StrLit | Tok::CharLit) {
                for c in t.text.chars() {
                    if c == '"' || c == '\\' {
                        s.push('\\');
                    }
                    s.push(c);
                }
            } else {
                s.push_str(&t.text);
            }
        }
        s.push('"');
        PTok {
            tok: Tok::StrLit,
            text: self.intern(&s),
            span: hash.span,
            expansion: None,
            bol: false,
            space: hash.space,
            hide: 0,
            paste_op: false,
            placemarker: false,
        }
    }

    /// Applies every `##` of a substituted body, left to right.
    fn paste_all(&mut self, body: Vec<PTok>) -> Vec<PTok> {
        if !body.iter().any(|t| t.paste_op) {
            return body;
        }
        let mut out: Vec<PTok> = Vec::with_capacity(body.len());
        let mut it = body.into_iter();
        while let Some(t) = it.next() {
            if !t.paste_op {
                out.push(t);
                continue;
            }
            let lhs = out.pop();
            let rhs = it.next();
            match (lhs, rhs) {
                (Some(l), Some(r)) => {
                    let pasted = self.paste(l, r, &t);
                    out.extend(pasted);
                }
                (Some(l), None) => out.push(l),
                (None, Some(r)) => out.push(r),
                (None, None) => {}
            }
        }
        out
    }

    /// `lhs ## rhs` (C17 6.10.3.3p3): one token, or an error and both tokens.
    fn paste(&mut self, lhs: PTok, rhs: PTok, op: &PTok) -> Vec<PTok> {
        if lhs.placemarker {
            return vec![rhs];
        }
        if rhs.placemarker {
            return vec![lhs];
        }
        let joined = format!("{}{}", lhs.text, rhs.text);
        match lexer::lex_single(&joined) {
            Some(tok) => {
                let text = self.intern(&joined);
                vec![PTok {
                    tok,
                    text,
                    paste_op: false,
                    ..lhs
                }]
            }
            None => {
                self.diags.push(
                    Diagnostic::error(
                        codes::E_PP_BAD_PASTE,
                        format!(
                            "pasting `{}` and `{}` does not give a valid preprocessing token",
                            lhs.text, rhs.text
                        ),
                    )
                    .with_label(op.report_span(), "in this `##`"),
                );
                vec![lhs, rhs]
            }
        }
    }

    /// A token made by the preprocessor at `at`.
    fn synth(&mut self, tok: Tok, text: &str, at: &PTok) -> PTok {
        PTok {
            tok,
            text: self.intern(text),
            span: at.span,
            expansion: at.expansion,
            bol: at.bol,
            space: at.space,
            hide: at.hide,
            paste_op: false,
            placemarker: false,
        }
    }

    /// The value of a built-in macro at `t`.
    fn builtin_macro(&mut self, m: &Macro, t: PTok) -> PTok {
        let at = t.report_span();
        match &*m.name {
            "__LINE__" => {
                // Inside an expansion, clang reports the line where the (outermost)
                // invocation ends: its closing parenthesis.
                let at = match t.expansion {
                    Some(e) => Span {
                        start: e.end.saturating_sub(1).max(e.start),
                        ..e
                    },
                    None => t.span,
                };
                let l = self.presumed_line(at).to_string();
                self.synth(Tok::IntLit, &l, &t)
            }
            "__FILE__" => {
                let name = self.presumed_file(at);
                self.synth(Tok::StrLit, &quote(&name), &t)
            }
            "__FILE_NAME__" => {
                let name = self.presumed_file(at);
                let base = name.rsplit('/').next().unwrap_or("").to_string();
                self.synth(Tok::StrLit, &quote(&base), &t)
            }
            "__BASE_FILE__" => {
                let name = self.main_name.to_string();
                self.synth(Tok::StrLit, &quote(&name), &t)
            }
            "__COUNTER__" => {
                let n = self.counter.to_string();
                self.counter += 1;
                self.synth(Tok::IntLit, &n, &t)
            }
            "__INCLUDE_LEVEL__" => {
                let n = self.files.len().saturating_sub(1).to_string();
                self.synth(Tok::IntLit, &n, &t)
            }
            // Fixed so that output is reproducible (clang uses the wall clock).
            "__DATE__" => self.synth(Tok::StrLit, "\"Jan  1 1970\"", &t),
            "__TIME__" => self.synth(Tok::StrLit, "\"00:00:00\"", &t),
            "__TIMESTAMP__" => self.synth(Tok::StrLit, "\"Thu Jan  1 00:00:00 1970\"", &t),
            // `__has_*` outside `#if` stay as written (clang rejects them there too).
            _ => t,
        }
    }
}

/// A C string literal spelling `s`.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
