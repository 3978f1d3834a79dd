//! The generated C files of the link benchmark (`bench-link`) and of the link part of
//! PGO training (`pgo-train`): objects that share most of their struct types, so that a
//! link has many BTF types to deduplicate (issue 4's benchmark: 20 objects of 1,000+
//! types each).

use std::fmt::Write as _;

/// How many files, how many struct types they all share, and how many each adds.
#[derive(Clone, Copy, Debug)]
pub struct LinkBenchShape {
    pub objects: usize,
    pub shared: usize,
    pub own: usize,
}

impl LinkBenchShape {
    /// File `i`: the shared structs, `own` structs of its own, a global that uses them
    /// all (so a compiler emits their BTF) and an XDP program reading it; file 0 also
    /// holds the license.
    pub fn source(&self, i: usize) -> String {
        let mut s = String::from("#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n");
        for k in 0..self.shared {
            let _ = writeln!(
                s,
                "typedef unsigned int u{k}_t;\nenum e{k} {{ E{k}_A = {k}, E{k}_B }};\nstruct s{k} {{ int a; long b; u{k}_t c; enum e{k} e; struct s{k} *self; struct s{} *prev; char name[{}]; }};",
                k.saturating_sub(1),
                k % 16 + 1
            );
        }
        for k in 0..self.own {
            let _ = writeln!(
                s,
                "struct own{i}_{k} {{ struct s{} x; unsigned short y[{}]; }};",
                (k * 7) % self.shared,
                k + 1
            );
        }
        let _ = write!(s, "struct all{i} {{");
        for k in 0..self.shared {
            let _ = write!(s, " struct s{k} f{k};");
        }
        for k in 0..self.own {
            let _ = write!(s, " struct own{i}_{k} o{k};");
        }
        let _ = writeln!(s, " }};\nstruct all{i} g_all{i};");
        let _ = writeln!(
            s,
            "SEC(\"xdp\") int prog{i}(struct xdp_md *ctx) {{ return g_all{i}.f0.a + g_all{i}.o0.y[0]; }}"
        );
        if i == 0 {
            s.push_str("char LICENSE[] SEC(\"license\") = \"GPL\";\n");
        }
        s
    }
}
