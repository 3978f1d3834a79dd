//! Fuzz target: arbitrary bytes as a C file through the preprocessor and the parser,
//! then the AST printer. Nothing may panic; every diagnostic must carry a location.
//! Run with `cargo fuzz run c_parse` from `fuzz/`.
#![no_main]

use diag::SourceMap;
use frontend::parse::{parse, print_ast};
use frontend::preprocess::{PpOptions, preprocess};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.c", text);
    let (tokens, _) = preprocess(file, &PpOptions::default(), &mut sources);
    let (tu, diags) = parse(&tokens, &sources);
    let _ = print_ast(&tu);
    for d in &diags.items {
        assert!(
            d.primary_span().is_some(),
            "diagnostic without a location: {}",
            d.message
        );
    }
});
