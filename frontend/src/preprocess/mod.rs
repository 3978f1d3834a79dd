//! The C preprocessor (C17 5.1.1.2 phases 3-4 and 6.10), as clang runs it for
//! `-target bpf`: directives, conditional inclusion, `#include` search, and macro
//! expansion, producing the token stream the parser reads.
//!
//! Structure: this file drives a stack of open files and reads tokens one at a time
//! (`next_raw`), executing directives as it meets them at line starts (so directives
//! also work inside macro arguments, as in clang); `macros.rs` expands macros on top of
//! that reader; `directive.rs` executes directives; `expr.rs` evaluates `#if`;
//! `include.rs` finds headers; `predefined.rs` is the table of predefined macros;
//! `print.rs` prints `-E` output; `attr_pragma.rs` turns `#pragma clang attribute
//! push/pop` into token ranges; `intern.rs` shares one copy of each token spelling;
//! `diag::fasthash` is the hasher of the lookup tables.
//!
//! Entry points: [`preprocess`] (tokens + diagnostics, what the parser needs) and
//! [`preprocess_full`] (also each token's layout, the pragmas, the included files),
//! with [`print_preprocessed`] / [`print_preprocessed_full`] for `-E`.
//!
//! Invariants:
//! - Output tokens carry no `Hash`/`HashHash`-as-operator, `Newline` or
//!   `LineContinuation`; identifiers spelled as keywords are keyword `Tok`s (the lexer
//!   already lexes them so, and `##` re-lexes its result).
//! - `span` is the spelling location; `expansion` the outermost macro invocation.
//! - Bad input never panics; every problem is a located `Diagnostic`.
//! - Output is deterministic: no hash-map iteration reaches it; `__DATE__`/`__TIME__`
//!   are fixed (`"Jan  1 1970"`, `"00:00:00"`) so that builds are reproducible.

mod attr_pragma;
mod directive;
mod expr;
pub(crate) use diag::fasthash;
mod include;
mod intern;
mod macro_table;
mod macros;
pub mod predefined;
mod print;

pub use attr_pragma::{AttributeRegion, attribute_regions};
pub use expr::{HAS_ATTRIBUTES, HAS_BUILTINS, HAS_FEATURES, HAS_WARNINGS};
pub use include::BUILTIN_HEADERS;
pub use print::{print_preprocessed, print_preprocessed_full};

use crate::lexer::{self, RawTok};
use crate::token::{Tok, Token};
use diag::{Diagnostic, Diagnostics, FileId, SourceMap, Span};
use fasthash::FastMap;
use include::SearchDir;
use intern::Interner;
use macro_table::MacroTable;
use macros::{HideSets, Macro};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// What the command line tells the preprocessor (clang's `-I`, `-isystem`, `-D`, `-U`,
/// `-mcpu`, `-target bpfeb`).
#[derive(Clone, Debug)]
pub struct PpOptions {
    /// `-I` directories, searched for `"..."` (after the includer's directory) and `<...>`.
    pub include_dirs: Vec<PathBuf>,
    /// `-isystem` directories, searched after `-I`. The default system directories
    /// (`/usr/local/include`, ebpfc's built-in headers, `/usr/include`) always follow.
    pub system_dirs: Vec<PathBuf>,
    /// `-D NAME` (`None`: defined as `1`) and `-D NAME=VALUE`, applied in order after the
    /// predefined macros.
    pub defines: Vec<(String, Option<String>)>,
    /// `-U NAME`, applied after every `-D`.
    pub undefs: Vec<String>,
    /// `-mcpu=vN`, 1..=4: sets `__BPF_CPU_VERSION__` and the `__BPF_FEATURE_*` macros.
    pub cpu: u8,
    /// `-target bpfeb`.
    pub big_endian: bool,
}

