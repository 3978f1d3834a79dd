//! Finding and opening `#include`d files (C17 6.10.2), in clang's order for
//! `-target bpf`: `"..."` looks in the including file's directory first; then `-I`,
//! `-isystem`, `/usr/local/include`, ebpfc's built-in headers (standing in for clang's
//! resource directory), `/usr/include`, and — where clang for BPF stops and needs `-I`
//! — the host's multiarch directory (`/usr/include/x86_64-linux-gnu`) as a last resort,
//! so `<linux/bpf.h>` works without the flag.
//!
//! Invariants: a file is read and lexed once per run (keyed by its path); `#pragma
//! once` files and files whose include guard macro is defined are not reopened.
//! Built-in headers live in `frontend/include/` and are embedded with `include_str!`.

use super::{FileCtx, Pp};
use crate::token::Tok;
use diag::{Diagnostic, Span, codes};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// ebpfc's own versions of the freestanding headers clang ships in its resource
/// directory: `(name, text)`.
pub const BUILTIN_HEADERS: &[(&str, &str)] = &[
    ("float.h", include_str!("../../include/float.h")),
    ("iso646.h", include_str!("../../include/iso646.h")),
    ("limits.h", include_str!("../../include/limits.h")),
    ("stdalign.h", include_str!("../../include/stdalign.h")),
    ("stdarg.h", include_str!("../../include/stdarg.h")),
    ("stdbool.h", include_str!("../../include/stdbool.h")),
    ("stddef.h", include_str!("../../include/stddef.h")),
    ("stdint.h", include_str!("../../include/stdint.h")),
    ("stdnoreturn.h", include_str!("../../include/stdnoreturn.h")),
];

/// The name the built-in headers get in diagnostics and `-E` line markers.
pub const BUILTIN_DIR: &str = "<ebpfc-include>";

/// One place to look for headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchDir {
    Path(PathBuf),
    /// The embedded headers.
    Builtin,
}

/// The directory of a file name, for `"..."` includes from it.
pub fn parent_dir(name: &str) -> SearchDir {
    if let Some(rest) = name.strip_prefix(BUILTIN_DIR) {
        let _ = rest;
        return SearchDir::Builtin;
    }
    if name.starts_with('<') {
        return SearchDir::Path(PathBuf::new());
    }
    SearchDir::Path(
        Path::new(name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    )
}

/// A header that was found: where, and the search-list index (for `#include_next`).
pub struct Found {
    /// Identity of the file (canonical path, or the built-in header's name).
    pub key: PathBuf,
    /// The name to show (the path as searched).
    pub shown: String,
    pub dir: SearchDir,
    pub idx: Option<usize>,
}

impl Pp<'_> {
    /// Looks `name` up: `quoted` searches the includer's directory first; `next`
    /// (`#include_next`) starts after the directory the current file came from.
    pub(super) fn find_header(&self, name: &str, quoted: bool, next: bool) -> Option<Found> {
        if name.is_empty() {
            return None;
        }
        if Path::new(name).is_absolute() {
            let p = PathBuf::from(name);
            return p.is_file().then(|| Found {
                dir: parent_dir(name),
                shown: name.to_string(),
                key: p,
                idx: None,
            });
        }
        let cur: Option<&FileCtx> = self.files.last();
        let mut start = 0;
        if next {
            start = cur.and_then(|f| f.found_idx).map(|i| i + 1).unwrap_or(0);
        } else if quoted
            && let Some(f) = cur
            && let Some(found) = probe(&f.dir, name, None)
        {
            return Some(found);
        }
        self.search
            .iter()
            .enumerate()
            .skip(start)
            .find_map(|(i, d)| probe(d, name, Some(i)))
    }

    /// Opens a found header (reading it once), unless `#pragma once` or its include
    /// guard says it adds nothing.
    pub(super) fn open_header(&mut self, found: Found, at: Span) {
        if self.files.len() >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::error(codes::E_PP_INCLUDE_DEPTH, "#include nested too deeply")
                    .with_label(at, format!("{} files deep here", self.files.len())),
            );
            return;
        }
        // clang: a header is a system header when found in a system folder or included
        // from one (`-MM`/`-MMD` leave those out of the dependencies).
        let system = self.files.last().is_some_and(|f| f.system)
            || found.idx.is_some_and(|i| i >= self.opts.include_dirs.len())
            || matches!(found.dir, SearchDir::Builtin);
        let id = match self.file_ids.get(&found.key) {
            Some(&id) => id,
            None => {
                let Some(text) = read_header(&found) else {
                    self.diags.push(
                        Diagnostic::error(
                            codes::E_PP_INCLUDE_NOT_FOUND,
                            format!("'{}' could not be read", found.key.display()),
                        )
                        .with_label(at, "included here"),
                    );
                    return;
                };
                let id = self.sources.add(found.shown.clone(), text);
                self.file_ids.insert(found.key.clone(), id);
                self.included.push(id);
                self.included_system.push(system);
                id
            }
        };
        if self.once.contains(&id) {
            return;
        }
        if let Some(Some(guard)) = self.guards.get(&id)
            && self.macros.contains(guard)
        {
            return;
        }
        self.push_file(id, found.dir, found.idx);
        if let Some(f) = self.files.last_mut() {
            f.system = system;
        }
        if !self.guards.contains_key(&id) {
            let g = self.detect_guard();
            self.guards.insert(id, g);
        }
    }

    /// The include-guard macro of the file just opened: the file is exactly
    /// `#ifndef X ... #endif` (comments aside), so reopening it while X is defined
    /// yields nothing.
    fn detect_guard(&mut self) -> Option<std::sync::Arc<str>> {
        let f = self.files.last()?;
        let toks = f.toks.clone();
        let text = self.sources.get(f.id)?.text.clone();
        let spell = |i: usize| -> &str {
            toks.get(i)
                .and_then(|t| text.get(t.start as usize..t.end as usize))
                .unwrap_or("")
        };
        let is_hash_at = |i: usize| {
            toks.get(i)
                .is_some_and(|t| t.bol && t.kind == Ok(Tok::Hash))
        };
        if !is_hash_at(0) || spell(1) != "ifndef" || toks.get(2).is_none_or(|t| t.bol) {
            return None;
        }
        let guard = spell(2).to_string();
        let mut depth = 0usize;
        let mut i = 0;
        while i < toks.len() {
            if is_hash_at(i) && toks.get(i + 1).is_some_and(|t| !t.bol) {
                match spell(i + 1) {
                    "if" | "ifdef" | "ifndef" => depth += 1,
                    "endif" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            // The matching #endif must end the file.
                            let rest_on_line =
                                toks.iter().skip(i + 2).take_while(|t| !t.bol).count();
                            return (i + 2 + rest_on_line == toks.len())
                                .then(|| self.intern(&guard));
                        }
                    }
                    "else" | "elif" | "elifdef" | "elifndef" if depth == 1 => return None,
                    _ => {}
                }
            }
            i += 1;
        }
        None
    }
}

