/* Every BTF kind clang emits, for the BTF reader/dumper parity test (not a link case). */
typedef unsigned long long u64;
enum e1 { A = 1, B = -2 };
enum e2 : unsigned long long { C = 0xffffffffffULL };
enum e3 : long long { D = -5 };
struct fw;
union un { int a; char b; };
struct bf { int a:3; unsigned b:5; const volatile int *restrict p; struct fw *f; float fl; double d; char arr[4]; union un u; enum e1 e; enum e2 ee; enum e3 eee; _Bool flag; char ch; u64 big; };
#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))
int __tag("vt") gv __attribute__((section(".data.x")));
static int sv = 1;
struct fw *fwp;
volatile const int ro = 5;
int __ttag("user") *tp;
int f(struct bf *b __tag("param"), int x) __tag("fn") { return b->a + x + sv + *tp + ro + (fwp != 0); }
char lic[] __attribute__((section("license"))) = "GPL";
