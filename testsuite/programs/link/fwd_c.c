/* BTF dedup case (not a program): forward declarations resolved only where libbpf's struct comparison resolves them; see link_btf.rs. */
struct bar { char other; };
struct bar gb3;
struct dup2;
struct dup2 *pp3;
struct foo;
struct foo *pf3;
