/* GNU attributes where clang accepts them. */
#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
struct {
    __uint(type, 1);
    __uint(max_entries, 16);
    __type(key, int);
    __type(value, long);
} counts SEC(".maps");
char LICENSE[] SEC("license") = "GPL";
extern int bpf_prog_active __attribute__((section(".ksyms")));
extern int CONFIG_HZ __attribute__((section(".kconfig"), weak));
static __always_inline int helper(int x) { return x + 1; }
__attribute__((noinline)) int not_inlined(int x) { return x; }
SEC("xdp") int prog(void *ctx __attribute__((unused))) { return helper(2); }
struct __attribute__((packed)) packed_s { char c; int i; };
struct trailing { char c; long l __attribute__((aligned(8))); } __attribute__((packed));
struct task_struct { int pid; } __attribute__((preserve_access_index));
int * __attribute__((btf_type_tag("user"))) uptr;
int tagged __attribute__((btf_decl_tag("tag1"), btf_decl_tag("tag2")));
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int old __attribute__((deprecated("use new"))) __attribute__((__unused__));
int sym asm("real_symbol");
enum e { A __attribute__((deprecated)), B = 2 };
void fallthrough(int x) {
    switch (x) {
    case 1:
        x++;
        __attribute__((fallthrough));
    default:
        break;
    }
}
int after_def(void) __attribute__((noinline)) { unused: __attribute__((unused)); return 1; }
