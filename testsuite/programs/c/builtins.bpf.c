// Compiler builtins: __builtin_memcpy / memset / memcmp with constant sizes (expanded
// inline, BPF has no libc; memset also with a run-time fill byte),
// __builtin_bswap16/32/64, __builtin_expect and __builtin_constant_p.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627282900000000
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct rec {
	__u32 a;
	__u16 b;
	__u8 c[10];
};

SEC("xdp")
int builtins(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct rec r, s;
	__u8 buf[16];
	int v = p[0];

	__builtin_memcpy(&r, p, sizeof(r));
	__builtin_memset(&s, 0x5a, sizeof(s));
	s.b = r.b;
	__builtin_memcpy(buf, p + 16, 16);
	__builtin_memset(buf + 12, 0, 4);

	p[32] = __builtin_memcmp(buf, p, 8) == 0;
	p[33] = __builtin_memcmp(&s, &r, sizeof(s)) != 0;
	*(__u16 *)(p + 34) = __builtin_bswap16(*(__u16 *)(p + 2));
	*(__u32 *)(p + 36) = __builtin_bswap32(r.a);
	*(__u64 *)(p + 40) = __builtin_bswap64(*(__u64 *)(p + 8));
	p[48] = __builtin_constant_p(v) * 2 + __builtin_constant_p(42);
	if (__builtin_expect(v == 0, 0))
		p[49] = 0xee;
	__builtin_memcpy(p + 50, &s.c[0], 4);
	p[54] = buf[12] + buf[3] + r.c[9];
	__builtin_memset(p + 56, p[3] ^ 0x5a, 7);  /* run-time fill byte, odd size */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
