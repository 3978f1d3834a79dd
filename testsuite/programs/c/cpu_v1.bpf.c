// Code for cpu v1: no 32-bit jumps and no ALU32-only forms, so 32-bit comparisons are
// done on zero- or sign-extended 64-bit registers. A checksum-style loop over the packet,
// signed and unsigned 32-bit compares, 32-bit wrap-around arithmetic, and a choice
// between two constants on a `<` (a select: a move, the inverted jump, a move), and a
// `<` kept as a value (the same, with 0 and 1). A global function (verified on its own)
// bounds a 32-bit offset in one block and adds it to a packet pointer in the next: the
// offset must be zero-extended once, or the second copy has lost the bound.
// @cpu: v1
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

__attribute__((noinline)) int peek_byte(struct xdp_md *ctx, __u32 off)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *q;

	if (off > 60)
		return -1;
	q = data + off;
	if ((void *)(q + 1) > end)
		return -1;
	return *q;
}

SEC("xdp")
int cpu_v1(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 sum = 0, a = *(__u32 *)p, b = *(__u32 *)(p + 4);
	__s32 sa = (__s32)a, sb = (__s32)b;
	int r = 0, i;

	for (i = 0; i < 16; i++)
		sum += *(__u16 *)(p + 8 + 2 * i);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (a < b)
		r |= 1;
	if (sa < sb)
		r |= 2;
	if (sa > -5)
		r |= 4;
	if (a + b < a)          /* 32-bit carry */
		r |= 8;
	if ((__u32)(a * 3) > 0x80000000u)
		r |= 16;
	*(__u16 *)(p + 40) = ~sum;
	p[42] = r;
	*(__u32 *)(p + 44) = a - b * 7;
	/* A select of constants on `<`, which v1 has no jump for: the inverted `>=` */
	p[43] = (__s8)p[8] < 100 ? 4 : 5;
	/* and a comparison kept as a 0/1 value */
	p[48] = (__s8)p[9] < 100;
	p[49] = peek_byte(ctx, p[10] & 0x3f) + peek_byte(ctx, p[11]);
	return r & 1 ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
