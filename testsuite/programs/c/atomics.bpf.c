// __sync atomics on map values and globals: fetch_and_add (result used and unused),
// fetch_and_sub, fetch_and_or/and/xor, the <op>_and_fetch forms (new value; used and
// unused), __atomic_add_fetch, val_compare_and_swap, lock_test_and_set (exchange).
// Needs cpu v3 for the fetching forms.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct counters {
	__u64 sum64;
	__u32 sum32;
	__u32 bits;
	__u64 swapped;
	__u32 cas;
	__u32 xchg;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct counters);
} counters_map SEC(".maps");

__u64 global_adds;
__u32 global_flags = 0xf0f0;

SEC("xdp")
int atomics(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 key = p[0] & 1;
	struct counters *c = bpf_map_lookup_elem(&counters_map, &key);
	__u64 old;

	if (!c)
		return XDP_ABORTED;
	__sync_fetch_and_add(&c->sum64, *(__u64 *)(p + 8));
	old = __sync_fetch_and_add(&c->sum32, p[1]);
	*(__u32 *)(p + 32) = (__u32)old;
	*(__u32 *)(p + 36) = __sync_fetch_and_sub(&c->sum32, 1);
	*(__u32 *)(p + 40) = __sync_fetch_and_or(&c->bits, 1u << (p[2] & 31));
	*(__u32 *)(p + 44) = __sync_fetch_and_and(&global_flags, ~(__u32)p[3]);
	*(__u32 *)(p + 48) = __sync_fetch_and_xor(&c->bits, p[4]);
	*(__u32 *)(p + 52) = __sync_val_compare_and_swap(&c->cas, p[5] & 1, p[6]);
	*(__u64 *)(p + 56) = __sync_lock_test_and_set(&c->swapped, *(__u64 *)(p + 16));
	__sync_fetch_and_add(&global_adds, 1);
	*(__u32 *)(p + 20) = __sync_add_and_fetch(&c->xchg, p[7]);
	*(__u32 *)(p + 24) = __sync_sub_and_fetch(&c->xchg, 3);
	p[28] = (__u8)__sync_or_and_fetch(&global_flags, p[8]);
	p[29] = (__u8)__sync_and_and_fetch(&c->bits, ~0x10u);
	*(__u64 *)(p + 0) = __atomic_add_fetch(&c->swapped, 5, __ATOMIC_SEQ_CST);
	__sync_xor_and_fetch(&global_flags, 0x3c);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
