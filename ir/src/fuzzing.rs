//! The property every IR text must satisfy, shared by the fuzz target
//! (`fuzz/fuzz_targets/ir_text.rs`) and the deterministic no-panic test:
//! parsing never panics; if the text parses, verifying never panics; if it also
//! verifies, printing and re-parsing gives the same text, and every `-O` pipeline
//! runs without panicking and leaves verified IR.

use diag::FileId;

use crate::passes::{OptLevel, optimize};
use crate::text::parser::parse_module;
use crate::text::write::module_to_string;
use crate::verifier::verify_module;

/// How far an input got (for test statistics).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Outcome {
    ParseError,
    VerifyError,
    Optimized,
}

/// Checks the property on `text`; `Err` describes a violation (a bug in this crate).
pub fn check_text(text: &str) -> Result<Outcome, String> {
    let Ok(m) = parse_module(text, FileId(0)) else {
        return Ok(Outcome::ParseError);
    };
    if verify_module(&m).is_err() {
        return Ok(Outcome::VerifyError);
    }
    let printed = module_to_string(&m);
    let reparsed = parse_module(&printed, FileId(0))
        .map_err(|_| format!("printed module does not parse:\n{printed}"))?;
    let again = module_to_string(&reparsed);
    if again != printed {
        return Err(format!(
            "print/parse is not stable:\n{printed}\n---\n{again}"
        ));
    }
    for level in [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::Os] {
        let mut copy = reparsed.clone();
        optimize(&mut copy, level).map_err(|d| {
            let msgs: Vec<String> = d
                .items
                .iter()
                .map(|e| format!("{}: {} {:?}", e.code, e.message, e.notes))
                .collect();
            format!(
                "{level:?} broke the module:\n{}\ninput:\n{printed}\noutput:\n{}",
                msgs.join("\n"),
                module_to_string(&copy)
            )
        })?;
        verify_module(&copy).map_err(|_| format!("{level:?} output does not verify"))?;
    }
    Ok(Outcome::Optimized)
}
