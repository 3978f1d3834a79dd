#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern __u64 widen(__u32 a, __u16 b, __u8 c);
extern int order(__u32 a, __u32 b);
extern long sdiff(int a, short b);

__u64 out[6];

SEC("xdp")
int narrow_args(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	__u8 *end = (void *)(long)ctx->data_end;
	if (p + 32 > end)
		return XDP_ABORTED;
	__u64 x = *(__u64 *)p, y = *(__u64 *)(p + 8), z = *(__u64 *)(p + 16);
	out[0] = widen(x, y, z);
	out[1] = order(x, y);
	out[2] = order(y >> 3, z);
	out[3] = sdiff(x, y);
	out[4] = widen(x * 3, y + z, x >> 7);
	out[5] = sdiff(z >> 1, x >> 9);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
