//! Make dependency rules, as clang writes them for `-M`, `-MM`, `-MD`, `-MMD` (with
//! `-MF`, `-MT`, `-MQ`, `-MP`): `target: main.c header.h ...`, wrapped before column 75
//! with ` \` and two spaces, system headers left out for `-MM`/`-MMD`, and with `-MP`
//! an empty rule per header so that make survives a deleted header.
//! The files come from running the preprocessor (frontend/src/preprocess) once more.

use crate::compile::CompileOptions;
use diag::{Diagnostics, FileId, SourceMap};

/// The files a compile reads: the main file first, then every header in first-read
/// order, each with whether it is a system header. Names are as clang prints them
/// (the path as searched); files that are not on disk (`<stdin>`, built-in headers) are
/// left out. Preprocessing errors (a missing header) come back as diagnostics into
/// `sources`, as clang fails `-M` on them.
pub fn dependencies(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    opts: &CompileOptions,
) -> Result<Vec<(String, bool)>, Diagnostics> {
    let main = sources.add(name.to_string(), text.to_string());
    let pre = frontend::preprocess::preprocess_full(main, &opts.pp(), sources);
    if pre.diags.has_errors() {
        return Err(pre.diags);
    }
    Ok(files_read(sources, main, pre.headers()))
}

/// `main` and `headers` (with their system flags) as [`dependencies`] lists them.
pub fn files_read(
    sources: &SourceMap,
    main: FileId,
    headers: impl IntoIterator<Item = (FileId, bool)>,
) -> Vec<(String, bool)> {
    let ids = std::iter::once((main, false)).chain(headers);
    let mut out = Vec::new();
    for (id, system) in ids {
        if let Some(f) = sources.get(id)
            && !f.name.starts_with('<')
            && f.name != "-"
        {
            out.push((f.name.clone(), system));
        }
    }
    out
}

/// A file name escaped for make, as clang escapes it: `$` doubles, and a space or `#`
/// gets a backslash (with the backslashes before a space doubled).
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let b: Vec<char> = name.chars().collect();
    for (i, &c) in b.iter().enumerate() {
        match c {
            ' ' => {
                let mut j = i;
                while j > 0 && b[j - 1] == '\\' {
                    out.push('\\');
                    j -= 1;
                }
                out.push_str("\\ ");
            }
            '#' => out.push_str("\\#"),
            '$' => out.push_str("$$"),
            _ => out.push(c),
        }
    }
    out
}

/// One rule: `targets` (already escaped or quoted) depend on `files`; `phony` adds
/// `header:` for every file but the first.
pub fn make_rule(targets: &[String], files: &[String], phony: bool) -> String {
    const MAX_COLUMNS: usize = 75;
    let mut out = String::new();
    let mut columns = 0;
    for t in targets {
        let n = t.len();
        if columns == 0 {
            columns = n;
        } else if columns + n + 2 > MAX_COLUMNS {
            out.push_str(" \\\n  ");
            columns = n + 2;
        } else {
            out.push(' ');
            columns += n + 1;
        }
        out.push_str(t);
    }
    out.push(':');
    columns += 1;
    for f in files {
        let name = escape(f);
        // clang counts the name's unescaped length.
        let n = f.len();
        if columns + n + 1 + 2 > MAX_COLUMNS {
            out.push_str(" \\\n ");
            columns = 2;
        }
        out.push(' ');
        out.push_str(&name);
        columns += n + 1;
    }
    out.push('\n');
    if phony {
        for f in files.iter().skip(1) {
            out.push_str(&escape(f));
            out.push_str(":\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// clang-19 `-MD -c u1_parse.bpf.c -o /tmp/u1.o`, first lines (checked by hand).
    #[test]
    fn wraps_like_clang() {
        let rule = make_rule(
            &s(&["/tmp/u1.o"]),
            &s(&[
                "u1_parse.bpf.c",
                "/usr/include/linux/bpf.h",
                "/usr/include/linux/types.h",
                "/usr/include/x86_64-linux-gnu/asm/types.h",
                "/usr/include/asm-generic/types.h",
                "/usr/include/asm-generic/int-ll64.h",
                "/usr/include/x86_64-linux-gnu/asm/bitsperlong.h",
            ]),
            false,
        );
        assert_eq!(
            rule,
            "/tmp/u1.o: u1_parse.bpf.c /usr/include/linux/bpf.h \\\n  \
             /usr/include/linux/types.h /usr/include/x86_64-linux-gnu/asm/types.h \\\n  \
             /usr/include/asm-generic/types.h /usr/include/asm-generic/int-ll64.h \\\n  \
             /usr/include/x86_64-linux-gnu/asm/bitsperlong.h\n"
        );
    }

    #[test]
    fn phony_rules_and_escapes() {
        assert_eq!(
            make_rule(&s(&["foo"]), &s(&["a b.c", "h$.h"]), true),
            "foo: a\\ b.c h$$.h\nh$$.h:\n"
        );
        assert_eq!(escape("x#y"), "x\\#y");
    }
}
