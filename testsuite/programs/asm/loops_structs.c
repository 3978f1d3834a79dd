// Bounded loops over packet bytes, struct copies on the stack, a switch.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct hdr { __u8 dst[6]; __u8 src[6]; __u16 proto; };
struct stats { __u64 bytes; __u32 lo, hi; __u16 kind; __u8 flags[6]; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} st SEC(".maps");

SEC("xdp")
int parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct hdr *h = data;
	if ((void *)(h + 1) > end)
		return XDP_PASS;
	struct stats s = {};
	__u32 sum = 0;
	for (int i = 0; i < 6; i++)
		sum += h->dst[i] ^ h->src[i];
	switch (h->proto) {
	case 0x0008: s.kind = 4; break;
	case 0xdd86: s.kind = 6; break;
	case 0x0608: s.kind = 1; break;
	default: s.kind = 0;
	}
	s.lo = sum;
	s.hi = sum >> 3;
	s.bytes = end - data;
	__u32 k = 0;
	bpf_map_update_elem(&st, &k, &s, BPF_ANY);
	return sum & 1 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
