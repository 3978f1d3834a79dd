// Conditional evaluation: the ternary operator (also as an lvalue-free value in
// expressions), the comma operator, short-circuit && and || whose right side has a
// visible side effect, and ! on integers and pointers.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0000000000000000f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

__u32 side_effects;

static __noinline int note(int v)
{
	side_effects += v;
	return v & 1;
}

SEC("xdp")
int logic_ternary(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 a = p[0], b = p[1], c = p[2];
	int r = 0, t;

	if (a && note(1))
		r |= 1;
	if (b || note(2))
		r |= 2;
	if ((a > b && b > c) || (c > a && note(4)))
		r |= 4;
	if (!(a | b))
		r |= 8;
	t = (a++, b += 2, a + b);
	p[32] = a > b ? a : b;
	p[33] = a < c ? (b < c ? 1 : 2) : (b > 7 ? 3 : 4);
	p[34] = r;
	p[35] = t;
	p[36] = !p[3] + !!p[4] * 2;
	*(__u32 *)(p + 40) = (p[5] & 1 ? *(__u32 *)(p + 8) : *(__u32 *)(p + 12)) + (c ?: 77);
	return r & 1 ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
