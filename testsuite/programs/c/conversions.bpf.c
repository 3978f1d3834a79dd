// Integer conversions at cpu v3 (no sign-extending moves, so sign extension is done with
// shifts): casts between every width and signedness, sign- and zero-extension of loads,
// truncation, conversion to _Bool, pointer ↔ integer, and the usual arithmetic
// conversions in mixed signed/unsigned comparisons (-1 < 1u is false).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 80ff7f0000800100ff7fffff00000080a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c
#include "feature.h"

SEC("xdp")
int conversions(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__s8 c = (__s8)p[0];
	__s16 s = *(__s16 *)(p + 2);
	__s32 i = *(__s32 *)(p + 4);
	__u32 u = *(__u32 *)(p + 8);
	__s64 l = *(__s64 *)(p + 8);
	_Bool b = p[12];
	__u64 *out = (__u64 *)(p + 16);
	int r = 0;

	out[0] = (__s64)c + (__s64)s + (__s64)i;        /* sign extension */
	out[1] = (__u64)(__u8)c + (__u64)(__u16)s + (__u32)i; /* zero extension */
	out[2] = (__u64)(__s32)(__s16)u ^ (__u64)(__u16)(__s8)u;
	out[3] = (__u32)l + (__s32)(l >> 16) + (__s16)(l >> 40);
	out[4] = (__u64)(unsigned long)(p + 3) - (__u64)(unsigned long)p + b + (_Bool)(u & 0x100);
	if (-1 < (int)u)
		r |= 1;
	if (i < u)            /* i converts to unsigned */
		r |= 2;
	if (c < (__u8)s)      /* both promote to int */
		r |= 4;
	if ((long)i < (long)u)
		r |= 8;
	if ((__u16)c == 0xff80)
		r |= 16;
	p[56] = r;
	p[57] = (__s8)(c * 3) >> 1;
	*(__s16 *)(p + 58) = (__s16)(i >> 8);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
