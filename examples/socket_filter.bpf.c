// Socket filter: keeps UDP packets to port 53 (DNS) and drops the rest. Counts the
// kept packets in a hash map keyed by source address. Socket filters read the packet
// through bpf_skb_load_bytes; skb->len here excludes the Ethernet header.
#include "ebpfc_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} dns_sources SEC(".maps");

struct flow {
	__u32 saddr;
	__u16 dport;
	__u8 proto;
};

const volatile __u16 dns_port = 53;
__u32 kept = 0;

static __noinline int read_flow(struct __sk_buff *skb, struct flow *f)
{
	struct iphdr ip;
	struct udphdr udp;
	__u32 ihl;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
		return -1;
	ihl = ip.ihl * 4;
	if (ihl < sizeof(ip) || ihl > 60)
		return -1;
	f->proto = ip.protocol;
	f->saddr = ip.saddr;
	if (ip.protocol != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, ihl, &udp, sizeof(udp)) < 0)
		return -1;
	f->dport = bpf_ntohs(udp.dest);
	return 0;
}

SEC("socket")
int dns_filter(struct __sk_buff *skb)
{
	struct flow f = {};
	__u64 one = 1, *n;
	int tries;

	if (read_flow(skb, &f) < 0)
		return 0;
	if (f.proto != IPPROTO_UDP || f.dport != dns_port)
		return 0;

	/* Bounded retry loop: insert the counter, or bump the existing one. */
	for (tries = 0; tries < 2; tries++) {
		n = bpf_map_lookup_elem(&dns_sources, &f.saddr);
		if (n) {
			__sync_fetch_and_add(n, 1);
			break;
		}
		bpf_map_update_elem(&dns_sources, &f.saddr, &one, BPF_NOEXIST);
	}
	kept++;
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
