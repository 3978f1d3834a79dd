// A program array and tail calls; several programs in numbered sections.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

SEC("xdp/1")
int stage1(struct xdp_md *ctx) { bpf_tail_call(ctx, &jumps, 2); return XDP_PASS; }

SEC("xdp/2")
int stage2(struct xdp_md *ctx) { return ctx->rx_queue_index ? XDP_DROP : XDP_PASS; }

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jumps, ctx->ingress_ifindex & 3);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
