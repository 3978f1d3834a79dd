// Unsigned integer arithmetic: +, -, *, / and % by variables and constants, shifts by
// variable amounts, the usual arithmetic conversions between 8/16/32/64-bit operands,
// and truncating conversions. Results are written back into the packet.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

SEC("xdp")
int arith_unsigned(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 a = *(__u32 *)p;
	__u32 b = *(__u32 *)(p + 4) | 1;
	__u64 c = *(__u64 *)(p + 8);
	__u16 h = *(__u16 *)(p + 16);
	__u8 small = p[18];
	__u64 *out = (__u64 *)(p + 24);

	out[0] = a / b + a % b;
	out[1] = c / (b | 0x100) - c % 1000;
	out[2] = (__u64)a * b + (a * b);
	out[3] = (c >> (small & 63)) ^ (c << (h & 31));
	out[4] = (__u32)(a >> (small & 31)) + (a << 3) / 7;
	/* Promotions: u8 and u16 become int before the multiply. */
	p[19] = small * small + h;
	*(__u16 *)(p + 20) = (__u16)(h * 3 + small / 5);
	*(__u16 *)(p + 22) = (__u16)(c % 65521);
	return (a % 3) + 1;
}

char LICENSE[] SEC("license") = "GPL";
