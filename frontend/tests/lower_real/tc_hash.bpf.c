// @input: 00112233445566778899aabb0800450000280001000040110000c0a80001c0a8000204d2003500140000deadbeefcafebabe
// @input: 00112233445566778899aabb86dd60000000000811400000000000000000000000000000000100000000000000000000000000000002
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct stats { __u64 packets; __u64 bytes; __u32 last_hash; __u16 last_port; __u8 proto; };

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, struct stats);
} stats_map SEC(".maps");

__u32 seen_v6;

static __always_inline __u32 fold(__u32 h, __u32 v) {
    h ^= v;
    h *= 0x01000193;
    return h;
}

static __noinline int hash_bytes(const __u8 *p, int n) {
    __u32 h = 0x811c9dc5;
    for (int i = 0; i < 8 && i < n; i++)
        h = fold(h, p[i]);
    return h;
}

SEC("tc")
int classify(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    if (data + sizeof(*eth) > data_end)
        return TC_ACT_OK;
    __u32 key = 0;
    if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        __sync_fetch_and_add(&seen_v6, 1);
        key = 1;
    } else if (eth->h_proto != bpf_htons(ETH_P_IP)) {
        return TC_ACT_OK;
    }
    struct stats *st = bpf_map_lookup_elem(&stats_map, &key);
    if (!st)
        return TC_ACT_SHOT;
    st->packets++;
    st->bytes += skb->len;
    if (key == 0) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) > data_end)
            return TC_ACT_OK;
        st->proto = ip->protocol;
        if (ip->protocol == IPPROTO_UDP) {
            struct udphdr *udp = (void *)ip + ip->ihl * 4;
            if ((void *)(udp + 1) > data_end)
                return TC_ACT_OK;
            st->last_port = bpf_ntohs(udp->dest);
            __u8 buf[8] = {};
            if (bpf_skb_load_bytes(skb, sizeof(*eth) + sizeof(*ip) + sizeof(*udp), buf, sizeof(buf)) == 0)
                st->last_hash = hash_bytes(buf, sizeof(buf));
        }
    }
    return skb->len > 100 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
