// Link case: an extern map declared through a named struct (as a shared header would
// declare it), its fields in another order than the anonymous-struct definition in
// b.bpf.c. libbpf's linker compares the two as map definitions (type, sizes, key and
// value types, max_entries, ...), not as struct types.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counters_map {
	__type(value, __u64);
	__type(key, __u32);
	__uint(max_entries, 4);
	__uint(type, BPF_MAP_TYPE_ARRAY);
};

extern struct counters_map counters SEC(".maps");

SEC("xdp")
int xdp_named(struct xdp_md *ctx)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&counters, &k);

	if (v)
		*v += ctx->data_end - ctx->data;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
