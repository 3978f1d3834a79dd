// Atomics and -mcpu=v4 instructions: signed division, sign-extending moves and loads, bswap.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 total;
__s32 last;

SEC("xdp")
int v4ops(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (data + 8 > end)
		return XDP_PASS;
	__s8 b = *(__s8 *)data;
	__s16 h = *(__s16 *)(data + 2);
	__s32 w = *(__s32 *)(data + 4);
	__s64 q = (__s64)w / (h | 1) + b % 7;
	__sync_fetch_and_add(&total, q);
	__sync_fetch_and_or(&last, (int)b);
	__u64 old = __sync_val_compare_and_swap(&total, 0, 1);
	__u32 sw = __builtin_bswap32((__u32)w);
	return (old + sw + __sync_lock_test_and_set(&last, h)) & 3;
}

char LICENSE[] SEC("license") = "GPL";
