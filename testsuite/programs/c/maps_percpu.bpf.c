// Per-CPU maps: a percpu array and a percpu hash with struct values. Test runs may land on
// any CPU, so each run writes a value derived from the packet, reads it back into the
// packet, and clears it again; the dumped maps stay all-zero and deterministic.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct scratch {
	__u64 acc;
	__u32 words[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} pc_hash SEC(".maps");

SEC("xdp")
int maps_percpu(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 key = p[0] & 1;
	__u32 hkey = p[1];
	__u64 hval = *(__u64 *)(p + 8);
	__u64 *got;
	struct scratch *s;
	int i;

	s = bpf_map_lookup_elem(&scratch_map, &key);
	if (!s)
		return XDP_ABORTED;
	for (i = 0; i < 4; i++)
		s->words[i] = *(__u32 *)(p + 16 + 4 * i) + i;
	s->acc = s->words[0] ^ s->words[3];
	*(__u64 *)(p + 32) = s->acc + s->words[p[2] & 3];
	__builtin_memset(s, 0, sizeof(*s));

	bpf_map_update_elem(&pc_hash, &hkey, &hval, BPF_ANY);
	got = bpf_map_lookup_elem(&pc_hash, &hkey);
	*(__u64 *)(p + 40) = got ? *got + 1 : 0;
	p[48] = bpf_map_delete_elem(&pc_hash, &hkey) == 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
