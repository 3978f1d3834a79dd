// TC classifier: marks IPv4 packets with a class id derived from their DSCP bits,
// rewriting the TTL to a floor value, and counts bytes per class in an array map.
#include "ebpfc_bpf.h"

#define NUM_CLASSES 4

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NUM_CLASSES);
	__type(key, __u32);
	__type(value, __u64);
} class_bytes SEC(".maps");

struct class_rule {
	__u8 dscp_min;
	__u8 class_id;
};

static const struct class_rule rules[NUM_CLASSES] = {
	{ 0, 0 }, { 10, 1 }, { 26, 2 }, { 46, 3 },
};

__u8 ttl_floor = 16;

static __noinline __u32 classify(__u8 dscp)
{
	__u32 cls = 0;
	int i;

	for (i = 0; i < NUM_CLASSES; i++)
		if (dscp >= rules[i].dscp_min)
			cls = rules[i].class_id;
	return cls;
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 cls;
	__u64 *bytes;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;

	cls = classify(ip->tos >> 2);
	if (ip->ttl < ttl_floor)
		ip->ttl = ttl_floor;
	skb->tc_classid = (1 << 16) | (cls + 1);

	bytes = bpf_map_lookup_elem(&class_bytes, &cls);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