/// Include nesting limit (clang's default is 200).
const MAX_DEPTH: usize = 200;

fn probe(dir: &SearchDir, name: &str, idx: Option<usize>) -> Option<Found> {
    match dir {
        SearchDir::Builtin => {
            let clean = name.trim_start_matches("./");
            BUILTIN_HEADERS
                .iter()
                .any(|(n, _)| *n == clean)
                .then(|| Found {
                    key: PathBuf::from(clean),
                    shown: format!("{BUILTIN_DIR}/{clean}"),
                    dir: SearchDir::Builtin,
                    idx,
                })
        }
        SearchDir::Path(d) => {
            let p = d.join(name);
            if !p.is_file() {
                return None;
            }
            let dir = SearchDir::Path(p.parent().map(Path::to_path_buf).unwrap_or_default());
            // One key per file however it is reached (`a/../b.h` and `b.h`).
            let shown = p.display().to_string();
            let shown = shown
                .strip_prefix("./")
                .map(str::to_string)
                .unwrap_or(shown);
            let key = std::fs::canonicalize(&p).unwrap_or(p);
            Some(Found {
                key,
                shown,
                dir,
                idx,
            })
        }
    }
}

/// The text of a found header, as the source map keeps it (an embedded header is
/// copied once, straight into its `Arc`, not first into a `String`).
fn read_header(found: &Found) -> Option<Arc<str>> {
    match found.dir {
        SearchDir::Builtin => {
            let name = found.key.to_str()?;
            BUILTIN_HEADERS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| Arc::from(*t))
        }
        SearchDir::Path(_) => {
            let bytes = std::fs::read(&found.key).ok()?;
            // Valid UTF-8 (nearly always) is taken as is, without a lossy copy.
            Some(Arc::from(String::from_utf8(bytes).unwrap_or_else(|e| {
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            })))
        }
    }
}

/// A header name given as `"..."` or `<...>` in `#include`, `__has_include`.
#[derive(Debug)]
pub struct HeaderName {
    pub name: String,
    pub quoted: bool,
    pub span: Span,
}
