// Odds and ends: a packed struct read and written at an odd packet offset, 64-bit
// constants (lddw) in compares and arithmetic, signed 64-bit compares against large
// negatives, a struct filled through a pointer by a subprogram (BPF passes and returns
// no aggregates by value), `while (1)` with break, and `continue` out of a switch.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct __attribute__((packed)) hdr {
	__u8 kind;
	__u32 value;
	__u16 port;
};

struct small { __u16 a; __u16 b; __u32 c; };

static __noinline void make(struct small *s, __u32 x)
{
	*s = (struct small){ x & 0xffff, x >> 16, x * 3 };
}

static __noinline __u32 take(const struct small *s)
{
	return s->a + s->b * 7 + s->c;
}

SEC("xdp")
int packed_consts(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct hdr *h = (struct hdr *)(p + 1);
	__u64 big = *(__u64 *)(p + 8);
	struct small s, t;
	int r = 0, k;

	if (big > 0x8000000000000000ULL) r |= 1;
	if (big == 0x0f0e0d0c0b0a0908ULL) r |= 2;
	if ((__s64)big < -100000000000LL) r |= 4;
	if ((__u32)big > 0x80000000u) r |= 8;
	*(__u64 *)(p + 16) = big * 0x9e3779b97f4a7c15ULL + 0x123456789abcdefULL;
	*(__u32 *)(p + 24) = h->value + h->port + h->kind;
	h->port = 0xbeef;
	make(&s, *(__u32 *)p);
	make(&t, p[5]);
	*(__u32 *)(p + 28) = take(&s) + take(&t);
	k = 0;
	while (1) {
		if (k >= 10 || p[32 + k] == 0x2a)
			break;
		switch (p[32 + k] & 3) {
		case 0: k += 2; continue;
		case 1: r += 16; break;
		default: r += 64;
		}
		k++;
	}
	*(__u32 *)(p + 44) = r;
	*(__u32 *)(p + 48) = (p + 10 > p + 5) + (&p[3] == p + 3) * 2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
