// A remainder by a constant that is not a power of two, used as an array index: the
// verifier loses a register's bounds at a modulo, so `tab[(b & 3) % 3]` is rejected
// unless the compiler turns the remainder of a value known below 2 * 3 into a compare
// and a subtraction (clang does too). Also a remainder the bits bound below the divisor
// (`(b & 3) % 5` is `b & 3`) and, for contrast, one that stays a modulo but only feeds
// arithmetic.
// @O2-only: the rewrite is an optimization (bitsimp); unoptimized, the modulo stays
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 030102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 02ff0b030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 07fe1c030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

__u8 tab3[3] = { 10, 20, 30 };
__u16 tab5[5] = { 100, 200, 300, 400, 500 };
__u32 out_sum;
__u32 out_mod;

SEC("xdp")
int urem_bounds(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 a = tab3[(p[0] & 3) % 3];
	__u32 b = tab5[(p[1] & 3) % 5];
	__u32 c = tab3[(p[2] & 1) % 3];

	out_sum = a + b + c;
	out_mod = (p[1] * 7 + p[2]) % 11;
	return a > 15 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
