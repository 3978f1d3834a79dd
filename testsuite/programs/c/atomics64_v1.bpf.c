// 64-bit __sync atomics at -mcpu=v1, where clang-19 emits every one of them: fetch_and_
// add/or/and/xor with their results used (the fetching forms), the same without a
// result (lock |= and kin), val_compare_and_swap (cmpxchg_64) and lock_test_and_set
// (xchg_64). Of the 32-bit atomics only `lock +=` without its result exists below v3.
// @cpu: v1
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

struct state {
	__u64 sum;
	__u64 bits;
	__u64 owner;
	__u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct state);
} state_map SEC(".maps");

__u64 total = 5;
__u64 seen_before;
__u64 flags = 0xff00;
__u32 small_adds;

SEC("xdp")
int atomics64_v1(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 16);
	__u32 key = 0;
	struct state *s = bpf_map_lookup_elem(&state_map, &key);
	__u64 v = p[0] | (__u64)p[1] << 8;
	__u64 old, r = 0;

	if (!s)
		return XDP_ABORTED;
	old = __sync_fetch_and_add(&total, v);
	seen_before = old;
	r += __sync_fetch_and_or(&s->bits, (__u64)p[2] << 4);
	r ^= __sync_fetch_and_and(&flags, ~(__u64)p[3]);
	r += __sync_fetch_and_xor(&s->sum, v * 3);
	__sync_fetch_and_or(&s->bits, 1);
	__sync_fetch_and_and(&s->sum, ~(__u64)1);
	__sync_fetch_and_xor(&flags, 0x10);
	/* the first packet claims the state; later ones see its owner */
	r += __sync_val_compare_and_swap(&s->owner, 0, v + 1);
	r += __sync_lock_test_and_set(&s->last, old);
	__sync_fetch_and_add(&small_adds, 1);
	return (r & 1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