impl Default for PpOptions {
    /// clang's defaults: `-mcpu=v1` (clang-19's `generic`), little endian.
    fn default() -> Self {
        PpOptions {
            include_dirs: Vec::new(),
            system_dirs: Vec::new(),
            defines: Vec::new(),
            undefs: Vec::new(),
            cpu: 1,
            big_endian: false,
        }
    }
}

/// Preprocesses `main` (already in `sources`); headers it includes are added to
/// `sources`. Returns the expanded tokens and every diagnostic (errors and warnings).
pub fn preprocess(
    main: FileId,
    opts: &PpOptions,
    sources: &mut SourceMap,
) -> (Vec<Token>, Diagnostics) {
    let p = preprocess_full(main, opts, sources);
    (p.tokens, p.diags)
}

/// A `#pragma` line or `_Pragma("...")` operator, with where it sits in the token
/// stream. The parser needs some of them (`#pragma clang attribute push(...)` in
/// bpftool's `vmlinux.h` gives every struct `preserve_access_index`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// The pragma applies from this index of the token stream on (the number of
    /// tokens produced before it).
    pub before_token: usize,
    /// Its text after `pragma` (for `_Pragma`, the destringized literal), e.g.
    /// `clang attribute push (__attribute__((preserve_access_index)), apply_to = record)`.
    pub text: String,
    pub span: Span,
}

#[cfg(test)]
impl Pragma {
    /// A pragma for unit tests: `text`, applying from token `at`, at no place in a file.
    pub(crate) fn for_test(at: usize, text: &str) -> Pragma {
        Pragma {
            before_token: at,
            text: text.to_string(),
            span: Span::default(),
        }
    }
}

/// How a token sat in the source, as clang's `-E` printer uses it: the first token of a
/// line starts a new output line; a token with leading whitespace gets one space. For
/// a macro expansion these come from the macro name (first token), the parameter
/// (first token of a substituted argument), or the body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub line_start: bool,
    pub leading_space: bool,
}

/// Everything preprocessing produces: the tokens, their layout (parallel to
/// `tokens`), the pragmas, and the diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Preprocessed {
    /// The file that was preprocessed.
    pub main: FileId,
    pub tokens: Vec<Token>,
    pub layout: Vec<Layout>,
    pub pragmas: Vec<Pragma>,
    pub diags: Diagnostics,
    /// Every file read through `#include` (first-read order, each once): what `-M`
    /// dependency output lists after the main file.
    pub included: Vec<FileId>,
    /// Parallel to `included`: system headers, which `-MM` leaves out.
    pub included_system: Vec<bool>,
}

impl Preprocessed {
    /// Each header of `included` with whether it is a system header.
    pub fn headers(&self) -> impl Iterator<Item = (FileId, bool)> + '_ {
        self.included
            .iter()
            .copied()
            .zip(self.included_system.iter().copied())
    }
}

/// [`preprocess`], also returning the tokens' layout and the pragmas in source order.
/// `once`, `push_macro`/`pop_macro` and `GCC system_header/poison/dependency/warning/
/// error` pragmas are executed here and not listed (clang's `-E` drops them too).
pub fn preprocess_full(main: FileId, opts: &PpOptions, sources: &mut SourceMap) -> Preprocessed {
    let mut pp = Pp::new(opts, sources);
    pp.load_predefined();
    let dir = pp
        .sources
        .get(main)
        .map(|f| include::parent_dir(&f.name))
        .unwrap_or(SearchDir::Path(PathBuf::new()));
    pp.push_file(main, dir, None);
    let mut tokens = Vec::new();
    let mut layout = Vec::new();
    loop {
        if pp.pending_tokens != 0 {
            tokens.reserve(pp.pending_tokens);
            layout.reserve(pp.pending_tokens);
            pp.pending_tokens = 0;
        }
        pp.out_len = tokens.len();
        let Some(t) = pp.expand_next() else { break };
        if &*t.text == "_Pragma" && pp.pragma_operator(&t) {
            continue;
        }
        layout.push(Layout {
            line_start: t.bol,
            leading_space: t.space,
        });
        tokens.push(Token {
            tok: t.tok,
            text: t.text,
            span: t.span,
            expansion: t.expansion,
        });
    }
    Preprocessed {
        main,
        tokens,
        layout,
        pragmas: pp.pragmas,
        diags: pp.diags,
        included: pp.included,
        included_system: pp.included_system,
    }
}

