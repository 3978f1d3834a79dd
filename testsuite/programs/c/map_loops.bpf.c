// Maps inside loops: a bounded loop doing one hash lookup/update per packet byte pair,
// a loop whose bound comes from a map value (clamped so the verifier sees it), a
// bpf_for_each_map_elem walk over a hash map with struct keys, and a copy of packet
// bytes into a map value with __builtin_memcpy.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0101010102020202030303030404040405050505060606060707070708080808090909090a0a0a0a0b0b0b0b0c0c0c0c0d0d0d0d0e0e0e0e0f0f0f0f10101010
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct pair_key {
	__u8 a, b;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, struct pair_key);
	__type(value, __u32);
} pairs SEC(".maps");

struct cfg {
	__u32 rounds;
	__u8 last_packet[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cfg);
} config SEC(".maps");

struct walk_ctx {
	__u32 keys;
	__u32 weight;
};

static long walk(void *map, struct pair_key *k, __u32 *v, struct walk_ctx *w)
{
	w->keys++;
	w->weight += *v * (k->a + 1) + k->b;
	return 0;
}

SEC("xdp")
int map_loops(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 zero = 0, one = 1, i, n, acc = 0;
	struct walk_ctx w = {};
	struct cfg *c = bpf_map_lookup_elem(&config, &zero);

	if (!c)
		return XDP_ABORTED;
	for (i = 0; i < 8; i++) {
		struct pair_key k = { .a = p[2 * i] & 7, .b = p[2 * i + 1] & 7 };
		__u32 *v = bpf_map_lookup_elem(&pairs, &k);
		if (v)
			*v += 1;
		else
			bpf_map_update_elem(&pairs, &k, &one, BPF_NOEXIST);
	}
	c->rounds++;
	n = c->rounds;
	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		acc += p[32 + i] * (i + 1);
	__builtin_memcpy(c->last_packet, p + 16, 16);
	bpf_for_each_map_elem(&pairs, walk, &w, 0);
	*(__u32 *)(p + 48) = acc;
	*(__u32 *)(p + 52) = w.keys;
	*(__u32 *)(p + 56) = w.weight;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
