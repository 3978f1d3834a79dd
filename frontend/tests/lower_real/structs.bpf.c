// @input: 0102030405060708090a0b0c0d0e0f10
// @input: f1f2f3f4f5f6f7f8f9fafbfcfdfeff00
#include "common.h"
struct bits { __u32 a : 3, b : 7; __s32 c : 5; __u32 d : 17; };
struct inner { __u16 x; __u8 y; };
struct rec { __u32 id; struct inner in[2]; __u64 total; };
struct bits gb = { 5, 100, -3, 70000 };
struct rec grec = { .id = 7, .in = { { 1, 2 }, [1].y = 9 }, .total = 1234 };
const int table[5] = { 10, 20, 30, 40, 50 };
__u64 out[12];
static __attribute__((noinline)) void fill(struct rec *r, const __u8 *d) {
    r->id = d[0] | d[1] << 8;
    r->in[0].x = d[2];
    r->in[1] = r->in[0];
    r->in[1].y = d[3];
    r->total += r->in[1].x * r->in[1].y;
}
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 16);
    struct bits b = { .a = d[0], .b = d[1], .c = d[2], .d = d[3] << 9 };
    out[0] = b.a + b.b * 10 + b.d;
    out[1] = b.c;
    b.c -= 20;
    b.a++;
    out[2] = (__u64)(__s64)b.c + b.a;
    out[3] = gb.a + gb.b + gb.c + gb.d;
    struct rec r = grec;
    fill(&r, d);
    out[4] = r.id + r.in[0].x + r.in[1].y + r.total;
    struct rec z = {};
    __builtin_memcpy(&z, &r, sizeof(z));
    out[5] = z.total + z.in[1].y;
    __builtin_memset(&z, 0xab, 8);
    out[6] = z.id + z.in[0].x;
    out[7] = table[d[4] & 3] + table[0];
    char s[] = "hey";
    out[8] = s[0] + s[1] + sizeof(s);
    out[9] = __builtin_bswap32(*(__u32 *)d) + __builtin_bswap16(*(__u16 *)(d + 4));
    out[10] = __builtin_bswap64(*(__u64 *)(d + 8));
    int arr[4] = { 1, 2, [3] = d[5] };
    int *p = arr, *q = &arr[3];
    out[11] = (q - p) + *q + arr[2];
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