/// A token inside the preprocessor: a `Token` plus what expansion needs.
#[derive(Clone, Debug)]
pub(crate) struct PTok {
    pub tok: Tok,
    pub text: Arc<str>,
    pub span: Span,
    pub expansion: Option<Span>,
    /// First token of its line in its file (only file tokens can start directives).
    pub bol: bool,
    /// Whitespace precedes it (matters for `#` stringizing and `-E` spacing).
    pub space: bool,
    /// Interned hide set (the macros this token must not expand again: C17 6.10.3.4p2).
    pub hide: u32,
    /// A `##` operator of a macro body (not a `##` token passed as an argument).
    pub paste_op: bool,
    /// A placemarker (C17 6.10.3.3p2): an empty argument next to `##`.
    pub placemarker: bool,
}

impl PTok {
    /// Identifiers and keywords: both can name macros and parameters.
    pub fn is_identlike(&self) -> bool {
        match self.tok {
            Tok::Ident => true,
            Tok::CharLit | Tok::StrLit | Tok::IntLit | Tok::FloatLit => false,
            _ => self
                .text
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_'),
        }
    }

    /// The location to report: the macro use, or the spelling.
    pub fn report_span(&self) -> Span {
        self.expansion.unwrap_or(self.span)
    }
}

/// One `#if` group being read.
#[derive(Clone, Debug)]
struct Cond {
    span: Span,
    /// Some branch of this `#if` chain was taken already.
    taken: bool,
    seen_else: bool,
}

/// One file being read.
struct FileCtx {
    id: FileId,
    toks: Rc<Vec<RawTok>>,
    text: Arc<str>,
    pos: usize,
    conds: Vec<Cond>,
    /// Where `"..."` includes from this file look first.
    dir: SearchDir,
    /// Index in the search list where this file was found (for `#include_next`).
    found_idx: Option<usize>,
    /// A system header (see `included_system`).
    system: bool,
    /// `#line`: presumed line = physical line + `line_delta`.
    line_delta: i64,
    presumed_name: Option<Arc<str>>,
}

/// Deepest nesting of macro-argument expansion (each level recurses; debug-build test
/// threads have 2 MiB of stack).
const MAX_EXPAND_DEPTH: usize = 200;

/// Most tokens held at once by the argument lists being pre-expanded (summed over the
/// nesting): each level keeps its own copy of its argument, so `A(A(A(...)))` with
/// 100 000 levels would need levels × tokens of memory (clang-19 itself runs out of
/// memory there). Real code stays orders of magnitude below.
const MAX_EXPANDING_TOKENS: usize = 1 << 21;

