// Signed integer arithmetic (cpu v4 for sdiv/smod and sign-extending moves/loads):
// signed / and % with negative operands, arithmetic right shifts, sign extension from
// 8/16/32 bits, comparisons that differ between signed and unsigned readings.
// @cpu: v4
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

SEC("xdp")
int arith_signed(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__s32 a = *(__s32 *)p >> 1; /* never INT_MIN, so a / -1 is defined */
	__s32 b = (*(__s32 *)(p + 4) >> 4) | 1;
	__s64 c = *(__s64 *)(p + 8);
	__s8 s8 = (__s8)p[16];
	__s16 s16 = *(__s16 *)(p + 18);
	__s64 *out = (__s64 *)(p + 24);

	out[0] = a / b * 1000 + a % b;
	out[1] = (c >> 2) / -7 + (c >> 2) % 13;
	out[2] = (__s64)s8 * s16 + (a >> (p[20] & 31));
	out[3] = (c >> (p[21] & 63)) + (__s64)(__s32)c;
	out[4] = (a < b) + (a < 0) * 2 + ((__u32)a < (__u32)b) * 4 + (s8 < -3) * 8;
	*(__s16 *)(p + 22) = (__s16)(s8 * 100 / 7);
	return (s16 < 0 ? 1 : 2);
}

char LICENSE[] SEC("license") = "GPL";
