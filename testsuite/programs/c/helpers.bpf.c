// Helper calls with several arguments and stack buffers: bpf_csum_diff over a copy of
// the packet, bpf_xdp_adjust_head (which invalidates packet pointers, so they are
// reloaded from the context afterwards), and bpf_for_each_map_elem with a callback.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a1aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} weights SEC(".maps");

struct walk {
	__u32 total;
	__u32 seed;
};

static long visit(void *map, __u32 *key, __u32 *val, struct walk *w)
{
	*val = *val * 3 + w->seed + *key;
	w->total += *val;
	return *key >= 5;  /* stop after key 5 */
}

SEC("xdp")
int helpers(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__be32 words[4];
	struct walk w = { 0, p[0] };
	__s64 csum;
	long n;

	__builtin_memcpy(words, p + 16, sizeof(words));
	csum = bpf_csum_diff(0, 0, words, sizeof(words), p[1]);
	n = bpf_for_each_map_elem(&weights, visit, &w, 0);
	*(__u32 *)(p + 32) = (__u32)csum;
	*(__u32 *)(p + 36) = w.total;
	*(__u32 *)(p + 40) = (__u32)n;
	if (p[1] & 1) {
		/* Drop the first 4 bytes; the old packet pointers are now invalid. */
		if (bpf_xdp_adjust_head(ctx, 4))
			return XDP_ABORTED;
		p = XDP_BYTES(ctx, 60);
		p[0] = 0xab;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
