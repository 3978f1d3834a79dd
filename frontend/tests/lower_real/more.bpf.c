// @input: 0102030405060708090a0b0c0d0e0f10
// @input: 80ff7f00fe01aa55cc33
#include "common.h"
union u { __u32 w; __u8 b[4]; struct { __u16 lo, hi; }; };
struct __attribute__((packed)) pk { __u8 a; __u32 b; __u16 c : 9, d : 7; };
struct nest { int k; struct { int x; union { int y; short z; }; }; };
const volatile __u32 cfg = 77;
static const char msg[] = "hello";
int grid[3][4] = { { 1, 2, 3, 4 }, { 5, 6 }, [2] = { [3] = 9 } };
long long big = 0x123456789abcdefLL;
int ranged[8] = { [2 ... 5] = 7 };
__u64 out[16];
static __attribute__((noinline)) int counter_fn(void) { static int calls = 10; return ++calls; }
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 10);
    union u v;
    v.w = *(__u32 *)d;
    out[0] = v.b[0] + v.b[3] * 256 + v.hi;
    struct pk p = { d[0], *(__u32 *)(d + 1), d[5], d[6] };
    out[1] = p.a + p.b + p.c + p.d + sizeof(p);
    p.c += 300;
    out[2] = p.c + (p.d << 9);
    struct nest n = { 1, { 2, { .z = (short)(d[7] << 8 | d[8]) } } };
    out[3] = n.k + n.x + n.y + n.z;
    out[4] = cfg + msg[d[0] & 3];
    out[5] = grid[1][1] + grid[2][3] + grid[d[1] & 1][2];
    out[6] = big >> 4;
    out[7] = ranged[3] + ranged[6] + ranged[1];
    counter_fn();
    out[8] = counter_fn();
    char c = (char)d[1];
    unsigned char uc = d[1];
    out[9] = (c < 0) * 100 + (uc > 127) + (c >> 1);
    switch (uc) { case 0xff: out[10] = 1; break; case 0x7f: out[10] = 2; break; default: out[10] = 3; }
    int *cl = (int[]){ d[2], d[3], 5 };
    out[11] = cl[0] + cl[1] * cl[2];
    __s64 sx = (__s32)(*(__u32 *)d);
    out[12] = sx;
    __u64 ux = *(__u32 *)d;
    out[13] = ux << 33 >> 33;
    out[14] = (d[0] > 1 && d[1] < 3) ? 11 : (d[2] ?: 22);
    out[15] = 1ULL << (d[3] & 63);
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