pub(crate) struct Pp<'a> {
    opts: &'a PpOptions,
    sources: &'a mut SourceMap,
    diags: Diagnostics,
    files: Vec<FileCtx>,
    /// Tokens to read before the current file, top of the stack first.
    pending: Vec<PTok>,
    /// Reading only `pending` (expanding a macro argument or a directive line).
    isolated: bool,
    /// Substituting the content of a `__VA_OPT__` (which cannot nest).
    in_va_opt: bool,
    /// Nesting of `expand_list` (argument pre-expansion), bounded by MAX_EXPAND_DEPTH.
    expand_depth: usize,
    /// Tokens of the argument lists now being pre-expanded, bounded by MAX_EXPANDING_TOKENS.
    expanding_tokens: usize,
    depth_reported: bool,
    /// Evaluating an `#if`: `defined` and `__has_*` are operators.
    in_if: bool,
    macros: MacroTable,
    macro_ids: FastMap<Arc<str>, u32>,
    hidesets: HideSets,
    texts: Interner,
    /// The last spelling of each keyword and punctuator kind (indexed by `Tok as
    /// usize`): most tokens are one of those, found here without hashing.
    kind_texts: Vec<Option<Arc<str>>>,
    lexed: HashMap<FileId, Rc<Vec<RawTok>>>,
    /// Files by path (or built-in name), so a file is read and lexed once.
    file_ids: HashMap<PathBuf, FileId>,
    once: HashSet<FileId>,
    guards: HashMap<FileId, Option<Arc<str>>>,
    search: Vec<SearchDir>,
    counter: u64,
    main_name: Arc<str>,
    /// Pragmas seen so far, and how many tokens had been output at that point.
    pragmas: Vec<Pragma>,
    out_len: usize,
    /// Raw tokens of the files entered since the output last made room for them (an
    /// estimate of the output tokens to come: the token list is sized once per file
    /// instead of doubling, which for a 2.8 MB `vmlinux.h` wrote 24 MB of fresh memory
    /// twice over).
    pending_tokens: usize,
    /// `#pragma push_macro` saves (the definition, or None if undefined).
    pushed_macros: Vec<(Arc<str>, Option<Rc<Macro>>)>,
    /// Files read through `#include`, in first-read order.
    included: Vec<FileId>,
    /// For each of `included`: a system header (found in a system folder or included
    /// from one), as clang classifies them for `-MM`.
    included_system: Vec<bool>,
}

impl<'a> Pp<'a> {
    fn new(opts: &'a PpOptions, sources: &'a mut SourceMap) -> Self {
        let mut search: Vec<SearchDir> = Vec::new();
        search.extend(opts.include_dirs.iter().cloned().map(SearchDir::Path));
        search.extend(opts.system_dirs.iter().cloned().map(SearchDir::Path));
        search.push(SearchDir::Path(PathBuf::from("/usr/local/include")));
        search.push(SearchDir::Builtin);
        search.push(SearchDir::Path(PathBuf::from("/usr/include")));
        // Last, the host's multiarch directory (`asm/types.h` of `<linux/bpf.h>`), which
        // clang only searches when given `-I`: programs that clang needs that flag for
        // compile here without it; with it, nothing changes (it is found earlier).
        search.push(SearchDir::Path(PathBuf::from(format!(
            "/usr/include/{}-linux-gnu",
            std::env::consts::ARCH
        ))));
        Pp {
            opts,
            sources,
            diags: Diagnostics::new(),
            files: Vec::new(),
            pending: Vec::new(),
            isolated: false,
            in_va_opt: false,
            expand_depth: 0,
            expanding_tokens: 0,
            depth_reported: false,
            in_if: false,
            macros: MacroTable::new(),
            macro_ids: FastMap::default(),
            hidesets: HideSets::new(),
            // Room for 512 spellings (1024 zeroed slots): most compiles stay under it,
            // and zeroing the 2048 slots that room for 1024 took cost more than the
            // growth it saved (bench-compile suite 423.84M -> 422.84M instructions).
            texts: Interner::with_capacity(1 << 9),
            kind_texts: Vec::new(),
            lexed: HashMap::new(),
            file_ids: HashMap::new(),
            once: HashSet::new(),
            guards: HashMap::new(),
            search,
            counter: 0,
            main_name: Arc::from(""),
            pragmas: Vec::new(),
            out_len: 0,
            pending_tokens: 0,
            pushed_macros: Vec::new(),
            included: Vec::new(),
            included_system: Vec::new(),
        }
    }

