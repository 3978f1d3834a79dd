// A socket filter: reads the packet only through bpf_skb_load_bytes (socket filters see
// the packet from the network header, without the Ethernet header), and returns how many
// bytes to keep, which depends on the protocol and ports.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045b800321234400001119b1ec0a801070a0000029c400050001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108004528003212344000c806df45ac1005040808080804d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108064500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045680044123440001111430b0a0000010a00000214e914e9003000006465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b
#include "feature.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u16);
	__type(value, __u32);
} port_hits SEC(".maps");

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;
	__u32 one = 1, *hits;
	__u16 port;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0)
		return 0;
	if (ip.protocol != IPPROTO_UDP)
		return 1;
	if (bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)) < 0)
		return 0;
	port = bpf_ntohs(udp.dest);
	hits = bpf_map_lookup_elem(&port_hits, &port);
	if (hits)
		(*hits)++;
	else
		bpf_map_update_elem(&port_hits, &port, &one, BPF_NOEXIST);
	return port == 53 ? skb->len : 16 + ip.ttl;
}

char LICENSE[] SEC("license") = "GPL";
