// bpf_loop with a static callback: the callback receives the index and a pointer to a
// context struct on the caller's stack, updates it, and stops early by returning 1.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 1f07fdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct loop_ctx {
	__u32 sum;
	__u32 stop_at;
	__u32 visited;
	__u8 bytes[16];
};

static int step(__u32 index, void *data)
{
	struct loop_ctx *c = data;

	if (index >= c->stop_at)
		return 1;
	c->visited++;
	c->sum = c->sum * 17 + c->bytes[index & 15] + index;
	return 0;
}

SEC("xdp")
int bpf_loop_prog(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct loop_ctx c = {};
	long n;

	for (int i = 0; i < 16; i++)
		c.bytes[i] = p[8 + i];
	c.stop_at = p[1];
	n = bpf_loop(p[0] & 31, step, &c, 0);
	*(__u32 *)(p + 32) = c.sum;
	*(__u32 *)(p + 36) = c.visited;
	*(__s32 *)(p + 40) = (__s32)n;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