    /// Defines the predefined macros, then `-D`, then `-U`, by preprocessing a
    /// `<built-in>` file of directives (so they have a location, as in clang). The
    /// level-independent ones (`predefined::COMMON`) sit in a `<built-in>` file of their
    /// own, which the macro table looks them up in on first use ([`MacroTable`]); each
    /// is read then ([`Pp::realize`]).
    fn load_predefined(&mut self) {
        let (common_text, common_starts) = MacroTable::common_text();
        let common_file = self.sources.add("<built-in>", common_text);
        self.macros.enable_common(common_file, common_starts);
        // The lines are put together by pushes, not `format!`: a formatted string per
        // macro was ~750 instructions, 0.9M of the bench-compile suite's 122 runs.
        let mut text = String::with_capacity(512);
        let mut define = |name: &str, value: &str| {
            for part in ["#define ", name, " ", value, "\n"] {
                text.push_str(part);
            }
        };
        for (name, value) in predefined::cpu_and_endian(self.opts.cpu, self.opts.big_endian) {
            define(name, &value);
        }
        for (name, value) in &self.opts.defines {
            // Like clang, `-D X=a\nb` keeps only the first line.
            let value = value.as_deref().unwrap_or("1");
            let value = value.lines().next().unwrap_or("");
            define(name, value);
        }
        for name in &self.opts.undefs {
            text.push_str(&format!("#undef {name}\n"));
        }
        for b in macros::BUILTIN_NAMES {
            // Interned: the macro table knows names by their shared spelling.
            let name = self.intern(b);
            self.macros.insert(name, Rc::new(Macro::builtin(b)));
        }
        let id = self.sources.add("<built-in>", text);
        self.push_file(id, SearchDir::Builtin, None);
        while self.next_raw().is_some() {}
    }

    /// The definition of a lazily predefined macro (`Macro::lazy`), read now from its
    /// `<built-in>` line and put in place of the placeholder; any other macro as it is.
    fn realize(&mut self, m: Rc<Macro>) -> Rc<Macro> {
        let Some(range) = m.lazy.clone() else {
            return m;
        };
        let file = m.def_span.file;
        let text: Arc<str> = match self.sources.get(file) {
            Some(f) => f.text.clone(),
            None => return m,
        };
        let Some(line) = text.get(range.start as usize..range.end as usize) else {
            return m;
        };
        let mut toks = Vec::new();
        for mut raw in lexer::lex(line) {
            raw.start += range.start;
            raw.end += range.start;
            if let Ok(t) = make_tok(&mut self.texts, &mut self.kind_texts, &text, file, raw) {
                toks.push(t);
            }
        }
        // `do_define` compares with the current definition: take the placeholder out.
        self.macros.remove(&m.name);
        self.do_define(toks, m.def_span);
        self.macros.get(&m.name).unwrap_or(m)
    }

    /// Opens `id` for reading on top of the file stack.
    fn push_file(&mut self, id: FileId, dir: SearchDir, found_idx: Option<usize>) {
        let text: Arc<str> = self
            .sources
            .get(id)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let toks = match self.lexed.get(&id) {
            Some(t) => t.clone(),
            None => {
                let t = Rc::new(lexer::lex(&text));
                self.lexed.insert(id, t.clone());
                t
            }
        };
        self.pending_tokens += toks.len();
        if (self.files.is_empty() || self.main_name.is_empty())
            && let Some(f) = self.sources.get(id)
            && f.name != "<built-in>"
        {
            self.main_name = Arc::from(f.name.as_str());
        }
        self.files.push(FileCtx {
            id,
            toks,
            text,
            pos: 0,
            conds: Vec::new(),
            dir,
            found_idx,
            system: false,
            line_delta: 0,
            presumed_name: None,
        });
    }

    /// Closes the current file, reporting its unterminated conditionals.
    fn end_of_file(&mut self) {
        if let Some(f) = self.files.pop() {
            for c in f.conds.iter().rev() {
                self.diags.push(
                    Diagnostic::error(
                        diag::codes::E_PP_UNTERMINATED_IF,
                        "unterminated conditional directive",
                    )
                    .with_label(c.span, "this #if has no matching #endif"),
                );
            }
        }
    }

    /// The shared copy of a token's text.
    fn intern(&mut self, s: &str) -> Arc<str> {
        self.texts.intern(s)
    }

