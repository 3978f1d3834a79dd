// Register pressure: more live values than BPF's callee-saved registers r6-r9 across
// helper and bpf-to-bpf calls, so values (and a packet pointer) are spilled to 8-byte
// stack slots and reloaded; the verifier must keep tracking the spilled pointer.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cells SEC(".maps");

static __noinline __u64 touch(__u32 k, __u64 add)
{
	__u64 *v = bpf_map_lookup_elem(&cells, &k);
	if (!v)
		return 0;
	*v += add;
	return *v;
}

SEC("xdp")
int register_pressure(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u64 a = p[0], b = p[1], c = p[2], d = p[3], e = p[4], f = p[5], g = p[6], h = p[7];
	__u64 i = *(__u32 *)(p + 8), j = *(__u32 *)(p + 12);
	__u64 t1, t2, t3;

	t1 = touch(a & 15, b + c);
	t2 = touch(d & 15, e * f);
	t3 = touch(g & 15, h ^ i);
	/* Everything above is still live here, and p too. */
	*(__u64 *)(p + 16) = a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8;
	*(__u64 *)(p + 24) = i * j + t1;
	*(__u64 *)(p + 32) = t2 - t3 + (a ^ h) + (b ^ g) + (c ^ f) + (d ^ e);
	*(__u64 *)(p + 40) = touch(j & 15, t1 + t2 + t3) + a * b * c;
	p[48] = (__u8)(i + j + a + h);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
