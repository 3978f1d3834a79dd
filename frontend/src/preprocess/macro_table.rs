//! The table of defined macros (C17 6.10.3): `#define`d ones, built-ins, and clang's
//! level-independent predefined macros (`predefined::COMMON`), which are not entered at
//! start-up but looked up in that sorted table when a name is not found otherwise.
//!
//! Most of the ~300 common predefined macros are never used by a program, and entering
//! each at every start (an interned name, a placeholder definition and a map insertion)
//! was most of the time of compiling a near-empty file (0.07 of 0.09 ms). A common macro
//! is entered on first use, as a placeholder that `Pp::realize` turns into the real
//! definition; `#undef` of one that was never used is remembered here.
//!
//! Names are keyed by the address of their interned spelling (see [`Name`]), and a
//! name found undefined stays in the table as undefined: a lookup, made for every
//! identifier the preprocessor reads, hashes one word and never searches the common
//! table twice for one name.

use super::fasthash::FastMap;
use super::macros::Macro;
use super::predefined;
use diag::{FileId, Span};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// A macro name's key: the address of its spelling. Every name given to the table is
/// an interned one (a token's text, or `Pp::intern`'s result), and the interner hands
/// out one shared copy per spelling, so equal addresses mean equal names. Hashing the
/// address instead of the spelling (and skipping the string comparison of a hit) took
/// `MacroTable::get` from 212 to ~40 instructions per lookup; with the undefined
/// entries below, 9.9M of the 493M instructions of the bench-compile suite went to ~2M.
fn key(name: &Arc<str>) -> usize {
    Arc::as_ptr(name) as *const u8 as usize
}

/// What the table knows of one name.
struct Entry {
    /// Holds the spelling, so that its address (the key) stays this name's.
    _name: Arc<str>,
    /// `None`: known undefined (an ordinary identifier, or an `#undef`ined macro,
    /// common predefined ones included).
    def: Option<Rc<Macro>>,
}

pub struct MacroTable {
    /// Every name looked up or defined, by [`key`]. A name that is not here is defined
    /// only if it is a common predefined macro.
    defined: FastMap<usize, Entry>,
    /// The `<built-in>` file holding `#define NAME VALUE` for each common macro, and
    /// where each line's `NAME VALUE` starts, in `predefined::COMMON` order.
    common_file: Option<FileId>,
    common_starts: Arc<[u32]>,
}

/// Bytes of the `<built-in>` file: `#define NAME VALUE\n` per common macro.
const COMMON_LEN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < predefined::COMMON.len() {
        n += define_len(predefined::COMMON[i]);
        i += 1;
    }
    n
};

const DEFINE: &[u8] = b"#define ";

/// Bytes of the line `#define NAME VALUE\n` of one common macro.
const fn define_len((name, value): (&str, &str)) -> usize {
    DEFINE.len() + name.len() + 1 + value.len() + 1
}

/// Copies `src` into `out` at `at`; returns the end.
const fn put(out: &mut [u8; COMMON_LEN], at: usize, src: &[u8]) -> usize {
    let mut i = 0;
    while i < src.len() {
        out[at + i] = src[i];
        i += 1;
    }
    at + src.len()
}

const COMMON_BYTES: [u8; COMMON_LEN] = {
    let mut out = [0u8; COMMON_LEN];
    let mut at = 0;
    let mut i = 0;
    while i < predefined::COMMON.len() {
        let (name, value) = predefined::COMMON[i];
        at = put(&mut out, at, DEFINE);
        at = put(&mut out, at, name.as_bytes());
        at = put(&mut out, at, b" ");
        at = put(&mut out, at, value.as_bytes());
        at = put(&mut out, at, b"\n");
        i += 1;
    }
    out
};

/// The `<built-in>` file's text (ASCII, so the UTF-8 check cannot fail).
const COMMON_TEXT: &str = match std::str::from_utf8(&COMMON_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("predefined macros are ASCII"),
};

/// Where each line's `NAME VALUE` starts in `COMMON_TEXT`.
const COMMON_STARTS: [u32; predefined::COMMON.len()] = {
    let mut out = [0u32; predefined::COMMON.len()];
    let mut at = 0;
    let mut i = 0;
    while i < predefined::COMMON.len() {
        out[i] = (at + DEFINE.len()) as u32;
        at += define_len(predefined::COMMON[i]);
        i += 1;
    }
    out
};

impl MacroTable {
    pub fn new() -> Self {
        MacroTable {
            // Every identifier a compile looks up lands here (a few hundred to a few
            // thousand names): growing from empty rehashed it ~5 times per compile
            // (sized up front: bench-compile suite 424.8M -> 423.8M instructions).
            defined: FastMap::with_capacity_and_hasher(1024, Default::default()),
            common_file: None,
            common_starts: Arc::from([]),
        }
    }

