// @input: 01000000
// @input: 96000000
// @input: f0ffffff
// @input: e8030000
// @input: 07000000
// @input: 08000000
#include "common.h"
__s64 out[2];
static __attribute__((noinline)) int big(unsigned int x) {
    switch (x) {
    case 1: return 10;
    case 5: return 20;
    case 9: return 30;
    case 100 ... 200: return 40;
    case 1000: return 50;
    case 0xfffffff0: return 60;
    case 7: return 70;
    default: return -1;
    }
}
static __attribute__((noinline)) int sbig(int x) {
    switch (x) {
    case -100: return 1; case -5: return 2; case 0: return 3; case 3: return 4;
    case 50 ... 60: return 5; case 1000: return 6; case -2000000000: return 7;
    }
    return 0;
}
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 4);
    out[0] = big(*(__u32 *)d);
    out[1] = sbig(*(__s32 *)d) + sbig(-(*(__s32 *)d)) * 10;
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
