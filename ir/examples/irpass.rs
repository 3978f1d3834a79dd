//! Developer tool: `cargo run -p ir --example irpass -- FILE.ir PASS...` parses FILE,
//! runs the named passes (`constfold`, `dce`, `O2`, ...) and prints the module and the
//! verifier's verdict after each one.

use diag::{FileId, SourceMap};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: irpass FILE.ir PASS...");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let mut m = match ir::parse_module(&text, FileId(0)) {
        Ok(m) => m,
        Err(d) => {
            let mut map = SourceMap::new();
            map.add(path.as_str(), text.as_str());
            eprint!("{}", diag::render_all(&map, &d.items));
            std::process::exit(1);
        }
    };
    for pass in &args[1..] {
        if let Err(e) = ir::passes::run_named(&mut m, pass) {
            eprintln!("{pass}: {e}");
        }
        println!(";; after {pass}\n{}", ir::module_to_string(&m));
        if let Err(d) = ir::verify_module(&m) {
            for e in &d.items {
                println!(";; VERIFY {}: {}", e.code, e.message);
            }
            std::process::exit(1);
        }
    }
}
