//! The file names debug info records (BTF line_info, `../shared/spec/btf.rst` §4.2), as
//! clang writes them: a relative input name is joined to the compilation directory
//! (`-fdebug-compilation-dir=DIR`, else the working directory), then the last matching
//! `-fdebug-prefix-map=OLD=NEW` / `-ffile-prefix-map=OLD=NEW` rewrites its prefix, so
//! that builds in different folders can give byte-identical objects.
//! Diagnostics keep the names as given; only the recorded names change.

/// How to turn a source file's name into the name debug info records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugPaths {
    /// The folder relative names are joined to; `None` keeps them relative.
    pub compilation_dir: Option<String>,
    /// `(OLD, NEW)` prefix rewrites in command-line order; the last match wins, as in clang.
    pub prefix_map: Vec<(String, String)>,
}

impl DebugPaths {
    /// The recorded name of the source file called `name`.
    pub fn map(&self, name: &str) -> String {
        // `<stdin>`, `<built-in>` and the like are not paths.
        if name.starts_with('<') {
            return name.to_string();
        }
        let full = match &self.compilation_dir {
            Some(dir) if !name.starts_with('/') && !dir.is_empty() => {
                format!("{}/{name}", dir.trim_end_matches('/'))
            }
            _ => name.to_string(),
        };
        for (old, new) in self.prefix_map.iter().rev() {
            if let Some(rest) = strip_path_prefix(&full, old) {
                return format!("{new}{rest}");
            }
        }
        full
    }

    /// Renames every file of `module` to its recorded name; returns `(recorded, original)`
    /// for the names that changed, so diagnostics can find the file again.
    pub fn apply(&self, module: &mut ir::Module) -> Vec<(String, String)> {
        let mut renamed = Vec::new();
        for f in &mut module.files {
            let mapped = self.map(&f.name);
            if mapped != f.name {
                renamed.push((mapped.clone(), std::mem::replace(&mut f.name, mapped)));
            }
        }
        renamed
    }
}

/// `path` without the prefix `old`: a plain string prefix, as clang matches it
/// (`-fdebug-prefix-map=/tmp/p=/Q` turns `/tmp/pm/t.c` into `/Qm/t.c`).
fn strip_path_prefix<'a>(path: &'a str, old: &str) -> Option<&'a str> {
    if old.is_empty() {
        return None;
    }
    path.strip_prefix(old)
}

/// `OLD=NEW` of `-fdebug-prefix-map=` and `-ffile-prefix-map=`.
pub fn parse_prefix_map(flag: &str, value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(o, n)| (o.to_string(), n.to_string()))
        .ok_or_else(|| format!("invalid argument '{value}' to {flag}: expected OLD=NEW"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: Option<&str>, map: &[(&str, &str)]) -> DebugPaths {
        DebugPaths {
            compilation_dir: dir.map(str::to_string),
            prefix_map: map
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    /// What clang-19 records for `t.c` compiled in /tmp/pm (checked by hand with
    /// `llvm-objdump -s -j .BTF`): `/tmp/pm/t.c`, `/ROOT/t.c` with
    /// `-fdebug-prefix-map=/tmp/pm=/ROOT`, `./t.c` with `-ffile-prefix-map=/tmp/pm=.`,
    /// `/X/t.c` with `-fdebug-compilation-dir=/X`.
    #[test]
    fn names_as_clang_records_them() {
        assert_eq!(paths(Some("/tmp/pm"), &[]).map("t.c"), "/tmp/pm/t.c");
        assert_eq!(
            paths(Some("/tmp/pm"), &[("/tmp/pm", "/ROOT")]).map("t.c"),
            "/ROOT/t.c"
        );
        assert_eq!(
            paths(Some("/tmp/pm"), &[("/tmp/pm", ".")]).map("t.c"),
            "./t.c"
        );
        assert_eq!(paths(Some("/X"), &[]).map("t.c"), "/X/t.c");
        assert_eq!(paths(Some("/X"), &[]).map("/abs/t.c"), "/abs/t.c");
        assert_eq!(paths(None, &[]).map("t.c"), "t.c");
        assert_eq!(paths(Some("/X"), &[]).map("<stdin>"), "<stdin>");
    }

    #[test]
    fn last_matching_map_wins_on_plain_prefixes() {
        // clang-19: `-fdebug-prefix-map=/tmp=/A -fdebug-prefix-map=/tmp/pm=/B` gives
        // `/B/t.c`; `-fdebug-prefix-map=/tmp/p=/Q` gives `/Qm/t.c`.
        let p = paths(Some("/tmp/pm"), &[("/tmp", "/A"), ("/tmp/pm", "/B")]);
        assert_eq!(p.map("t.c"), "/B/t.c");
        let p = paths(Some("/tmp/pm"), &[("/tmp/p", "/Q")]);
        assert_eq!(p.map("t.c"), "/Qm/t.c");
        let p = paths(None, &[("/tmp/pm", "/B"), ("/tmp", "/A")]);
        assert_eq!(p.map("/tmp/pm/t.c"), "/A/pm/t.c");
        assert_eq!(p.map("/other/t.c"), "/other/t.c");
    }

    #[test]
    fn prefix_map_values_need_an_equals_sign() {
        assert_eq!(
            parse_prefix_map("-fdebug-prefix-map", "/a=/b"),
            Ok(("/a".to_string(), "/b".to_string()))
        );
        assert!(parse_prefix_map("-fdebug-prefix-map", "/a").is_err());
    }
}
