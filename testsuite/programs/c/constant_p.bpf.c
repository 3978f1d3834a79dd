// __builtin_constant_p decided by the optimizer, as clang-19 decides it: 1 for a
// constant expression, for a parameter of an always_inline function called with a
// constant, for a local holding a constant, and for a loop counter once the loop is
// unrolled; 0 for packet data, for a pointer, and for an argument with side effects
// (which is not evaluated). The answers go to .bss, and the return value depends on one.
// @O2-only: the answers depend on optimization, as clang's do (unoptimized, only constant expressions are constants)
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

__u32 answers[10];
__u32 counter;

static __always_inline int is_const(int v)
{
	return __builtin_constant_p(v);
}

/* The shape of libbpf's bpf_htons: a constant folds at compile time, anything else
 * takes the run-time path; both give the same value. */
static __always_inline __u16 swap16(__u16 x)
{
	return __builtin_constant_p(x) ? (__u16)((x << 8) | (x >> 8)) : __builtin_bswap16(x);
}

SEC("xdp")
int constant_p(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	int local = 40 + 2;
	__u32 unrolled = 0;

	answers[0] = __builtin_constant_p(3 * 7);
	answers[1] = is_const(7);
	answers[2] = is_const(p[0]);
	answers[3] = __builtin_constant_p(local);
	answers[4] = __builtin_constant_p(p[1]);
	answers[5] = __builtin_constant_p(p);
	answers[6] = __builtin_constant_p(counter++);
	for (int i = 0; i < 3; i++)
		unrolled += __builtin_constant_p(i);
	answers[7] = unrolled;
	answers[8] = swap16(0x1234) + swap16(p[2] | p[3] << 8);
	answers[9] = counter;
	return is_const(p[0] + 1) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
