// GNU's `x ?: y`: `x` is evaluated once and is the value when it is nonzero, else `y`
// is evaluated; the result has the conditional operator's type (usual arithmetic
// conversions, or the common pointer type). Side effects in `x` (calls, increments)
// happen exactly once (once rejected as unsupported).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0180ff0381fefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

__u32 calls;
__u32 counter;
__u64 results[6];
__u32 slots[2];

static __noinline int check(__u8 v)
{
	calls += 1;
	return v > 0x80 ? XDP_DROP : 0;
}

static __noinline __u32 *pick(__u8 v)
{
	calls += 10;
	return v & 1 ? &slots[1] : 0;
}

int g1 = 3 ?: 4, g2 = 0 ?: 5;

SEC("xdp")
int gnu_elvis(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	int neg = -(int)p[3];
	__u32 *slot;

	results[0] = check(p[0]) ?: 7;
	results[1] = counter++ ?: 100;
	results[2] = (__u64)(neg ?: 1u);
	results[3] = (check(p[2]) ?: -1) + g1 + g2;
	slot = pick(p[1]) ?: &slots[0];
	*slot += p[4];
	results[4] = (p[5] & 3) ?: (calls += 1000);
	results[5] = slots[0] * 1000 + slots[1];
	return check(p[6]) ?: XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
