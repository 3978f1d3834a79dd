// Pointer-valued control flow the verifier must follow: a ternary choosing between two
// map values (each null-checked), a pointer chosen between two stack arrays, a pointer
// into the packet advanced conditionally, and a map value pointer returned null-checked
// through a branch merge.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0101fdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

SEC("xdp")
int ptr_select(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 k0 = 0, k1 = p[1] & 3;
	__u64 *a = bpf_map_lookup_elem(&slots, &k0);
	__u64 *b = bpf_map_lookup_elem(&slots, &k1);
	__u64 *which;
	__u32 left[4] = { p[2], p[3], p[4], p[5] };
	__u32 right[4] = { p[6], p[7], p[8], p[9] };
	__u32 *arr;
	__u8 *cur = p;

	if (!a || !b)
		return XDP_ABORTED;
	which = (p[0] & 1) ? a : b;
	*which += p[10];
	arr = p[11] > 0x80 ? left : right;
	if (p[12] & 1)
		cur += 20;
	if (p[13] & 2)
		cur += 8;
	/* cur is p + 0, 8, 20 or 28, but a variable offset loses the checked packet range
	 * in the verifier: check again before the access. */
	if ((void *)(cur + 1) > (void *)(long)ctx->data_end)
		return XDP_DROP;
	cur[0] ^= 0xff;
	*(__u32 *)(p + 40) = arr[0] + arr[3] * 3 + (__u32)(cur - p);
	*(__u64 *)(p + 48) = *a + *b * 2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
