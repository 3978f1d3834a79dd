//! Helpers shared by the cross-crate tests: locating reference tools (and saying why a
//! test skips without them), the kernel loader, and temporary files.

pub mod kernel;
pub mod kload;
pub mod link_cases;
pub mod tools;
