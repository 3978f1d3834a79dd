// Initializers: nested struct and array initializers, designated initializers (fields,
// array indices, nested designators, out of order), zero-filled remainders, and
// initializers whose values come from the packet.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct inner {
	__u8 a;
	__u16 b;
	__u32 c[3];
};

struct outer {
	__u32 id;
	struct inner in[2];
	__u64 tail;
};

static __noinline __u32 digest(const struct outer *o)
{
	__u32 h = o->id;
	for (int i = 0; i < 2; i++) {
		h = h * 33 + o->in[i].a;
		h = h * 33 + o->in[i].b;
		for (int k = 0; k < 3; k++)
			h = h * 33 + o->in[i].c[k];
	}
	return h ^ (__u32)o->tail ^ (__u32)(o->tail >> 32);
}

SEC("xdp")
int initializers(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct outer x = { 1, { { 2, 3, { 4, 5, 6 } }, { 7, 8 } }, 9 };
	struct outer y = {
		.tail = *(__u64 *)(p + 8),
		.in[1] = { .c[2] = p[0], .a = p[1] },
		.id = *(__u32 *)p,
		.in[0].b = p[2],
	};
	__u32 table[8] = { [5] = 50, [1] = p[3], 11, [7] = 70 };
	__u16 partial[6] = { p[4], p[5] };

	*(__u32 *)(p + 32) = digest(&x);
	*(__u32 *)(p + 36) = digest(&y);
	*(__u32 *)(p + 40) = table[p[6] & 7] + table[2] + table[0];
	*(__u32 *)(p + 44) = partial[0] + partial[1] * 3 + partial[p[7] & 3];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
