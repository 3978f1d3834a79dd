// Link case: an array-of-maps whose slot 0 is initialized (by a relocation inside the
// `.maps` section) to an inner map; b.bpf.c defines another inner map and a second
// outer map after this file's, so its `.maps` relocations move with their piece.
// Outer maps are named outer*: tests compare their keys only (values are map ids).
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner);
} outer_a SEC(".maps") = {
	.values = { [0] = &inner_a },
};

extern int bump_b(__u64 by);

SEC("xdp")
int xdp_outer(struct xdp_md *ctx)
{
	__u32 zero = 0, one = 1;
	void *in = bpf_map_lookup_elem(&outer_a, &zero);
	__u64 *v;

	if (!in)
		return XDP_ABORTED;
	v = bpf_map_lookup_elem(in, &one);
	if (!v)
		return XDP_ABORTED;
	*v += ctx->data_end - ctx->data;
	return bump_b(*v) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
