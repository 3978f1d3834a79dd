// Bit-fields set by initializer lists from run-time values: a local struct, an array of
// them, a struct nested in another, and a packed struct whose fields straddle bytes.
// Each field is written through the unit its reads use, so the locals become registers.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct bits {
	int s3 : 3;
	unsigned u5 : 5;
	int s7 : 7;
	unsigned u11 : 11;
};

struct outer {
	__u8 tag;
	struct bits in;
	unsigned long long wide : 40;
	int last : 2;
};

struct __attribute__((packed)) tight {
	__u8 a : 3;
	__u16 b : 12;
	__u32 c : 9;
};

SEC("xdp")
int bitfield_init(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct bits b = { .s3 = p[0], .u5 = p[1], .s7 = p[2], .u11 = *(__u16 *)(p + 3) };
	struct bits arr[2] = { { p[5], p[6], p[7], p[8] }, { .u11 = p[9] << 3 } };
	struct outer o = { p[10], { .s7 = p[11] }, *(__u64 *)(p + 12), p[20] };
	struct tight t = { p[21], *(__u16 *)(p + 22), p[24] };

	b.u5 += 1;
	*(__s32 *)(p + 32) = b.s3 * 1000 + b.s7 + b.u5 + b.u11;
	*(__s32 *)(p + 36) = arr[0].s3 + arr[0].u5 + arr[0].s7 + arr[0].u11 + arr[1].u11;
	*(__s64 *)(p + 40) = o.tag + o.in.s7 + o.wide + o.last;
	*(__u32 *)(p + 48) = t.a + t.b + t.c;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
