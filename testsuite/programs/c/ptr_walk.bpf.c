// Loops that walk a pointer over a fixed array, `for (r = a; r < a + N; r++)`, over a
// global, a stack array and a constant table of structs: clang unrolls them whole, and
// the verifier needs that (it cannot bound a pointer compared with another pointer, so
// the loop kept as a loop is rejected). The unroller knows addresses as an object plus
// a constant offset; `r - a` behind the loop's exits folds to a constant on each edge.
// @O2-only: the verifier rejects the walk as a loop; unrolling is an optimization, as in clang
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0a0b01060405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 07070707070505050708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

struct rule {
	__u8 proto;
	__u8 action;
	__u16 weight;
};

static const struct rule rules[3] = {
	{ .proto = 6, .action = 1, .weight = 10 },
	{ .proto = 17, .action = 2, .weight = 20 },
	{ .proto = 1, .action = 3, .weight = 30 },
};

__u8 kinds[4] = { 5, 6, 1, 7 };
__u32 found_kind;
__u32 found_buf;
__u32 weight_sum;

static __noinline int find_kind(__u8 want)
{
	for (__u8 *r = kinds; r < kinds + 4; r++)
		if (*r == want)
			return r - kinds;
	return -1;
}

SEC("xdp")
int ptr_walk(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u8 buf[4] = { p[0], p[1], p[2], p[3] };
	__u32 sum = 0;
	int at = 9;

	for (__u8 *r = buf; r < buf + 4; r++)
		if (*r == 1) {
			at = r - buf;
			break;
		}
	found_buf = at;
	found_kind = find_kind(p[4]) + 1;
	for (const struct rule *r = rules; r < rules + 3; r++)
		if (r->proto == p[5] || r->proto == p[6])
			sum += r->weight * r->action;
	weight_sum = sum;
	return at < 4 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
