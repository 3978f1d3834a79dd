// Bitwise operators, every compound assignment operator, and pre/post increment and
// decrement on locals, array elements and through pointers.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

/* Global, so that the counts accumulate across runs and show in the .bss map. */
__u8 counts[4];

SEC("xdp")
int bitwise_compound(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 x = *(__u32 *)p;
	__u64 y = *(__u64 *)(p + 4);
	__u32 *out = (__u32 *)(p + 32);
	__u32 i = 0, j;

	x += p[12];
	x -= p[13] << 4;
	x *= 3;
	x /= (p[14] | 1);
	x %= 100000;
	x <<= p[15] & 7;
	x >>= 1;
	x &= 0xfff0fff;
	x |= 0x10000;
	x ^= p[16];
	y ^= ~y << 3;
	y |= (y & 0xff) << 56;
	y &= ~0xf0ULL;

	counts[p[17] & 3]++;
	++counts[p[18] & 3];
	counts[p[19] & 3]--;
	j = i++;
	j += ++i;
	j += i--;
	j += --i * 10;

	out[0] = x;
	out[1] = (__u32)y ^ (__u32)(y >> 32);
	out[2] = counts[0] | counts[1] << 8 | counts[2] << 16 | (__u32)counts[3] << 24;
	out[3] = j + i;
	out[4] = (x & -x) | (~x & 7);
	(*(__u16 *)(p + 52))++;
	(*(__u8 *)(p + 54)) -= 9;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
