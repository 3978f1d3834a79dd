// Global (non-static) functions, which the verifier checks on their own from their BTF
// signature: one taking the context pointer, one taking a pointer to a struct (the
// verifier requires the null check and only trusts sizeof(struct) bytes), and one
// taking only scalars; called from a static subprogram and from the entry point.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct acc {
	__u64 sum;
	__u32 count;
	__u32 max;
};

__noinline int pkt_len(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data;
}

__noinline int acc_add(struct acc *a, __u32 v)
{
	if (!a)
		return -1;
	a->sum += v;
	a->count++;
	if (v > a->max)
		a->max = v;
	return 0;
}

__noinline __u64 mix3(__u64 a, __u32 b, __u16 c)
{
	return (a ^ b) * 31 + c;
}

static __noinline int feed(struct acc *a, const __u8 *bytes)
{
	int bad = 0;
	for (int i = 0; i < 8; i++)
		bad += acc_add(a, bytes[i]);
	return bad;
}

SEC("xdp")
int global_funcs(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct acc a = {};
	__u8 copy[8];

	__builtin_memcpy(copy, p + 4, 8);
	*(__s32 *)(p + 32) = feed(&a, copy) + acc_add(0, 1);
	*(__u64 *)(p + 36) = a.sum;
	*(__u32 *)(p + 44) = a.count * 1000 + a.max;
	*(__u64 *)(p + 48) = mix3(*(__u64 *)(p + 16), a.max, p[0]);
	*(__u32 *)(p + 56) = pkt_len(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
