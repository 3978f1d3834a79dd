// Functions: static noinline subprograms (bpf-to-bpf calls), a global (non-static)
// function the verifier checks on its own, always_inline helpers, plain static
// functions the compiler may inline, five arguments, calls in arguments, and a call
// chain three deep that passes a pointer to the caller's stack.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

static __always_inline __u32 rotl(__u32 v, int n)
{
	return (v << (n & 31)) | (v >> ((32 - n) & 31));
}

static __u32 mix(__u32 a, __u32 b)
{
	return rotl(a ^ b, 5) + 0x9e3779b9;
}

static __noinline __u64 five(__u64 a, __u32 b, __u16 c, __u8 d, __s32 e)
{
	return a * 3 + b - c + d * e;
}

static __noinline void level3(__u32 *acc, __u32 v)
{
	*acc = mix(*acc, v);
}

static __noinline void level2(__u32 *acc, __u32 v)
{
	level3(acc, v);
	level3(acc, v >> 8);
}

static __noinline __u32 level1(__u32 seed, __u32 v)
{
	__u32 acc = seed;
	level2(&acc, v);
	return acc;
}

/* A global function: verified separately, so it may only trust its scalar argument. */
__noinline int global_scale(int x)
{
	if (x > 1000)
		return 1000;
	return x * 7;
}

SEC("xdp")
int subprograms(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 v = *(__u32 *)p;

	*(__u32 *)(p + 32) = level1(p[4], v);
	*(__u64 *)(p + 36) = five(*(__u64 *)(p + 8), v, *(__u16 *)(p + 16), p[18], (__s8)p[19]);
	*(__u32 *)(p + 44) = global_scale(p[20] * 10) + global_scale(global_scale(p[21]));
	*(__u32 *)(p + 48) = mix(rotl(v, p[22]), level1(v, v));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
