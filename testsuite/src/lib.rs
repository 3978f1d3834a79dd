//! Helpers shared by the cross-crate tests and benchmarks: the `ebpfc` binary under test
//! (and the copy the benchmarks time), locating
//! reference tools (and saying why a test skips without them), the kernel loader, temporary files, and the vmlinux.h
//! CO-RE program of the benchmarks.

pub mod bench_cli;
pub mod ebpfc_bin;
pub mod kernel;
pub mod kload;
pub mod link_bench;
pub mod link_cases;
pub mod tools;
pub mod vmlinux;
