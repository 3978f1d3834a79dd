/* BTF dedup case (not a program): forward declarations resolved only where libbpf's struct comparison resolves them; see link_btf.rs. */
struct foo { int a; struct foo *next; };
struct bar { long q; };
struct holder { struct foo *f; struct bar *b; int x; };
struct holder h2;
struct foo gf;
struct bar gb;
struct dup { long a; };
struct dup d2;
struct dup2 { int z; };
struct dup2 *pp;
