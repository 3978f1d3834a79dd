//! Optimization passes (one file each) and the pass manager.

pub mod params;

use crate::module::Module;

/// Runs the pass called `name` on every function (used by the text-file tests and
/// `ebpfc` debugging flags). Names: `verify`, `params`.
pub fn run_named(m: &mut Module, name: &str) -> Result<(), String> {
    match name {
        "verify" => {}
        "params" => {
            for f in &mut m.functions {
                params::remove_trivial_params(f);
            }
        }
        _ => return Err(format!("unknown pass `{name}`")),
    }
    Ok(())
}
