// Link case, third file: the strong `mode`, the map, a second program using `pick`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} results SEC(".maps");

__u32 mode = 40;

extern int pick(int x);

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	__u32 key = 200;
	__u32 val = pick(7) * 1000 + mode;

	bpf_map_update_elem(&results, &key, &val, BPF_ANY);
	return XDP_DROP;
}
