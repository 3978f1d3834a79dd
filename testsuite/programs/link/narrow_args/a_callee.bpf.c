// Global functions with narrow integer parameters, called from another object. clang's
// callers pass u8/u16/u32 arguments with whatever the upper register bits hold (here:
// truncations of 64-bit packet words), so the callee must extend them itself.
// @cpu: v2
// @input: 0123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0
// @input: ffffffffffffffff00000000000000018000000000000000000000007fffffff
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) __u64 widen(__u32 a, __u16 b, __u8 c)
{
	return ((__u64)a << 24) + ((__u64)b << 8) + c;
}

__attribute__((noinline)) int order(__u32 a, __u32 b)
{
	if (a < b)
		return 1;
	return a == b ? 2 : 3;
}

__attribute__((noinline)) long sdiff(int a, short b)
{
	return (long)a - b;
}
