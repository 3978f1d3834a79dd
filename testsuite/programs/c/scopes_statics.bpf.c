// Scopes and storage: shadowing in nested blocks, a typedef name redeclared as a variable
// in an inner scope, static local variables that persist across runs (in .bss/.data),
// compound literals, sizeof/_Alignof of types and expressions, _Static_assert, and
// enum constants used as array sizes.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

typedef int T;
enum { SLOTS = 3 };
struct pair { __u16 a; __u32 b; };
_Static_assert(sizeof(struct pair) == 8, "padding after a");

static __noinline __u32 counter(__u32 add)
{
	static __u32 calls;          /* .bss, shared by all runs */
	static __u32 total = 100;    /* .data */
	calls++;
	total += add;
	return calls * 1000 + total;
}

SEC("xdp")
int scopes_statics(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	T x = p[0];
	__u32 slots[SLOTS] = { p[1], p[2], p[3] };
	struct pair *pp;

	{
		int x = p[4] * 2;       /* shadows the outer x */
		{
			T T = x + 1;        /* the typedef name as a variable */
			slots[0] += T * x;
		}
		slots[1] += x;
	}
	slots[2] += x;
	pp = &(struct pair){ .a = p[5], .b = p[6] + 1 };
	*(__u32 *)(p + 32) = slots[0] + slots[1] + slots[2];
	*(__u32 *)(p + 36) = pp->a * pp->b;
	*(__u32 *)(p + 40) = counter(p[7]);
	p[44] = sizeof(struct pair) + _Alignof(struct pair) * 16 + sizeof slots;
	p[45] = sizeof(x + 1LL) + sizeof(p[0]);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
