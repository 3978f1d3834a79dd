//! Optimization passes (one file each) and the pass manager.

pub mod params;
