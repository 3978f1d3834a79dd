// A loop over a static const table whose trip count is constant: clang unrolls it whole
// and folds every table load, so the table leaves the object (no .rodata map) and the
// verifier sees straight-line code. ebpfc's unroller counts such loads as free for the
// same reason (once unrolled, their offsets are constants). Also GNU range designators,
// case ranges, a statement-expression max(), __auto_type and a compound literal.
// @input: 02000000000202000000000108004500002e12344000401114890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
// @input: 0200000000020200000000010800450000281234400001064b8b0a0908070a0000020fa00016000003e8000000005018020000000000
// @input: 02000000000202000000000108004500002e12344000403214890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
#include "feature.h"

#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })

struct rule {
	__u8 lo, hi;
	__u16 weight;
};

static const struct rule rules[8] = {
	[0 ... 3] = { 1, 5, 10 },
	[4] = { 6, 17, 20 },
	[5 ... 7] = { 18, 255, 30 },
};

__u64 hits[4];

static __always_inline int classify(__u8 proto)
{
	switch (proto) {
	case 1 ... 5:
		return 1;
	case 6:
	case 17:
		return 2;
	case 18 ... 100:
		return 3;
	default:
		return 0;
	}
}

SEC("xdp")
int const_table_loop(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (p + 34 > end)
		return XDP_ABORTED;
	__u8 proto = p[23];
	__auto_type c = classify(proto);
	int w = 0;

	for (int i = 0; i < 8; i++)
		if (proto >= rules[i].lo && proto <= rules[i].hi)
			w = max(w, (int)rules[i].weight);
	hits[c & 3] += w;
	struct rule r = (struct rule){ .lo = p[14], .hi = p[15] };
	return (w + r.lo + __builtin_offsetof(struct rule, weight)) & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
