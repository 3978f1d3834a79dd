// Link case, second file: its own inner map behind its own outer map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_b_t {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner_b_t inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner_b_t);
} outer_b SEC(".maps") = {
	.values = { [0] = &inner_b },
};

__noinline int bump_b(__u64 by)
{
	__u32 zero = 0;
	void *in = bpf_map_lookup_elem(&outer_b, &zero);
	__u64 *v;

	if (!in)
		return 0;
	v = bpf_map_lookup_elem(in, &zero);
	if (!v)
		return 0;
	*v += by;
	return 1;
}
