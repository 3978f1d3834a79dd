//! The parser of the IR text form (the printer is `write.rs`).
//!
//! Grammar (one item or instruction per line by convention; newlines are not
//! significant):
//! ```text
//! module   := item*
//! item     := 'file' INT STR | 'line' INT ':' INT STR | 'type' tN '=' dtype
//!           | 'extern' ['weak'] ('func'|'kfunc'|'ksym'|'var') @sym ['section' STR] ['debug' tN]
//!           | 'data' LINKAGE @sym 'size' INT 'align' INT 'section' STR ['const'] ['volatile']
//!                ['keep'] ['unnamed_addr' STR] ('zero' | 'bytes' STR-of-hex) ('reloc' INT @sym [+-INT])* ['debug' tN]
//!           | function
//! dtype    := 'void' | 'int' STR 'size' INT ['signed'] ['char'] ['bool'] | 'ptr' tN
//!           | 'array' tN ',' INT | ('struct'|'union') STR 'size' INT '{' members '}'
//!           | 'enum' STR 'size' INT ['signed'] '{' [STR '=' INT {',' ...}] '}'
//!           | 'typedef' STR tN | 'const' tN | 'volatile' tN | 'restrict' tN
//!           | 'func_proto' tN '(' [STR ':' tN {',' ...}] [',' '...'] ')'
//!           | 'fwd' ('struct'|'union') STR
//! members  := [STR ':' tN @BITOFF ['bits' INT] {',' ...}]
//! function := 'function' LINKAGE @name '(' [TYPE {',' TYPE}] ')' ['->' TYPE]
//!             'section' STR ATTR* ['debug' tN] '{' slot* block* '}'
//! slot     := ssN '=' 'stack_slot' INT ',' 'align' INT [',' 'copy_of' @sym]
//! block    := blockN ['(' vN ':' TYPE {',' ...} ')'] ':' inst*
//! inst     := [vN '='] OPCODE[.suffixes] operands [LOC]        (see `inst`)
//!             `iconst.T N` may be followed by `core KIND tN "ACCESS"` (CO-RE).
//! ```
//! Invariants: never panics; the first error is returned as an E04xx diagnostic
//! pointing at the offending token. Value and block numbers are kept as written (so
//! printing gives the same names back); numbers are limited to `MAX_ENTITY`.
//! The parser checks names and types it needs to build the IR; everything else is the
//! verifier's job.

use cranelift_entity::{EntityRef, SecondaryMap};

use diag::{Code, Diagnostic, Diagnostics, FileId, Span, codes};

use crate::core::{CoreReloc, CoreRelocKind};
use crate::debuginfo::{DebugFile, DebugType, Member, Param};
use crate::entities::{Block, DebugTypeId, FuncRef, GlobalRef, Inst, StackSlot, Value};
use crate::function::{Function, Signature};
use crate::instructions::{BlockCall, InstData};
use crate::module::{DataInit, DataReloc, ExternKind, ExternSym, GlobalData, Module};
use crate::opcodes::{Format, Opcode, ResultRule};
use crate::text::lexer::{Tok, Token, lex};
use crate::types::{AtomicOp, Ext, IntCC, Linkage, MemFlags, SourceLoc, Type};

/// Largest value, block or debug type number accepted in the text.
pub const MAX_ENTITY: usize = 1_000_000;

/// Parses a whole module.
pub fn parse_module(text: &str, file: FileId) -> Result<Module, Diagnostics> {
    let toks = lex(text, file)?;
    let mut p = Parser {
        toks,
        pos: 0,
        pending_core: None,
    };
    p.module().map_err(Diagnostics::from)
}

/// Parses a text holding exactly one function.
pub fn parse_function(text: &str, file: FileId) -> Result<Function, Diagnostics> {
    let toks = lex(text, file)?;
    let mut p = Parser {
        toks,
        pos: 0,
        pending_core: None,
    };
    let f = p.function()?;
    p.expect(&Tok::Eof)?;
    Ok(f)
}

type PResult<T> = Result<T, Diagnostic>;

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// The `core ...` suffix of the `iconst` just read.
    pending_core: Option<CoreReloc>,
}

/// An instruction whose result type is found after the whole function is read.
struct PendingResult {
    inst: Inst,
    value: Value,
    ctrl: Option<Type>,
    span: Span,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map(|t| &t.tok).unwrap_or(&Tok::Eof)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.toks
            .get(self.pos + n)
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn span(&self) -> Span {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map(|t| t.span)
            .unwrap_or_default()
    }

    fn prev_span(&self) -> Span {
        self.toks
            .get(self.pos.saturating_sub(1))
            .map(|t| t.span)
            .unwrap_or_default()
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, code: Code, span: Span, msg: impl Into<String>) -> Diagnostic {
        let msg = msg.into();
        Diagnostic::error(code, msg.clone()).with_label(span, msg)
    }

