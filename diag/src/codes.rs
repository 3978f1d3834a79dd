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
    E_ELF_NOT_ELF = "E0701": "the input is not an ELF file or ar archive",
    E_ELF_UNSUPPORTED = "E0702": "an ELF file of an unsupported kind (class, machine, type)",
    E_ELF_TRUNCATED = "E0703": "an ELF header, table or section lies outside the file",
    E_ELF_BAD_SECTION = "E0704": "a malformed section header, name or link",
    E_ELF_BAD_SYMBOL = "E0705": "a malformed symbol (name, section index, value or size)",
    E_ELF_BAD_RELOC = "E0706": "a malformed relocation (offset, symbol or type)",
    E_ELF_BAD_ARCHIVE = "E0707": "a malformed ar archive",
    E_BTF_BAD = "E0708": "a malformed .BTF section",
    E_BTF_EXT_BAD = "E0709": "a malformed .BTF.ext section",
    // E08xx: static linking
    E_LINK_ENDIAN = "E0801": "the inputs have different byte orders",
    E_LINK_DUP_SYMBOL = "E0802": "a global symbol is defined by two inputs",
    E_LINK_UNRESOLVED = "E0803": "an extern symbol is defined by no input",
    E_LINK_LICENSE = "E0804": "the inputs declare different licenses",
    E_LINK_MAP_MISMATCH = "E0805": "a map is defined differently by two inputs",
    E_LINK_TYPE_MISMATCH = "E0806": "an extern's BTF type does not match its definition",
    E_LINK_SECTION_MISMATCH = "E0807": "same-named sections of incompatible kinds",
    E_LINK_NO_INPUT = "E0808": "nothing to link",
    E_LINK_BAD_INPUT = "E0809": "an input cannot be linked (no symbol table, unsupported contents)",
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
