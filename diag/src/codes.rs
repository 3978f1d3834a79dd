//! The one table of diagnostic codes.
//!
//! Each row is `NAME = "Exxxx": "what it means"`. Ranges by stage, so rows can be
//! added without renumbering:
//! E00xx driver and I/O, E01xx preprocessor, E02xx lexer and parser, E03xx semantic
//! checks and BPF limits, E04xx IR text and verifier, E05xx codegen (frame, BTF),
//! E06xx assembler, E07xx ELF reading and objects, E08xx static linking.

/// A diagnostic code from the table below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub id: &'static str,
    pub summary: &'static str,
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! codes {
    ($($name:ident = $id:literal : $summary:literal,)*) => {
        $(pub const $name: Code = Code { id: $id, summary: $summary };)*
        /// Every code, in table order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    // E00xx: driver and I/O
    E_IO = "E0001": "a file could not be read or written",
    E_USAGE = "E0002": "invalid command-line usage",

    // E01xx: preprocessor
    // E02xx: lexer and parser
    // E03xx: semantic checks and BPF limits
    // E04xx: IR text and verifier
    // E05xx: codegen
    // E06xx: assembler
    // E07xx: ELF reading and objects
    // E08xx: static linking
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL {
            assert!(seen.insert(c.id), "duplicate code {}", c.id);
            assert!(c.id.len() == 5 && c.id.starts_with('E'), "bad code {}", c.id);
        }
    }
}
