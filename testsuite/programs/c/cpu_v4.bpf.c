// Code for cpu v4: unconditional byte swaps (BSWAP), sign-extending loads (LDSX) and moves
// (MOVSX) from 8/16/32 bits, signed division and remainder by variables and by
// non-power-of-two constants (SDIV/SMOD), all with negative operands in the inputs.
// @cpu: v4
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 80ff7f0000800100ff7fffff00000080a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c
#include "feature.h"

static __noinline __s64 sdivs(__s64 x, __s32 y)
{
	if (y == 0 || y == -1) /* C leaves x / 0 and INT_MIN / -1 undefined */
		return 0;
	return x / y + x % 7 - x / -9 + (__s32)x % y;
}

SEC("xdp")
int cpu_v4(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__s8 c = *(__s8 *)p;
	__s16 s = *(__s16 *)(p + 2);
	__s32 i = *(__s32 *)(p + 4);
	__s64 l = *(__s64 *)(p + 8);
	__s64 *out = (__s64 *)(p + 16);

	out[0] = sdivs(l, (__s32)c * s + 1);
	out[1] = (__s64)c * 3 + (__s64)s * 5 + (__s64)i * 7;
	out[2] = (__s64)(__s8)l + (__s64)(__s16)(l >> 8) + (__s64)(__s32)(l >> 16);
	out[3] = __builtin_bswap64(l) ^ __builtin_bswap32(i) ^ __builtin_bswap16(s);
	out[4] = i / 1000 + i % 1000 + (__s32)s / (c | 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
