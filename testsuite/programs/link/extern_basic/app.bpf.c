// Link case: an extern function, an extern global variable and an extern map, all
// defined in lib.bpf.c. The program counts packets in the shared map and returns a
// verdict computed by the extern function. (This file sorts first, so its @input
// lines drive the test.)
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 0200000000020200000000010800450000141234400040111485
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int add_scaled(int x, int y);
extern __u32 base_value;
extern struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

__u64 main_seen = 0;

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);
	int len = ctx->data_end - ctx->data;

	if (v)
		*v += len;
	main_seen++;
	return add_scaled(len, base_value) > 100 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
