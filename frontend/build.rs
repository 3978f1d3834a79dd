//! Generates the lalrpop parser from `src/*.lalrpop`.
fn main() {
    lalrpop::process_src().expect("lalrpop grammar failed to build");
}
