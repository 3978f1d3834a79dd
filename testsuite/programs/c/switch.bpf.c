// switch statements: a dense one (a jump-table candidate), a sparse one with large case
// values, fallthrough between cases, a default in the middle, nested switches, and a
// switch on a signed value with negative cases. (cpu v4: signed %)
// @cpu: v4
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0305fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3
// @input: 0702e8030000ff0f0000010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0509102700008813000009000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
#include "feature.h"

static __noinline int dense(__u32 v)
{
	int r = 0;
	switch (v & 7) {
	case 0: r = 10; break;
	case 1: r = 11;
	case 2: r += 12; break;   /* 1 falls through into 2 */
	case 3: r = 13; break;
	default: r = 99; break;
	case 5: r = 15; break;
	case 6: return 16;
	}
	return r;
}

static __noinline int sparse(__u32 v)
{
	switch (v) {
	case 1000: return 1;
	case 5000: return 2;
	case 10000: return 3;
	case 0x10000: return 4;
	case 0xfff: return 5;
	default: return -1;
	}
}

SEC("xdp")
int switch_prog(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__s8 s = (__s8)p[1];
	int r;

	p[32] = dense(p[0]);
	p[33] = sparse(*(__u16 *)(p + 2));
	p[34] = sparse(*(__u32 *)(p + 4));
	switch (s % 4) {
	case -3: case -2: r = 1; break;
	case -1: r = 2; break;
	case 0:
		switch (p[8] & 3) {
		case 1: r = 30; break;
		default: r = 31;
		}
		break;
	default: r = 4;
	}
	p[35] = r;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
