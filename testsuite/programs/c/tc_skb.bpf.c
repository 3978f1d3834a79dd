// A tc (sched_cls) program on __sk_buff: reads context fields, parses the packet with
// direct packet access, rewrites the DSCP through bpf_skb_store_bytes (a helper that
// may move the packet, so pointers are re-derived afterwards), sets skb->mark and
// skb->priority, and reads bytes back with bpf_skb_load_bytes.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045b800321234400001119b1ec0a801070a0000029c400050001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108004528003212344000c806df45ac1005040808080804d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108064500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045680044123440001111430b0a0000010a00000214e914e9003000006465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b
#include "feature.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} dscp_bytes SEC(".maps");

SEC("tc")
int tc_skb(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 dscp, len = skb->len;
	__u8 tos, ttl = 0;
	__u64 *b;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_SHOT;
	if (eth->h_proto != bpf_htons(ETH_P_IP)) {
		skb->mark = 0xdead;
		return TC_ACT_OK;
	}
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	dscp = ip->tos >> 2;
	b = bpf_map_lookup_elem(&dscp_bytes, &dscp);
	if (b)
		*b += len;
	tos = (dscp < 8 ? 46 : dscp / 2) << 2;
	/* A 1-byte store at tos's offset; the checksum is left stale on purpose. */
	bpf_skb_store_bytes(skb, sizeof(*eth) + 1, &tos, 1, 0);
	bpf_skb_load_bytes(skb, sizeof(*eth) + 8, &ttl, 1);
	skb->mark = dscp * 1000 + ttl;
	skb->priority = len;
	return dscp > 20 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
