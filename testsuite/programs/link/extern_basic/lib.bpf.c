// Link case, second file: the definitions app.bpf.c uses through extern.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

__u32 base_value = 7;

__noinline int add_scaled(int x, int y)
{
	return x * 2 + y;
}
