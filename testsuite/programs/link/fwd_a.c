/* BTF dedup case (not a program): forward declarations resolved only where libbpf's struct comparison resolves them; see link_btf.rs. */
struct foo; struct bar;
struct holder { struct foo *f; struct bar *b; int x; };
struct holder h1;
struct dup { int a; };
struct dup d1;
