// Bounds-checked header parsing that rewrites the packet (XDP): Ethernet, IPv4 with a
// variable header length, UDP. Swaps MAC addresses, IP addresses and UDP ports,
// decrements the TTL with an incremental checksum update (RFC 1624), and bounces the
// packet with XDP_TX; drops expiring TTLs and passes everything else.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045b800321234400001119b1ec0a801070a0000029c400050001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108004528003212344000c806df45ac1005040808080804d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 02000000000202000000000108064500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045680044123440001111430b0a0000010a00000214e914e9003000006465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b
#include "feature.h"

static __always_inline void csum_replace2(__u16 *sum, __u16 old, __u16 new)
{
	__u32 c = (__u16)~*sum + (__u16)~old + new;
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	*sum = ~c;
}

SEC("xdp")
int packet_rewrite(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u8 mac[6];
	__u32 addr;
	__u16 port, old_ttl_word;
	int hlen;

	/* The verifier wants each header checked against data_end before it is read. */
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	hlen = ip->ihl * 4;
	if (hlen < (int)sizeof(*ip))
		return XDP_DROP;
	if (ip->ttl <= 1)
		return XDP_DROP;

	old_ttl_word = *(__u16 *)&ip->ttl;
	ip->ttl--;
	csum_replace2(&ip->check, old_ttl_word, *(__u16 *)&ip->ttl);

	__builtin_memcpy(mac, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, mac, 6);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;

	if (ip->protocol != IPPROTO_UDP)
		return XDP_TX;
	udp = (void *)ip + hlen;
	if ((void *)(udp + 1) > data_end)
		return XDP_DROP;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	udp->check = 0;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
