// XDP packet counter: counts packets per IP protocol in an array map and passes
// everything. Shows bounds-checked header parsing, a loop, a struct, a subprogram
// call and a global.
#include "ebpfc_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

struct parsed {
	__u8 proto;
	__u8 ttl;
	__u16 len;
};

__u64 packets_seen = 0;

static __noinline int parse_ipv4(void *data, void *data_end, struct parsed *out)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	out->proto = ip->protocol;
	out->ttl = ip->ttl;
	out->len = bpf_ntohs(ip->tot_len);
	return 0;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct parsed p = {};
	__u32 key;
	__u64 *count;
	__u32 weight = 0;
	int i;

	packets_seen++;
	if (parse_ipv4(data, data_end, &p) < 0)
		return XDP_PASS;

	/* Weigh the packet by its TTL bits, one loop iteration per bit. */
	for (i = 0; i < 8; i++)
		if (p.ttl & (1 << i))
			weight++;

	key = p.proto;
	count = bpf_map_lookup_elem(&proto_count, &key);
	if (count)
		__sync_fetch_and_add(count, weight ? weight : 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
