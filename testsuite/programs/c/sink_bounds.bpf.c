// Code sinking for the verifier: the packet pointer `data + off` is written before the
// check that bounds `off`, as C programmers do; the verifier accepts it only when the
// addition happens after the comparison (it narrows the offset register there, and a
// packet pointer with an unbounded offset never gets a range against data_end). The
// pointer lives in a bpf_loop context on the caller's stack; the start offset comes from
// a writable global, so the verifier knows nothing about it.
// @O2-only: the unoptimized build adds before it compares, as the source says
// @input: 02000000000202000000000108004500002e12344000401114890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
// @input: 0200000000020200000000010800450000221234400040111495
#include "feature.h"

struct scan {
	__u8 *data;
	__u8 *end;
	__u32 off;
	__u32 odd;
	__u64 acc;
};

static long scan_one(__u32 idx, void *arg)
{
	struct scan *c = arg;
	__u8 *p = c->data + c->off;

	if (c->off > 1500)
		return 1;
	if (p + 1 > c->end)
		return 1;
	c->odd += *p & 1;
	c->acc = c->acc * 31 + *p + idx;
	c->off++;
	return 0;
}

__u32 start = 14;

SEC("xdp")
int sink_bounds(struct xdp_md *ctx)
{
	struct scan c = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
		.off = start,
	};
	long n = bpf_loop(64, scan_one, &c, 0);

	return (c.acc ^ c.odd ^ n) & 3;
}

char LICENSE[] SEC("license") = "GPL";