    fn unexpected(&self, what: &str) -> Diagnostic {
        let msg = format!("expected {what}, found {}", self.peek().describe());
        Diagnostic::error(codes::E_IR_SYNTAX, msg)
            .with_label(self.span(), format!("expected {what}"))
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == t {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Tok) -> PResult<()> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(self.unexpected(&t.describe()))
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Tok::Word(x) if x == w) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{w}`")))
        }
    }

    fn word(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Tok::Word(w) => {
                let w = w.clone();
                self.bump();
                Ok(w)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn sym(&mut self) -> PResult<String> {
        match self.peek() {
            Tok::Sym(s) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => Err(self.unexpected("a symbol `@name`")),
        }
    }

    fn string(&mut self) -> PResult<String> {
        match self.peek() {
            Tok::Str(s) => {
                let s = String::from_utf8_lossy(s).into_owned();
                self.bump();
                Ok(s)
            }
            _ => Err(self.unexpected("a string")),
        }
    }

    fn int(&mut self) -> PResult<i128> {
        match self.peek() {
            Tok::Int(i) => {
                let i = *i;
                self.bump();
                Ok(i)
            }
            _ => Err(self.unexpected("an integer")),
        }
    }

    /// An integer converted to `T`, with a range error at the token otherwise.
    fn int_as<T: TryFrom<i128>>(&mut self, what: &str) -> PResult<T> {
        let span = self.span();
        let v = self.int()?;
        T::try_from(v).map_err(|_| {
            self.error_at(
                codes::E_IR_NUMBER,
                span,
                format!("{what} {v} is out of range"),
            )
        })
    }

    fn ty(&mut self) -> PResult<Type> {
        let span = self.span();
        let w = self.word("a type (i8, i16, i32, i64)")?;
        Type::from_name(&w)
            .ok_or_else(|| self.error_at(codes::E_IR_TYPE, span, format!("unknown type `{w}`")))
    }

    fn type_name(&self, name: &str, span: Span) -> PResult<Type> {
        Type::from_name(name)
            .ok_or_else(|| self.error_at(codes::E_IR_TYPE, span, format!("unknown type `{name}`")))
    }

    /// A word `<prefix>N` as an entity number.
    fn entity(&mut self, prefix: &str, what: &str) -> PResult<usize> {
        let span = self.span();
        let w = self.word(what)?;
        let num = w
            .strip_prefix(prefix)
            .filter(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| {
                self.error_at(
                    codes::E_IR_SYNTAX,
                    span,
                    format!("expected {what}, found `{w}`"),
                )
            })?;
        match num.parse::<usize>() {
            Ok(n) if n < MAX_ENTITY => Ok(n),
            _ => Err(self.error_at(codes::E_IR_NUMBER, span, format!("`{w}`: number too large"))),
        }
    }

    fn is_entity(&self, prefix: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w.strip_prefix(prefix)
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())))
    }

    fn debug_id(&mut self) -> PResult<DebugTypeId> {
        Ok(DebugTypeId::new(self.entity("t", "a debug type `tN`")?))
    }

    fn opt_debug(&mut self) -> PResult<Option<DebugTypeId>> {
        if self.eat_word("debug") {
            Ok(Some(self.debug_id()?))
        } else {
            Ok(None)
        }
    }

    fn linkage(&mut self) -> PResult<Linkage> {
        let span = self.span();
        let w = self.word("a linkage (local, global, weak)")?;
        Linkage::from_name(&w).ok_or_else(|| {
            self.error_at(codes::E_IR_SYNTAX, span, format!("unknown linkage `{w}`"))
        })
    }

    // ---- module ------------------------------------------------------------------

    fn module(&mut self) -> PResult<Module> {
        let mut m = Module::new();
        let mut type_spans: Vec<Span> = Vec::new();
        loop {
            let span = self.span();
            match self.peek().clone() {
                Tok::Eof => break,
                Tok::Word(w) => match w.as_str() {
                    "file" => {
                        self.bump();
                        let n: usize = self.int_as("file number")?;
                        if n != m.files.len() {
                            return Err(self.error_at(
                                codes::E_IR_NAME,
                                span,
                                format!(
                                    "files must be numbered in order: expected {}",
                                    m.files.len()
                                ),
                            ));
                        }
                        let name = self.string()?;
                        m.files.push(DebugFile::new(name));
                    }
                    "line" => {
                        self.bump();
                        let fspan = self.span();
                        let f: usize = self.int_as("file number")?;
                        self.expect(&Tok::Colon)?;
                        let line: u32 = self.int_as("line number")?;
                        let text = self.string()?;
                        let Some(file) = m.files.get_mut(f) else {
                            return Err(self.error_at(
                                codes::E_IR_NAME,
                                fspan,
                                format!("no file {f}"),
                            ));
                        };
                        file.lines.insert(line, text);
                    }
                    "type" => {
                        self.bump();
                        let id = self.debug_id()?;
                        if id.index() != m.debug_types.len() {
                            return Err(self.error_at(
                                codes::E_IR_NAME,
                                span,
                                format!(
                                    "debug types must be numbered in order: expected t{}",
                                    m.debug_types.len()
                                ),
                            ));
                        }
                        self.expect(&Tok::Equals)?;
                        let t = self.debug_type()?;
                        m.debug_types.push(t);
                        type_spans.push(span);
                    }
                    "extern" => {
                        self.bump();
                        let weak = self.eat_word("weak");
                        let kspan = self.span();
                        let k = self.word("an extern kind (func, kfunc, ksym, var)")?;
                        let kind = ExternKind::from_name(&k).ok_or_else(|| {
                            self.error_at(
                                codes::E_IR_SYNTAX,
                                kspan,
                                format!("unknown extern kind `{k}`"),
                            )
                        })?;
                        let name = self.sym()?;
                        let section = if self.eat_word("section") {
                            self.string()?
                        } else {
                            String::new()
                        };
                        let debug_type = self.opt_debug()?;
                        m.externs.push(ExternSym {
                            name,
                            kind,
                            weak,
                            section,
                            debug_type,
                        });
                    }
                    "data" => {
                        self.bump();
                        let g = self.global()?;
                        m.globals.push(g);
                    }
                    "function" => {
                        let f = self.function()?;
                        m.functions.push(f);
                    }
                    _ => {
                        return Err(self
                            .unexpected("`file`, `line`, `type`, `extern`, `data` or `function`"));
                    }
                },
                _ => {
                    return Err(
                        self.unexpected("`file`, `line`, `type`, `extern`, `data` or `function`")
                    );
                }
            }
        }
        // Every type reference must name an entry of the table.
        for (i, t) in m.debug_types.values().enumerate() {
            for r in t.refs() {
                if r.index() >= m.debug_types.len() {
                    let span = type_spans.get(i).copied().unwrap_or_default();
                    return Err(self.error_at(
                        codes::E_IR_SYMBOL,
                        span,
                        format!("unknown debug type {r}"),
                    ));
                }
            }
        }
        Ok(m)
    }

    fn members(&mut self) -> PResult<Vec<Member>> {
        self.expect(&Tok::LBrace)?;
        let mut out = Vec::new();
        if self.eat(&Tok::RBrace) {
            return Ok(out);
        }
        loop {
            let name = self.string()?;
            self.expect(&Tok::Colon)?;
            let ty = self.debug_id()?;
            let ospan = self.span();
            let off = self.sym()?;
            let bit_offset: u32 = off.parse().map_err(|_| {
                self.error_at(codes::E_IR_NUMBER, ospan, "expected a bit offset `@N`")
            })?;
            let bitfield_size = if self.eat_word("bits") {
                self.int_as("bitfield size")?
            } else {
                0
            };
            out.push(Member {
                name,
                ty,
                bit_offset,
                bitfield_size,
            });
            if self.eat(&Tok::RBrace) {
                return Ok(out);
            }
            self.expect(&Tok::Comma)?;
        }
    }

    fn debug_type(&mut self) -> PResult<DebugType> {
        let span = self.span();
        let w = self.word("a debug type")?;
        Ok(match w.as_str() {
            "void" => DebugType::Void,
            "int" => {
                let name = self.string()?;
                self.expect_word("size")?;
                let size = self.int_as("size")?;
                let signed = self.eat_word("signed");
                let is_char = self.eat_word("char");
                let is_bool = self.eat_word("bool");
                DebugType::Int {
                    name,
                    size,
                    signed,
                    is_char,
                    is_bool,
                }
            }
            "float" => {
                let name = self.string()?;
                self.expect_word("size")?;
                let size = self.int_as("size")?;
                DebugType::Float { name, size }
            }
            "ptr" => DebugType::Ptr(self.debug_id()?),
            "array" => {
                let elem = self.debug_id()?;
                self.expect(&Tok::Comma)?;
                let len = self.int_as("array length")?;
                DebugType::Array { elem, len }
            }
            "struct" | "union" => {
                let name = self.string()?;
                self.expect_word("size")?;
                let size = self.int_as("size")?;
                let members = self.members()?;
                if w == "struct" {
                    DebugType::Struct {
                        name,
                        size,
                        members,
                    }
                } else {
                    DebugType::Union {
                        name,
                        size,
                        members,
                    }
                }
            }
            "enum" => {
                let name = self.string()?;
                self.expect_word("size")?;
                let size = self.int_as("size")?;
                let signed = self.eat_word("signed");
                self.expect(&Tok::LBrace)?;
                let mut values = Vec::new();
                if !self.eat(&Tok::RBrace) {
                    loop {
                        let n = self.string()?;
                        self.expect(&Tok::Equals)?;
                        let v: i64 = self.int_as("enum value")?;
                        values.push((n, v));
                        if self.eat(&Tok::RBrace) {
                            break;
                        }
                        self.expect(&Tok::Comma)?;
                    }
                }
                DebugType::Enum {
                    name,
                    size,
                    signed,
                    values,
                }
            }
            "typedef" => {
                let name = self.string()?;
                let ty = self.debug_id()?;
                DebugType::Typedef { name, ty }
            }
            "const" => DebugType::Const(self.debug_id()?),
            "volatile" => DebugType::Volatile(self.debug_id()?),
            "restrict" => DebugType::Restrict(self.debug_id()?),
            "func_proto" => {
                let ret = self.debug_id()?;
                self.expect(&Tok::LParen)?;
                let mut params = Vec::new();
                let mut variadic = false;
                if !self.eat(&Tok::RParen) {
                    loop {
                        if self.eat(&Tok::Ellipsis) {
                            variadic = true;
                            self.expect(&Tok::RParen)?;
                            break;
                        }
                        let name = self.string()?;
                        self.expect(&Tok::Colon)?;
                        let ty = self.debug_id()?;
                        params.push(Param { name, ty });
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma)?;
                    }
                }
                DebugType::FuncProto {
                    ret,
                    params,
                    variadic,
                }
            }
            "fwd" => {
                let kspan = self.span();
                let k = self.word("`struct` or `union`")?;
                let union = match k.as_str() {
                    "struct" => false,
                    "union" => true,
                    _ => {
                        return Err(self.error_at(
                            codes::E_IR_SYNTAX,
                            kspan,
                            "expected `struct` or `union`",
                        ));
                    }
                };
                DebugType::Fwd {
                    name: self.string()?,
                    union,
                }
            }
            _ => {
                return Err(self.error_at(
                    codes::E_IR_SYNTAX,
                    span,
                    format!("unknown debug type kind `{w}`"),
                ));
            }
        })
    }

    fn global(&mut self) -> PResult<GlobalData> {
        let linkage = self.linkage()?;
        let name = self.sym()?;
        self.expect_word("size")?;
        let size: u64 = self.int_as("size")?;
        self.expect_word("align")?;
        let align: u32 = self.int_as("alignment")?;
        self.expect_word("section")?;
        let section = self.string()?;
        let constant = self.eat_word("const");
        let volatile = self.eat_word("volatile");
        let keep = self.eat_word("keep");
        let pool = self.eat_word("pool");
        let unnamed_section = if self.eat_word("unnamed_addr") {
            Some(self.string()?)
        } else {
            None
        };
        let init = if self.eat_word("zero") {
            DataInit::Zero
        } else if self.eat_word("bytes") {
            let span = self.span();
            let hex = self.string()?;
            let h = hex.as_bytes();
            if h.len() % 2 != 0 || !h.iter().all(u8::is_ascii_hexdigit) {
                return Err(self.error_at(
                    codes::E_IR_SYNTAX,
                    span,
                    "`bytes` takes a string of hex digit pairs",
                ));
            }
            let bytes = h
                .chunks(2)
                .map(|c| {
                    let s = std::str::from_utf8(c).unwrap_or("00");
                    u8::from_str_radix(s, 16).unwrap_or(0)
                })
                .collect();
            DataInit::Bytes(bytes)
        } else {
            return Err(self.unexpected("`zero` or `bytes`"));
        };
        let mut relocs = Vec::new();
        while self.eat_word("reloc") {
            let offset: u32 = self.int_as("relocation offset")?;
            let symbol = self.sym()?;
            let addend: i64 = if matches!(self.peek(), Tok::Int(_)) {
                self.int_as("addend")?
            } else {
                0
            };
            relocs.push(DataReloc {
                offset,
                symbol,
                addend,
            });
        }
        let debug_type = self.opt_debug()?;
        Ok(GlobalData {
            name,
            section,
            linkage,
            size,
            align,
            init,
            relocs,
            constant,
            volatile,
            keep,
            unnamed_section,
            pool,
            debug_type,
        })
    }

    // ---- functions ---------------------------------------------------------------

    fn function(&mut self) -> PResult<Function> {
        self.expect_word("function")?;
        let linkage = self.linkage()?;
        let name = self.sym()?;
        self.expect(&Tok::LParen)?;
        let mut params = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                params.push(self.ty()?);
                if self.eat(&Tok::RParen) {
                    break;
                }
                self.expect(&Tok::Comma)?;
            }
        }
        let ret = if self.eat(&Tok::Arrow) {
            Some(self.ty()?)
        } else {
            None
        };
        let mut f = Function::new(name, Signature::new(params, ret));
        f.linkage = linkage;
        self.expect_word("section")?;
        f.section = self.string()?;
        while let Tok::Word(w) = self.peek().clone() {
            if w == "debug" {
                break;
            }
            let span = self.span();
            if !f.attrs.set(&w) {
                return Err(self.error_at(
                    codes::E_IR_SYNTAX,
                    span,
                    format!("unknown function attribute `{w}`"),
                ));
            }
            self.bump();
        }
        f.debug_type = self.opt_debug()?;
        self.expect(&Tok::LBrace)?;
        // Stack slots.
        while self.is_entity("ss") {
            let span = self.span();
            let n = self.entity("ss", "a stack slot")?;
            if n != f.stack_slots.len() {
                return Err(self.error_at(
                    codes::E_IR_NAME,
                    span,
                    format!(
                        "stack slots must be numbered in order: expected ss{}",
                        f.stack_slots.len()
                    ),
                ));
            }
            self.expect(&Tok::Equals)?;
            self.expect_word("stack_slot")?;
            let size = self.int_as("slot size")?;
            self.expect(&Tok::Comma)?;
            self.expect_word("align")?;
            let align = self.int_as("slot alignment")?;
            let slot = f.create_stack_slot(size, align);
            if self.eat(&Tok::Comma) {
                self.expect_word("copy_of")?;
                let sym = self.sym()?;
                f.stack_slots[slot].copy_of = Some(f.import_global(&sym));
            }
        }
        let mut pending: Vec<PendingResult> = Vec::new();
        let mut defined: SecondaryMap<Value, bool> = SecondaryMap::new();
        let mut used: Vec<(Value, Span)> = Vec::new();
        let mut targets: Vec<(Block, Span)> = Vec::new();
        let mut slot_uses: Vec<(StackSlot, Span)> = Vec::new();
        let mut current: Option<Block> = None;
        loop {
            if self.eat(&Tok::RBrace) {
                break;
            }
            if self.is_entity("block") && matches!(self.peek_at(1), Tok::Colon | Tok::LParen) {
                let span = self.span();
                let b = Block::new(self.entity("block", "a block")?);
                f.dfg.ensure_block(b);
                if f.layout.is_block_inserted(b) {
                    return Err(self.error_at(
                        codes::E_IR_NAME,
                        span,
                        format!("{b} is defined twice"),
                    ));
                }
                f.layout.append_block(b);
                if self.eat(&Tok::LParen) {
                    loop {
                        let vspan = self.span();
                        let v = self.value()?;
                        self.expect(&Tok::Colon)?;
                        let ty = self.ty()?;
                        f.dfg.ensure_value(v);
                        if defined[v] {
                            return Err(self.error_at(
                                codes::E_IR_NAME,
                                vspan,
                                format!("{v} is defined twice"),
                            ));
                        }
                        defined[v] = true;
                        f.dfg.attach_param(b, v, ty);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma)?;
                    }
                }
                self.expect(&Tok::Colon)?;
                current = Some(b);
                continue;
            }
            let Some(block) = current else {
                return Err(self.unexpected("a block header `blockN:` or `}`"));
            };
            let start = self.span();
            let result = if self.is_entity("v") && self.peek_at(1) == &Tok::Equals {
                let vspan = self.span();
                let v = self.value()?;
                self.bump();
                Some((v, vspan))
            } else {
                None
            };
            let (mut data, ctrl, symbol) = self.inst(result.is_some())?;
            if let Some(sym) = symbol {
                match &mut data {
                    InstData::Call { func, .. } | InstData::FuncAddr { func } => {
                        *func = f.import_func(&sym)
                    }
                    InstData::GlobalAddr { global, .. } => *global = f.import_global(&sym),
                    _ => {}
                }
            }
            let span = start.to(self.prev_span());
            for v in data.operands() {
                used.push((v, span));
            }
            for d in data.branch_targets() {
                targets.push((d.block, span));
            }
            if let InstData::StackAddr { slot, .. } = &data {
                slot_uses.push((*slot, span));
            }
            let inst = f.dfg.push_inst(data);
            f.layout.append_inst(inst, block);
            if let Some(r) = self.pending_core.take() {
                f.core_relocs.insert(inst, r);
            }
            if let Tok::Loc(file, line, col) = *self.peek() {
                self.bump();
                f.srclocs[inst] = SourceLoc::new(file, line, col);
            }
            if let Some((v, vspan)) = result {
                f.dfg.ensure_value(v);
                if defined[v] {
                    return Err(self.error_at(
                        codes::E_IR_NAME,
                        vspan,
                        format!("{v} is defined twice"),
                    ));
                }
                defined[v] = true;
                pending.push(PendingResult {
                    inst,
                    value: v,
                    ctrl,
                    span,
                });
            }
        }
        // Names must resolve.
        for &(v, span) in &used {
            if v.index() >= f.dfg.values.len() || !defined[v] {
                return Err(self.error_at(codes::E_IR_NAME, span, format!("{v} is not defined")));
            }
        }
        for &(b, span) in &targets {
            if b.index() >= f.dfg.blocks.len() || !f.layout.is_block_inserted(b) {
                return Err(self.error_at(codes::E_IR_NAME, span, format!("{b} is not defined")));
            }
        }
        for &(s, span) in &slot_uses {
            if !f.stack_slots.is_valid(s) {
                return Err(self.error_at(codes::E_IR_NAME, span, format!("{s} is not declared")));
            }
        }
        Self::infer_result_types(&mut f, pending)?;
        Ok(f)
    }

    /// Result types that follow an operand's type are found in rounds, since an
    /// operand may be defined later in the text (e.g. around a loop).
    fn infer_result_types(f: &mut Function, mut pending: Vec<PendingResult>) -> PResult<()> {
        let mut known: SecondaryMap<Value, bool> = SecondaryMap::new();
        for (_, bd) in f.dfg.blocks.iter() {
            for &p in &bd.params {
                known[p] = true;
            }
        }
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for pr in pending {
                let data = &f.dfg.insts[pr.inst];
                let rule = data.opcode().result_rule();
                let dep = match rule {
                    ResultRule::Arg0 => data.fixed_operand(0),
                    ResultRule::Arg1 => data.fixed_operand(1),
                    _ => None,
                };
                if dep.is_some_and(|d| !known[d]) {
                    rest.push(pr);
                    continue;
                }
                match f.dfg.result_type(data, pr.ctrl) {
                    Some(ty) => {
                        f.dfg.attach_result(pr.inst, pr.value, ty);
                        known[pr.value] = true;
                    }
                    None => {
                        return Err(Diagnostic::error(
                            codes::E_IR_TYPE,
                            "this instruction has no result",
                        )
                        .with_label(
                            pr.span,
                            format!("`{}` produces no value", data.opcode().name()),
                        ));
                    }
                }
            }
            if rest.len() == before {
                let span = rest.first().map(|p| p.span).unwrap_or_default();
                return Err(Diagnostic::error(
                    codes::E_IR_TYPE,
                    "cannot infer the type of this result",
                )
                .with_label(span, "its operands' types depend on each other"));
            }
            pending = rest;
        }
        Ok(())
    }

    fn value(&mut self) -> PResult<Value> {
        Ok(Value::new(self.entity("v", "a value `vN`")?))
    }

    fn value_list(&mut self) -> PResult<Vec<Value>> {
        self.expect(&Tok::LParen)?;
        let mut out = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(out);
        }
        loop {
            out.push(self.value()?);
            if self.eat(&Tok::RParen) {
                return Ok(out);
            }
            self.expect(&Tok::Comma)?;
        }
    }

    fn block_call(&mut self) -> PResult<BlockCall> {
        let b = Block::new(self.entity("block", "a block `blockN`")?);
        let args = if self.peek() == &Tok::LParen {
            self.value_list()?
        } else {
            Vec::new()
        };
        Ok(BlockCall::new(b, args))
    }

    fn comma(&mut self) -> PResult<()> {
        self.expect(&Tok::Comma)
    }

    fn offset16(&mut self) -> PResult<i16> {
        self.int_as("offset (must fit in 16 bits, BPF's `off` field)")
    }

    /// One instruction after the optional `vN =`; returns its data and its controlling
    /// type (from the `.T` suffix).
    fn inst(&mut self, has_result: bool) -> PResult<(InstData, Option<Type>, Option<String>)> {
        let mut symbol: Option<String> = None;
        let span = self.span();
        let word = self.word("an instruction")?;
        let mut parts = word.split('.');
        let name = parts.next().unwrap_or("");
        let suffixes: Vec<&str> = parts.collect();
        let Some(op) = Opcode::from_name(name) else {
            return Err(self.error_at(
                codes::E_IR_SYNTAX,
                span,
                format!("unknown instruction `{name}`"),
            ));
        };
        let bad_suffix = |p: &Parser| {
            p.error_at(
                codes::E_IR_SYNTAX,
                span,
                format!("wrong `.` suffixes on `{word}`"),
            )
        };
        // The `.T` suffix: required, optional or absent depending on the format.
        let suffix_ty = |p: &Parser, s: Option<&&str>| -> PResult<Option<Type>> {
            match s {
                Some(t) => p.type_name(t, span).map(Some),
                None => Ok(None),
            }
        };
        let (data, ctrl) = match op.format() {
            Format::Iconst | Format::Convert | Format::Load | Format::AtomicCas => {
                if suffixes.len() != 1 {
                    return Err(bad_suffix(self));
                }
                let ty = suffix_ty(self, suffixes.first())?;
                let data = match op.format() {
                    Format::Iconst => {
                        let ispan = self.span();
                        let v = self.int()?;
                        let t = ty.unwrap_or(Type::I64);
                        let fits = v >= -(1i128 << (t.bits() - 1)) && v <= t.mask() as i128;
                        if !fits {
                            return Err(self.error_at(
                                codes::E_IR_NUMBER,
                                ispan,
                                format!("{v} does not fit in {t}"),
                            ));
                        }
                        if self.eat_word("core") {
                            let kspan = self.span();
                            let k = self.word("a CO-RE relocation kind")?;
                            let kind = CoreRelocKind::from_name(&k).ok_or_else(|| {
                                self.error_at(
                                    codes::E_IR_SYNTAX,
                                    kspan,
                                    format!("unknown CO-RE relocation kind `{k}`"),
                                )
                            })?;
                            let ty = self.debug_id()?;
                            let aspan = self.span();
                            let access = self.string()?;
                            let reloc = CoreReloc { kind, ty, access };
                            if !reloc.access_is_valid() {
                                return Err(self.error_at(
                                    codes::E_IR_SYNTAX,
                                    aspan,
                                    "a CO-RE access string is `N:N:...`",
                                ));
                            }
                            self.pending_core = Some(reloc);
                        }
                        InstData::Iconst {
                            imm: t.sext(v as i64),
                        }
                    }
                    Format::Convert => InstData::Convert {
                        op,
                        arg: self.value()?,
                    },
                    Format::Load => {
                        let res = ty.unwrap_or(Type::I64);
                        let (mem, ext) = match self.peek().clone() {
                            Tok::Word(w) if w.starts_with("sext.") || w.starts_with("zext.") => {
                                let wspan = self.span();
                                self.bump();
                                let ext = if w.starts_with("sext.") {
                                    Ext::Sign
                                } else {
                                    Ext::Zero
                                };
                                (self.type_name(w.get(5..).unwrap_or(""), wspan)?, ext)
                            }
                            _ => (res, Ext::Zero),
                        };
                        let volatile = self.eat_word("volatile");
                        let addr = self.value()?;
                        self.comma()?;
                        let offset = self.offset16()?;
                        InstData::Load {
                            mem,
                            ext,
                            flags: MemFlags { volatile },
                            addr,
                            offset,
                        }
                    }
                    _ => {
                        let addr = self.value()?;
                        self.comma()?;
                        let offset = self.offset16()?;
                        self.comma()?;
                        let expected = self.value()?;
                        self.comma()?;
                        let new = self.value()?;
                        InstData::AtomicCas {
                            args: [addr, expected, new],
                            offset,
                        }
                    }
                };
                (data, ty)
            }
            Format::Call | Format::CallHelper => {
                if suffixes.len() > 1 {
                    return Err(bad_suffix(self));
                }
                let ty = suffix_ty(self, suffixes.first())?;
                if has_result && ty.is_none() {
                    return Err(self.error_at(
                        codes::E_IR_TYPE,
                        span,
                        format!("a call with a result needs its type: `{name}.i64`"),
                    ));
                }
                let data = if op.format() == Format::Call {
                    let sym = self.sym()?;
                    let args = self.value_list()?;
                    // The function reference is made when the instruction is added.
                    symbol = Some(sym);
                    InstData::Call {
                        op,
                        func: FuncRef::new(0),
                        args,
                    }
                } else {
                    let helper: u32 = self.int_as("helper number")?;
                    let args = self.value_list()?;
                    InstData::CallHelper { helper, args }
                };
                (data, if has_result { ty } else { None })
            }
            Format::AtomicRmw => {
                let [aop, t] = suffixes.as_slice() else {
                    return Err(bad_suffix(self));
                };
                let Some(aop) = AtomicOp::from_name(aop) else {
                    return Err(self.error_at(
                        codes::E_IR_SYNTAX,
                        span,
                        format!("unknown atomic operation `{aop}`"),
                    ));
                };
                let ty = self.type_name(t, span)?;
                let fetch = self.eat_word("fetch");
                let addr = self.value()?;
                self.comma()?;
                let offset = self.offset16()?;
                self.comma()?;
                let arg = self.value()?;
                (
                    InstData::AtomicRmw {
                        op: aop,
                        fetch,
                        addr,
                        offset,
                        arg,
                    },
                    Some(ty),
                )
            }
            _ => {
                if !suffixes.is_empty() {
                    return Err(bad_suffix(self));
                }
                let data = match op.format() {
                    Format::Unary => InstData::Unary {
                        op,
                        arg: self.value()?,
                    },
                    Format::Opaque => InstData::Opaque { arg: self.value()? },
                    Format::Binary => {
                        let a = self.value()?;
                        self.comma()?;
                        let b = self.value()?;
                        InstData::Binary { op, args: [a, b] }
                    }
                    Format::Icmp => {
                        let cspan = self.span();
                        let c = self.word("a condition (eq, ne, ult, ...)")?;
                        let cond = IntCC::from_name(&c).ok_or_else(|| {
                            self.error_at(
                                codes::E_IR_SYNTAX,
                                cspan,
                                format!("unknown condition `{c}`"),
                            )
                        })?;
                        let a = self.value()?;
                        self.comma()?;
                        let b = self.value()?;
                        InstData::Icmp { cond, args: [a, b] }
                    }
                    Format::Select => {
                        let c = self.value()?;
                        self.comma()?;
                        let a = self.value()?;
                        self.comma()?;
                        let b = self.value()?;
                        InstData::Select { args: [c, a, b] }
                    }
                    Format::Store => {
                        let volatile = self.eat_word("volatile");
                        let v = self.value()?;
                        self.comma()?;
                        let addr = self.value()?;
                        self.comma()?;
                        let offset = self.offset16()?;
                        InstData::Store {
                            flags: MemFlags { volatile },
                            args: [v, addr],
                            offset,
                        }
                    }
                    Format::StackAddr => {
                        let slot = StackSlot::new(self.entity("ss", "a stack slot `ssN`")?);
                        self.comma()?;
                        let offset = self.int_as("offset")?;
                        InstData::StackAddr { slot, offset }
                    }
                    Format::GlobalAddr => {
                        let sym = self.sym()?;
                        self.comma()?;
                        let offset = self.int_as("offset")?;
                        symbol = Some(sym);
                        InstData::GlobalAddr {
                            global: GlobalRef::new(0),
                            offset,
                        }
                    }
                    Format::FuncAddr => {
                        let sym = self.sym()?;
                        symbol = Some(sym);
                        InstData::FuncAddr {
                            func: FuncRef::new(0),
                        }
                    }
                    Format::Memcpy => {
                        let d = self.value()?;
                        self.comma()?;
                        let s = self.value()?;
                        self.comma()?;
                        let size = self.int_as("size")?;
                        self.comma()?;
                        let align = self.int_as("alignment")?;
                        InstData::Memcpy {
                            args: [d, s],
                            size,
                            align,
                        }
                    }
                    Format::Memset => {
                        let d = self.value()?;
                        self.comma()?;
                        let byte = self.int_as("byte value")?;
                        self.comma()?;
                        let size = self.int_as("size")?;
                        self.comma()?;
                        let align = self.int_as("alignment")?;
                        InstData::Memset {
                            dst: d,
                            byte,
                            size,
                            align,
                        }
                    }
                    Format::Jump => InstData::Jump {
                        dest: self.block_call()?,
                    },
                    Format::Brif => {
                        let cond = self.value()?;
                        self.comma()?;
                        let then_dest = self.block_call()?;
                        self.comma()?;
                        let else_dest = self.block_call()?;
                        InstData::Brif {
                            cond,
                            then_dest,
                            else_dest,
                        }
                    }
                    Format::Return => {
                        // `return vN` unless the next word starts the next instruction.
                        let arg = if self.is_entity("v") && self.peek_at(1) != &Tok::Equals {
                            Some(self.value()?)
                        } else {
                            None
                        };
                        InstData::Return { arg }
                    }
                    _ => InstData::Unreachable,
                };
                (data, None)
            }
        };
        Ok((data, ctrl, symbol))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::write::function_to_string;

    #[test]
    fn function_alone_round_trips_and_keeps_numbers() {
        let text = "function local @f(i32) -> i32 section \".text\" {
block0(v0: i32):
    jump block7(v0)
block7(v9: i32):
    v3 = iadd v9, v12
    v12 = iconst.i32 4
    return v3
}
";
        let f = parse_function(text, FileId(0)).map_err(|d| format!("{:?}", d.items));
        let f = f.as_ref().map(function_to_string);
        assert_eq!(f.as_deref(), Ok(text));
    }

    #[test]
    fn types_are_inferred_through_loops() {
        // v2's type comes from v5, defined later in the text.
        let text = "function local @f(i64) section \".text\" {
block0(v0: i64):
    jump block1(v0)
block1(v1: i64):
    v2 = iadd v5, v1
    jump block2
block2:
    v5 = iconst.i64 1
    jump block1(v2)
}
";
        let f = parse_function(text, FileId(0));
        assert!(f.is_ok());
        if let Ok(f) = f {
            assert_eq!(f.dfg.value_type(Value::new(2)), Type::I64);
        }
    }

    #[test]
    fn trailing_garbage_after_a_function_is_an_error() {
        let text = "function local @f() section \".text\" {\nblock0:\n    return\n}\nfunction";
        let e = parse_function(text, FileId(0))
            .err()
            .map(|d| d.items[0].code);
        assert_eq!(e, Some(codes::E_IR_SYNTAX));
    }
}
