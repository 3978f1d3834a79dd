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
    E_PP_UNTERMINATED_COMMENT = "E0101": "a block comment is not closed before the end of the file",
    E_PP_UNTERMINATED_LITERAL = "E0102": "a string or character literal is not closed on its line",
    E_PP_BAD_CHAR = "E0103": "a character that starts no C token",
    E_PP_BAD_DIRECTIVE = "E0104": "an unknown or malformed preprocessing directive",
    E_PP_UNTERMINATED_IF = "E0105": "an #if/#ifdef/#ifndef has no matching #endif in its file",
    E_PP_STRAY_CONDITIONAL = "E0106": "#elif/#else/#endif without a matching #if, or after #else",
    E_PP_INCLUDE_NOT_FOUND = "E0107": "an included file was not found in the search path",
    E_PP_INCLUDE_DEPTH = "E0108": "#include nested too deeply (probably recursive)",
    E_PP_ERROR_DIRECTIVE = "E0109": "an #error directive was reached",
    E_PP_MACRO_ARGS = "E0110": "a function-like macro was given the wrong number of arguments",
    E_PP_UNTERMINATED_CALL = "E0111": "a function-like macro invocation has no closing parenthesis",
    E_PP_BAD_DEFINE = "E0112": "a malformed #define or #undef",
    E_PP_BAD_IF_EXPR = "E0113": "an #if expression that is not a valid integer constant expression",
    E_PP_BAD_PASTE = "E0114": "`##` pasted two tokens into something that is not one token",
    E_PP_MACRO_REDEFINED = "E0115": "a macro was redefined with a different body",
    E_PP_WARNING_DIRECTIVE = "E0116": "a #warning directive was reached",
    E_PP_BAD_INCLUDE = "E0117": "an #include without a \"file\" or <file> name",
    E_PP_BAD_LINE = "E0118": "a malformed #line directive",
    E_PP_EXPANSION_DEPTH = "E0119": "macro arguments nested too deeply to expand",
    // E02xx: lexer and parser
    E_PARSE_UNEXPECTED = "E0201": "the parser met a token that cannot continue the C program here",
    E_PARSE_EOF = "E0202": "the C program ends in the middle of a declaration, statement or expression",
    E_PARSE_INT_TOO_LARGE = "E0203": "an integer constant does not fit in 64 bits",
    E_PARSE_BAD_NUMBER = "E0204": "a malformed integer constant (bad digit or suffix)",
    E_PARSE_BAD_ESCAPE = "E0205": "a malformed or out-of-range escape sequence in a character or string literal",
    E_PARSE_BAD_CHAR_LIT = "E0206": "an empty or malformed character constant",
    E_PARSE_STRING_PREFIX = "E0207": "adjacent string literals with different encoding prefixes",
    E_PARSE_TOO_MANY_ERRORS = "E0208": "too many syntax errors; the parser stopped reporting",
    E_PARSE_NESTING = "E0209": "brackets, parentheses or braces nested deeper than the parser allows (256, as clang)",
    // E03xx: semantic checks and BPF limits
    E_UNDECLARED = "E0301": "use of an undeclared identifier",
    E_INCOMPATIBLE = "E0302": "incompatible types in an assignment, initialization, argument or return",
    E_NOT_LVALUE = "E0303": "expression is not assignable (not a modifiable lvalue)",
    E_ARG_COUNT = "E0304": "wrong number of arguments in a call",
    E_BPF_FLOAT = "E0305": "floating point is not supported by BPF",
    E_BPF_VLA = "E0306": "variable-length arrays are not supported by BPF",
    E_BPF_RECURSION = "E0307": "recursion is not supported by BPF",
    E_BPF_TOO_MANY_PARAMS = "E0308": "BPF functions take at most 5 arguments",
    E_BPF_AGGREGATE_BY_VALUE = "E0309": "struct or union passed or returned by value beyond BPF's calling convention (over 16 bytes, or returned without inlining)",
    E_REDEFINITION = "E0310": "redefinition or conflicting declaration",
    E_INVALID_OPERANDS = "E0311": "invalid operands to an operator",
    E_NOT_CONSTANT = "E0312": "expression is not an integer constant expression",
    E_STATIC_ASSERT = "E0313": "static assertion failed",
    E_INCOMPLETE_TYPE = "E0314": "use of an incomplete type",
    E_NO_MEMBER = "E0315": "no member with this name",
    E_NOT_RECORD = "E0316": "member access on something that is not a struct or union",
    E_NOT_CALLABLE = "E0317": "called object is not a function",
    E_BAD_INIT = "E0318": "invalid initializer",
    E_BAD_JUMP = "E0319": "misplaced break, continue, case or default, or duplicate case",
    E_UNSUPPORTED = "E0320": "C construct not supported for BPF",
    E_LABEL = "E0321": "undeclared or redefined label",
    E_BAD_DEREF = "E0322": "invalid use of void or dereference of a non-pointer",
    E_BITFIELD = "E0323": "invalid bit-field",
    E_BUILTIN_ARG = "E0324": "invalid argument to a builtin",
    E_BAD_CAST = "E0325": "invalid cast",
    E_BAD_TYPE = "E0326": "invalid type specifiers or unknown type name",
    E_BAD_RETURN = "E0327": "return value does not match the function's return type",
    E_TYPE_TOO_DEEP = "E0328": "type nests deeper than the compiler allows (256 pointer, array, function, typedef or member levels)",
    // E04xx: IR text and verifier
    E_IR_LEX = "E0401": "invalid character or literal in IR text",
    E_IR_SYNTAX = "E0402": "IR text does not follow the grammar",
    E_IR_NAME = "E0403": "unknown or duplicate name in IR text",
    E_IR_NUMBER = "E0404": "a number in IR text is out of range",
    E_IR_TYPE = "E0405": "IR operand or result has the wrong type",
    E_IR_SSA = "E0406": "IR value used where its definition does not dominate",
    E_IR_CFG = "E0407": "IR block or terminator is malformed",
    E_IR_ARITY = "E0408": "IR branch or call has the wrong number of arguments",
    E_IR_RANGE = "E0409": "IR offset, size or alignment out of range",
    E_IR_SYMBOL = "E0410": "IR refers to an unknown symbol or debug type",
    // E05xx: codegen
    E_FRAME_TOO_LARGE = "E0501": "the stack frame of a function exceeds BPF's 512 bytes",
    E_CPU_FEATURE = "E0502": "the operation needs a newer BPF cpu version (-mcpu)",
    E_TOO_MANY_ARGS = "E0503": "a call passes more than the 5 arguments BPF registers allow",
    E_CODEGEN_UNSUPPORTED = "E0504": "an IR operation that BPF cannot express",
    E_REGALLOC = "E0505": "register allocation failed (internal error)",
    E_OFFSET_RANGE = "E0506": "a memory offset does not fit BPF's 16-bit offset field",
    E_BTF = "E0507": "a debug type cannot be expressed in BTF",
    // E06xx: assembler
    // E060x-E062x: the assembler (asm/src/text, asm/src/assemble.rs)
    E_ASM_UNKNOWN_DIRECTIVE = "E0600": "unknown assembler directive",
    E_ASM_BAD_DIRECTIVE = "E0601": "malformed directive operands",
    E_ASM_UNDEFINED = "E0602": "undefined label or temporary symbol",
    E_ASM_DUPLICATE = "E0603": "a label or symbol is defined twice",
    E_ASM_NOT_ABSOLUTE = "E0604": "an expression that must be a constant depends on symbols",
    E_ASM_BAD_RELOC = "E0605": "an expression no BPF relocation can represent",
    E_ASM_RANGE = "E0606": "a value does not fit its field or data directive",
    E_ASM_BAD_SECTION = "E0607": "a malformed or conflicting section declaration",
    E_ASM_BAD_TOKEN = "E0608": "an unterminated string or comment, or a stray character",
    E_ASM_JUMP_RANGE = "E0609": "a jump target is too far for the 16-bit offset",
    // E068x: the instruction set (asm/src/isa): one instruction's text or bytes
    E_ISA_UNKNOWN = "E0680": "not a BPF instruction: unknown mnemonic or instruction shape",
    E_ISA_BAD_REGISTER = "E0681": "not a BPF register (r0-r10, w0-w10) or the wrong kind of register here",
    E_ISA_IMM_RANGE = "E0682": "an immediate does not fit its field (32 bits, or 64 for ld_imm64)",
    E_ISA_OFF_RANGE = "E0683": "an offset or jump distance does not fit in 16 signed bits",
    E_ISA_BAD_OPERAND = "E0684": "a malformed operand",
    E_ISA_CPU = "E0685": "the instruction needs a newer -mcpu (v2, v3 or v4)",
    E_ISA_BAD_ENCODING = "E0686": "bytes that do not encode a valid BPF instruction",
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
            assert!(
                c.id.len() == 5 && c.id.starts_with('E'),
                "bad code {}",
                c.id
            );
        }
    }
}
