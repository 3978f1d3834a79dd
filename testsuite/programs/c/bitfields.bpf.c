// Bit-fields: signed and unsigned fields (sign extension on read), fields straddling byte
// boundaries, a zero-width field forcing alignment, compound assignment and ++ on
// fields, and a bit-field struct read (and written) straight in the packet.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct bits {
	int s3 : 3;
	unsigned u5 : 5;
	int s7 : 7;
	unsigned u11 : 11;
	unsigned : 0;
	unsigned long long wide : 40;
	int last : 2;
};

SEC("xdp")
int bitfields(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct bits b = {};
	struct bits *in = (struct bits *)(p + 16);
	int r;

	b.s3 = p[0];
	b.u5 = p[1];
	b.s7 = p[2];
	b.u11 = *(__u16 *)(p + 3);
	b.wide = *(__u64 *)(p + 5);
	b.last = p[13];
	b.u5 += 3;
	b.s7++;
	b.u11 ^= 0x555;
	r = b.s3 * 1000 + b.s7;
	*(__s32 *)(p + 32) = r;
	*(__u32 *)(p + 36) = b.u5 + b.u11;
	*(__u64 *)(p + 40) = b.wide + b.last;
	*(__s32 *)(p + 48) = in->s3 + in->s7 * 10 + in->last;
	in->u11 = b.u5;
	/* Field by field: a whole-struct copy would also copy padding, whose bytes C
	 * leaves unspecified (clang skips them, ebpfc copies zeros). */
	p[0] = b.s3;
	p[1] = b.u5;
	p[2] = b.s7;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