    /// The next token before macro expansion: from `pending`, else from the current
    /// file, executing directives and skipping false groups on the way.
    fn next_raw(&mut self) -> Option<PTok> {
        // A placemarker left in `pending` carries layout (from an expansion that
        // produced nothing, or ended in an empty argument) to the next real token.
        let mut carry: Option<(bool, bool)> = None;
        while let Some(mut t) = self.pending.pop() {
            if t.placemarker {
                let (bol, space) = carry.unwrap_or((false, false));
                carry = Some((bol | t.bol, space | t.space));
                continue;
            }
            if let Some((bol, space)) = carry {
                t.bol |= bol;
                t.space |= space;
            }
            return Some(t);
        }
        if self.isolated {
            return None;
        }
        let mut t = self.next_file_tok()?;
        if let Some((bol, space)) = carry {
            t.bol |= bol;
            t.space |= space;
        }
        Some(t)
    }

    /// The next token of the current file, running directives on the way.
    fn next_file_tok(&mut self) -> Option<PTok> {
        loop {
            let f = self.files.last_mut()?;
            let Some(&raw) = f.toks.get(f.pos) else {
                self.end_of_file();
                continue;
            };
            if raw.bol && raw.kind == Ok(Tok::Hash) {
                self.directive();
                continue;
            }
            f.pos += 1;
            let id = f.id;
            match make_tok(&mut self.texts, &mut self.kind_texts, &f.text, id, raw) {
                Ok(t) => return Some(t),
                Err(kind) => self.diags.push(bad_tok(&f.text, id, raw, kind)),
            }
        }
    }

    /// True if the next token is `(` (a function-like macro's name is followed by its
    /// arguments). Does not cross a directive line or the end of the current file.
    fn next_is_lparen(&mut self) -> bool {
        if let Some(t) = self.pending.iter().rev().find(|t| !t.placemarker) {
            return t.tok == Tok::LParen;
        }
        if self.isolated {
            return false;
        }
        match self.files.last() {
            Some(f) => matches!(
                f.toks.get(f.pos),
                Some(r) if r.kind == Ok(Tok::LParen) && !(r.bol && r.kind == Ok(Tok::Hash))
            ),
            None => false,
        }
    }

    /// The tokens of the rest of the current directive line.
    fn rest_of_line(&mut self) -> (Vec<PTok>, Vec<Diagnostic>) {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        while let Some(f) = self.files.last_mut() {
            let Some(&raw) = f.toks.get(f.pos) else {
                break;
            };
            if raw.bol {
                break;
            }
            f.pos += 1;
            let id = f.id;
            match make_tok(&mut self.texts, &mut self.kind_texts, &f.text, id, raw) {
                Ok(t) => out.push(t),
                Err(kind) => bad.push(bad_tok(&f.text, id, raw, kind)),
            }
        }
        (out, bad)
    }

    /// Expands `toks` completely on their own (a macro argument, a directive line).
    fn expand_list(&mut self, mut toks: Vec<PTok>) -> Vec<PTok> {
        // Each nested argument expansion recurses; bound it so that hostile input
        // cannot overflow the stack (the rest stays unexpanded, with one error).
        let too_big = self.expanding_tokens.saturating_add(toks.len()) > MAX_EXPANDING_TOKENS;
        if self.expand_depth >= MAX_EXPAND_DEPTH || too_big {
            if !self.depth_reported {
                self.depth_reported = true;
                let span = toks.first().map(PTok::report_span).unwrap_or_default();
                let msg = if too_big {
                    format!(
                        "nested macro arguments hold more than {MAX_EXPANDING_TOKENS} tokens at once"
                    )
                } else {
                    format!("macro arguments nested more than {MAX_EXPAND_DEPTH} deep")
                };
                self.diags.push(
                    Diagnostic::error(diag::codes::E_PP_EXPANSION_DEPTH, msg)
                        .with_label(span, "expansion stopped here"),
                );
            }
            return toks;
        }
        let held = toks.len();
        self.expanding_tokens += held;
        self.expand_depth += 1;
        toks.reverse();
        let saved_pending = std::mem::replace(&mut self.pending, toks);
        let saved_isolated = std::mem::replace(&mut self.isolated, true);
        // Macros used inside an argument expand on their own, even within __VA_OPT__.
        let saved_va_opt = std::mem::replace(&mut self.in_va_opt, false);
        let mut out = Vec::new();
        while let Some(t) = self.expand_next() {
            out.push(t);
        }
        self.pending = saved_pending;
        self.isolated = saved_isolated;
        self.in_va_opt = saved_va_opt;
        self.expand_depth -= 1;
        self.expanding_tokens -= held;
        out
    }