    /// The text of the `<built-in>` file of common predefined macros (one `#define` line
    /// each), and where each line's `NAME VALUE` starts.
    ///
    /// Both are constants the compiler builds (`COMMON_TEXT`, `COMMON_STARTS`); a run
    /// copies them once. Building them at run time (~300 lines of pushes) cost ~43K
    /// instructions per compile, a fifth of compiling an empty file.
    pub fn common_text() -> (Arc<str>, Arc<[u32]>) {
        static COMMON: OnceLock<(Arc<str>, Arc<[u32]>)> = OnceLock::new();
        let (text, starts) =
            COMMON.get_or_init(|| (Arc::from(COMMON_TEXT), Arc::from(&COMMON_STARTS[..])));
        (text.clone(), starts.clone())
    }

    /// Makes the common predefined macros defined, read from `file` (which holds
    /// `common_text`) on first use. Until then, none is.
    pub fn enable_common(&mut self, file: FileId, starts: Arc<[u32]>) {
        self.common_file = Some(file);
        self.common_starts = starts;
        // Names looked up before were found undefined without the common table.
        self.defined.retain(|_, e| e.def.is_some());
    }

    /// The definition of `name` (an interned name), entering a common predefined macro
    /// on first use.
    pub fn get(&mut self, name: &Arc<str>) -> Option<Rc<Macro>> {
        if let Some(e) = self.defined.get(&key(name)) {
            return e.def.clone();
        }
        let def = self.common_placeholder(name).map(Rc::new);
        self.set(name.clone(), def.clone());
        def
    }

    /// Whether `name` (an interned name) is defined.
    pub fn contains(&self, name: &Arc<str>) -> bool {
        match self.defined.get(&key(name)) {
            Some(e) => e.def.is_some(),
            None => self.common_index(name).is_some(),
        }
    }

    pub fn insert(&mut self, name: Arc<str>, m: Rc<Macro>) {
        self.set(name, Some(m));
    }

    pub fn remove(&mut self, name: &Arc<str>) {
        self.set(name.clone(), None);
    }

    fn set(&mut self, name: Arc<str>, def: Option<Rc<Macro>>) {
        self.defined.insert(key(&name), Entry { _name: name, def });
    }

    /// The index in `predefined::COMMON` of `name`, if it is a common predefined macro
    /// (whether it is still defined is up to `defined`, which holds every name used).
    fn common_index(&self, name: &str) -> Option<usize> {
        self.common_file?;
        // Every common macro name is reserved (starts with `_`): most identifiers are
        // rejected here without a search.
        if !name.starts_with('_') {
            return None;
        }
        predefined::COMMON
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .ok()
    }

    /// A placeholder for the common macro `name`: its `NAME VALUE` bytes, to be read by
    /// `Pp::realize` on first expansion.
    fn common_placeholder(&self, name: &Arc<str>) -> Option<Macro> {
        let i = self.common_index(name)?;
        let file = self.common_file?;
        let start = *self.common_starts.get(i)?;
        let (n, value) = predefined::COMMON[i];
        let end = start + (n.len() + 1 + value.len()) as u32;
        Some(Macro {
            name: name.clone(),
            def_span: Span::new(file, start as usize, start as usize + n.len()),
            function_like: false,
            params: Vec::new(),
            variadic: false,
            body: Vec::new(),
            body_param: Vec::new(),
            builtin: false,
            lazy: Some(start..end),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> MacroTable {
        let mut t = MacroTable::new();
        let (_, starts) = MacroTable::common_text();
        t.enable_common(FileId::default(), starts);
        t
    }

    /// The compiler-built text is the `#define` lines of `predefined::COMMON`.
    #[test]
    fn common_text_is_one_define_per_macro() {
        let (text, starts) = MacroTable::common_text();
        let mut want = String::new();
        let mut want_starts = Vec::new();
        for (name, value) in predefined::COMMON {
            want.push_str("#define ");
            want_starts.push(want.len() as u32);
            want.push_str(&format!("{name} {value}\n"));
        }
        assert_eq!(&*text, want);
        assert_eq!(&*starts, &want_starts[..]);
    }

    #[test]
    fn common_macros_are_defined_until_undefined() {
        let mut t = table();
        let name: Arc<str> = Arc::from("__BPF__");
        assert!(t.contains(&name));
        t.remove(&name);
        assert!(!t.contains(&name));
        assert!(t.get(&name).is_none());
        assert!(!t.contains(&Arc::from("__not_predefined__")));
    }

    #[test]
    fn placeholder_points_at_its_line() {
        let mut t = table();
        let (text, _) = MacroTable::common_text();
        let name: Arc<str> = Arc::from("__CHAR_BIT__");
        let m = t.get(&name).expect("defined");
        let r = m.lazy.clone().expect("a placeholder");
        assert_eq!(&text[r.start as usize..r.end as usize], "__CHAR_BIT__ 8");
        // Entered once: the same definition is found again.
        assert!(Rc::ptr_eq(&m, &t.get(&name).expect("defined")));
    }

    #[test]
    fn common_table_is_sorted_and_reserved() {
        assert!(predefined::COMMON.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(predefined::COMMON.iter().all(|(n, _)| n.starts_with('_')));
    }

    #[test]
    fn nothing_common_before_enabled() {
        let mut t = MacroTable::new();
        assert!(!t.contains(&Arc::from("__BPF__")));
        assert!(t.get(&Arc::from("__BPF__")).is_none());
    }
}
