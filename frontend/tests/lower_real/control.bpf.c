// @input: 0102030405060708
// @input: ff00ff00aa55aa55
// @input: 0a141e28323c4650
#include "common.h"
__u64 out[8];
static __attribute__((noinline)) int classify(int x) {
    switch (x) {
    case 0: return 100;
    case 1 ... 9: return 200 + x;
    case 10: case 20: return 300;
    case 0xff: x += 1;
    case 0xaa: return x * 2;
    default: break;
    }
    return -1;
}
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 8);
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        if (d[i] == 0) continue;
        if (d[i] > 0xf0) break;
        sum += d[i];
    }
    out[0] = sum;
    int n = d[0] & 7, k = 0;
    while (n-- > 0) k += n;
    out[1] = k;
    int j = 0;
    do { j += 3; } while (j < d[1] && j < 50);
    out[2] = j;
    out[3] = classify(d[0]) + classify(d[1]) * 1000;
    int g = d[2];
    if (g > 100) goto big;
    out[4] = 1;
    goto done;
big:
    out[4] = 2;
done:
    out[5] = d[3] > 10 ? d[3] > 100 ? 3 : 2 : 1;
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
