// @cpu: v4
// @input: 0102030405060708090a0b0c0d0e0f10fffefdfcfbfaf9f8
// @input: 80000000ffffffff7fffffff0000000100112233445566778899
#include "common.h"
__s64 out[24];
static __attribute__((noinline)) __s64 mix(__s32 a, __u32 b, __s8 c, __u16 d) {
    __s64 r = a / 3 + (b % 7) - c * d;
    r ^= (__s64)a << 5;
    r += (b >> 3) | (__u32)(c >> 1);
    return r;
}
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 24);
    __s32 a = *(__s32 *)d;
    __u32 b = *(__u32 *)(d + 4);
    __s8 c = (__s8)d[8];
    __u16 w = *(__u16 *)(d + 10);
    out[0] = a + b;
    out[1] = a - (__s64)b;
    out[2] = (__s64)a * c;
    out[3] = b ? a / (__s32)(b | 1) : 0;
    out[4] = (__u32)a % (b | 1);
    out[5] = a >> 3;
    out[6] = b >> 3;
    out[7] = (__s64)c << 40;
    out[8] = -a;
    out[9] = ~b;
    out[10] = !a + !!b;
    out[11] = a < (__s32)b;
    out[12] = (__u32)a < b;
    out[13] = c < 0 ? -c : c;
    out[14] = (__u8)(a + 200);
    out[15] = (__s16)(b * 3);
    out[16] = mix(a, b, c, w);
    out[17] = (a && b) || c;
    __s64 acc = 1;
    acc += a; acc *= 3; acc -= b; acc /= 5; acc %= 1000; acc <<= 2; acc >>= 1; acc &= 0xfff; acc |= 0x1000; acc ^= 0x55;
    out[18] = acc;
    __u8 small = d[12];
    small += 250;
    out[19] = small;
    out[20] = sizeof(out) + _Alignof(__s64) + sizeof(struct xdp_md);
    out[21] = (a, b, c);
    out[22] = a > 0 ? b : c;
    out[23] = (__s64)(__s8)w + (__s64)(__u8)w;
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