    /// `_Pragma ( string-literal )` (C17 6.10.9): consumed and recorded like a
    /// `#pragma` line. Returns false (keep the token) if no `(` follows.
    fn pragma_operator(&mut self, kw: &PTok) -> bool {
        if !self.next_is_lparen() {
            return false;
        }
        let mut depth = 0usize;
        let mut body: Option<PTok> = None;
        let mut end = kw.report_span();
        while let Some(t) = self.expand_next() {
            end = t.report_span();
            match t.tok {
                Tok::LParen => depth += 1,
                Tok::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                Tok::StrLit if body.is_none() => body = Some(t),
                _ => {}
            }
        }
        if let Some(b) = body {
            // Destringize (C17 6.10.9p1): drop the prefix and quotes, unescape \" and \\.
            let inner = b.text.trim_start_matches(['L', 'u', '8', 'U']);
            let inner = inner.strip_prefix('"').unwrap_or(inner);
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let text = inner.replace("\\\"", "\"").replace("\\\\", "\\");
            let start = kw.report_span();
            let span = if start.file == end.file {
                start.to(end)
            } else {
                start
            };
            self.pragma(text, span);
        }
        true
    }

    /// Records a pragma and runs the ones the preprocessor itself understands.
    pub(crate) fn pragma(&mut self, text: String, span: Span) {
        let words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '(')
            .filter(|w| !w.is_empty())
            .collect();
        // Pragmas the preprocessor consumes (clang's -E drops them too); every other
        // pragma is passed on.
        match (words.first().copied(), words.get(1).copied()) {
            (Some("once"), _) => {
                if let Some(f) = self.files.last() {
                    self.once.insert(f.id);
                }
            }
            (Some(op @ ("push_macro" | "pop_macro")), _) => {
                let name = text.split('"').nth(1).unwrap_or("").to_string();
                if !name.is_empty() {
                    self.push_pop_macro(op == "push_macro", &name);
                }
            }
            (Some("GCC"), Some("system_header" | "poison" | "dependency")) => {}
            (Some("GCC"), Some(kind @ ("warning" | "error"))) => {
                let msg = text.split('"').nth(1).unwrap_or("").to_string();
                let d = if kind == "error" {
                    Diagnostic::error(diag::codes::E_PP_ERROR_DIRECTIVE, msg)
                } else {
                    Diagnostic::warning(diag::codes::E_PP_WARNING_DIRECTIVE, msg)
                };
                self.diags
                    .push(d.with_label(span, format!("#pragma GCC {kind} here")));
            }
            _ => self.pragmas.push(Pragma {
                before_token: self.out_len,
                text,
                span,
            }),
        }
    }

    /// `#pragma push_macro("NAME")` saves the definition (or its absence);
    /// `pop_macro` restores the latest saved one.
    fn push_pop_macro(&mut self, push: bool, name: &str) {
        let name: Arc<str> = self.intern(name);
        if push {
            let cur = self.macros.get(&name);
            self.pushed_macros.push((name, cur));
        } else if let Some(i) = self.pushed_macros.iter().rposition(|(n, _)| *n == name) {
            let (_, saved) = self.pushed_macros.remove(i);
            match saved {
                Some(m) => {
                    self.macros.insert(name, m);
                }
                None => {
                    self.macros.remove(&name);
                }
            }
        }
    }

    /// The presumed (`#line`-adjusted) line of a span, for `__LINE__`.
    fn presumed_line(&self, span: Span) -> i64 {
        let line = self
            .sources
            .get(span.file)
            .map(|f| f.line_col(span.start).0)
            .unwrap_or(0);
        let delta = self
            .files
            .iter()
            .rev()
            .find(|f| f.id == span.file)
            .map(|f| f.line_delta)
            .unwrap_or(0);
        i64::from(line) + delta
    }

    /// The presumed name of the file of a span, for `__FILE__`.
    fn presumed_file(&self, span: Span) -> String {
        if let Some(f) = self.files.iter().rev().find(|f| f.id == span.file)
            && let Some(n) = &f.presumed_name
        {
            return n.to_string();
        }
        self.sources
            .get(span.file)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    }
}

