// @cpu: v4
// @input: 0102030405060708090a0b0c0d0e0f10
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0
// @input: 7f80ff0001feff7f8000000080000000
#include "common.h"
__s64 out[32];
static __attribute__((noinline)) int sw(int x) {
    int r = 0;
    switch (x & 7) {
    case 1: r += 1;
    default: r += 10;
    case 2: r += 100; break;
    case 3: return -5;
    }
    return r;
}
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 16);
    char c = d[0];
    unsigned char uc = d[1];
    short s = *(short *)(d + 2);
    unsigned short us = *(unsigned short *)(d + 4);
    int i = *(int *)(d + 8);
    unsigned u = *(unsigned *)(d + 12);
    int k = 0;
    out[k++] = c + uc;
    out[k++] = c * uc;
    out[k++] = s / 7;
    out[k++] = s % 7;
    out[k++] = i / -3;
    out[k++] = i % -3;
    out[k++] = u / 3;
    out[k++] = i < u;
    out[k++] = c < uc;
    out[k++] = (short)(us + 1);
    out[k++] = (unsigned short)(s - 1);
    out[k++] = us << 16;
    out[k++] = (__u64)us << 48;
    out[k++] = i >> (uc & 31);
    out[k++] = u >> (uc & 31);
    out[k++] = i << (c & 15);
    unsigned char acc = uc;
    acc *= 3; acc += c; acc >>= 1;
    out[k++] = acc;
    short sacc = s;
    sacc -= 40000;
    out[k++] = sacc;
    __u8 *p = d + 3;
    out[k++] = *p++ + *++p + *p--;
    out[k++] = p - d;
    _Bool b1 = i, b2 = u & 0x100;
    out[k++] = b1 * 2 + b2;
    out[k++] = c ? (uc ? 1 : 2) : (s > 0 ? 3 : 4);
    out[k++] = (i > 0 ? u : c);
    out[k++] = sizeof(c + uc) + sizeof(s << 1) + sizeof(u + 1L);
    out[k++] = sw(d[0]) + sw(d[1]) * 1000 + sw(d[2]) * 1000000;
    int loops = 0;
    for (int a = 0; a < 4; a++) {
        for (int b2i = 0; b2i < 4; b2i++) {
            if (b2i == a) continue;
            if (b2i > 2) break;
            switch (d[a] & 1) { case 0: loops += 1; break; default: loops += 3; continue; }
            loops *= 2;
        }
    }
    out[k++] = loops;
    int dw = 0;
    do { dw++; if (dw == 2) continue; dw += d[0] & 1; } while (dw < 6);
    out[k++] = dw;
    out[k++] = -(__s64)u;
    out[k++] = (__s32)u >> 4;
    out[k++] = ~(unsigned char)c;
    out[k++] = !c + !!s + (c == -1) + (us != 0xffff);
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
