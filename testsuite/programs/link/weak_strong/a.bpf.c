// Link case over three files: a weak function `pick` here is overridden by the strong
// one in b.bpf.c; a weak variable `mode` here is overridden by c.bpf.c; c.bpf.c owns
// the map both programs update.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} results SEC(".maps");

__weak __u32 mode = 1;

__weak __noinline int pick(int x)
{
	return 1;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	__u32 key = 100;
	__u32 val = pick(ctx->data_end - ctx->data) + mode;

	bpf_map_update_elem(&results, &key, &val, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
