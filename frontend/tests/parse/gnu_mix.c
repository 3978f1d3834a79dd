/* A mix of GNU C and C11 that BPF programs use; clang-19 compiles it, and the
   round-trip test checks that our reading of it compiles to the same code. */
typedef unsigned int u32;
typedef unsigned long long u64;
struct hdr { u32 len : 12, kind : 4, : 0; u32 flags; union { u32 raw; struct { unsigned short lo, hi; }; }; char data[]; };
enum color { RED = -2, GREEN, BLUE = 'b', LAST = BLUE + 1 };
static const char names[][6] = { [RED + 2] = "red", [1] = "green", [2 ... 3] = "other" };
static int (*const handlers[2])(int) = { 0, 0 };
static u64 table[4] = { [1 ... 2] = 7ULL << 33, [3] = ~0ULL };
const char esc[] = "tab\there \"quoted\" \\ \x7f\101\0end";
#define min(a, b) ({ __typeof__(a) _x = (a); __typeof__(b) _y = (b); _x < _y ? _x : _y; })
#define is_u32(x) __builtin_types_compatible_p(__typeof__(x), u32)
static __attribute__((noinline)) u64 use(struct hdr *h, u32 n)
{
    u64 acc = 0;
    struct { u32 a, b; } pair = { .b = n, .a = h->len };
    acc += min(pair.a, pair.b) + (is_u32(n) ? 1 : 2) + __builtin_choose_expr(sizeof(n) == 4, 3, 4);
    acc += _Generic(n, u32: 10, default: 20) + sizeof(struct hdr) + __builtin_offsetof(struct hdr, hi);
    acc += h->kind ?: 5;
    switch (h->flags & 0xff) {
    case 0 ... 9: acc++; break;
    case 'a': case 'b': acc += names[1][0]; break;
    default: acc += table[h->flags & 3];
    }
    for (u32 i = 0; i < 4 && i < n; i++)
        acc ^= (u64)i << (i * 8) | (u64)(unsigned char)esc[i];
    do { acc = acc * 3 + 1; } while (acc < 100);
    acc += ((struct hdr){ .flags = 3 }).flags + (u32)RED + LAST;
    return acc + (u64)(handlers[0] == 0) + h->lo + h->raw;
}
__attribute__((section("xdp"), used)) int prog(struct hdr *ctx)
{
    u64 r = use(ctx, ctx->flags);
    asm volatile("%[r] += 1" : [r] "+r"(r));
    return (int)(r & 1);
}
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
