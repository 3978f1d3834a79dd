// A large stack frame: a 192-byte buffer filled from the packet, structs copied by
// value, memset with a run-time fill byte and memcpy of large sizes, a loop summing the
// buffer, and a subprogram with its own frame (clang -O2 runs out of its 512 bytes near
// a 256-byte buffer here).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct blob {
	__u64 words[6];
};

static __noinline __u64 fold(const struct blob *b)
{
	struct blob copy = *b;
	__u64 r = 0;
	for (int i = 0; i < 6; i++)
		r = r * 131 + copy.words[i];
	return r;
}

SEC("xdp")
int big_stack(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u8 buf[192];
	struct blob x, y;
	__u64 sum = 0;
	int i;

	/* A fill byte known only at run time, replicated into 8-byte stores. */
	__builtin_memset(buf, p[0], sizeof(buf));
	__builtin_memcpy(buf + 100, p, 64);
	__builtin_memcpy(&x, p + 8, sizeof(x));
	y = x;
	y.words[5] ^= p[1];
	for (i = 0; i < 192; i += 8)
		sum += *(__u64 *)(buf + i) >> (i & 7);
	*(__u64 *)(p + 0) = sum;
	*(__u64 *)(p + 8) = fold(&x) ^ fold(&y);
	p[16] = buf[(p[2] & 63) + 100];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