/// The shared spelling of a token of kind `tok`: from `kind_texts` when the kind has a
/// fixed spelling that matches, else from `texts` (and then remembered by kind).
fn intern_tok(
    texts: &mut Interner,
    kind_texts: &mut Vec<Option<Arc<str>>>,
    tok: Tok,
    spelling: &str,
) -> Arc<str> {
    let fixed = !matches!(
        tok,
        Tok::Ident | Tok::IntLit | Tok::FloatLit | Tok::CharLit | Tok::StrLit
    );
    let k = tok as usize;
    if fixed
        && let Some(Some(a)) = kind_texts.get(k)
        && **a == *spelling
    {
        return a.clone();
    }
    // Phase 2 (C17 5.1.1.2): a backslash-newline inside a token joins lines.
    // (Only a backslash can start one: a short byte scan instead of two searches. And
    // only literals can hold one, as the lexer's patterns for the other kinds have no
    // backslash: skipping the scan for identifiers and numbers saved 1.4M instructions
    // of the bench-compile suite.)
    let a = if matches!(tok, Tok::StrLit | Tok::CharLit)
        && spelling.bytes().any(|b| b == b'\\')
        && (spelling.contains("\\\n") || spelling.contains("\\\r\n"))
    {
        texts.intern(&spelling.replace("\\\r\n", "").replace("\\\n", ""))
    } else {
        texts.intern(spelling)
    };
    if fixed {
        if kind_texts.len() <= k {
            kind_texts.resize(k + 1, None);
        }
        kind_texts[k] = Some(a.clone());
    }
    a
}

/// Turns a raw token of `file` (whose text is `text`) into a `PTok`, or returns the
/// kind of a bad token ([`bad_tok`] makes its diagnostic). The error is only the kind:
/// a `Result` holding a whole `Diagnostic` was larger than a `PTok` and was written
/// and copied for every token (with the in-place layout carry of `next_raw`: the
/// bench-compile suite's preprocessing 108.6M -> 106.8M instructions).
fn make_tok(
    texts: &mut Interner,
    kind_texts: &mut Vec<Option<Arc<str>>>,
    text: &str,
    file: FileId,
    raw: RawTok,
) -> Result<PTok, lexer::BadKind> {
    let tok = raw.kind?;
    let spelling = text.get(raw.start as usize..raw.end as usize).unwrap_or("");
    Ok(PTok {
        tok,
        text: intern_tok(texts, kind_texts, tok, spelling),
        span: Span::new(file, raw.start as usize, raw.end as usize),
        expansion: None,
        bol: raw.bol,
        space: raw.space,
        hide: 0,
        paste_op: false,
        placemarker: false,
    })
}

/// The diagnostic for the bad raw token `raw` of `file` (whose text is `text`).
fn bad_tok(text: &str, file: FileId, raw: RawTok, kind: lexer::BadKind) -> Diagnostic {
    let spelling = text.get(raw.start as usize..raw.end as usize).unwrap_or("");
    let span = Span::new(file, raw.start as usize, raw.end as usize);
    lexer::bad_token_diagnostic(kind, span, spelling)
}

#[cfg(test)]
mod tests;
