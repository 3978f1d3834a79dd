// BTF-defined maps: an array with struct values and a hash keyed by a struct, with
// lookup, in-place update through the returned pointer, update_elem with BPF_NOEXIST and
// BPF_ANY, and delete_elem. Map contents are compared after the runs.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
// @input: 27a0aeb3ffe9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct stats {
	__u64 packets;
	__u64 bytes;
	__u32 last_len;
	__u16 min_byte;
	__u16 max_byte;
};

struct flow_key {
	__u32 src;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct flow_val {
	__u64 count;
	__u32 first_seen_run;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct stats);
} stats_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

__u32 run_no;

SEC("xdp")
int maps_prog(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 idx = p[0] & 3;
	struct stats *st;
	struct flow_key k = {};
	struct flow_val *fv, nv = {};

	run_no++;
	st = bpf_map_lookup_elem(&stats_map, &idx);
	if (!st)
		return XDP_ABORTED;
	st->packets++;
	st->bytes += ctx->data_end - ctx->data;
	st->last_len = p[1];
	if (st->min_byte == 0 || p[2] < st->min_byte)
		st->min_byte = p[2];
	if (p[2] > st->max_byte)
		st->max_byte = p[2];

	k.src = *(__u32 *)(p + 4);
	k.port = *(__u16 *)(p + 8);
	k.proto = p[10];
	fv = bpf_map_lookup_elem(&flows, &k);
	if (fv) {
		fv->count++;
		fv->flags |= 1u << (p[11] & 31);
		p[32] = 1;
	} else {
		nv.count = 1;
		nv.first_seen_run = run_no;
		nv.flags = p[11];
		p[32] = bpf_map_update_elem(&flows, &k, &nv, BPF_NOEXIST) == 0 ? 2 : 3;
	}
	/* A flow whose port byte is 0xff is forgotten again. */
	if (p[4] == 0xff) {
		k.src ^= 0x100;
		nv.count = 77;
		bpf_map_update_elem(&flows, &k, &nv, BPF_ANY);
		k.src ^= 0x100;
		p[33] = bpf_map_delete_elem(&flows, &k) == 0;
	}
	*(__u64 *)(p + 40) = st->packets;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
