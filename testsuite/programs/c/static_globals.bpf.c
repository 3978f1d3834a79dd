// `static` data as clang -O2 keeps it (LLVM's GlobalOpt): a static that nothing
// writes is a constant, folded where it is read and gone from .data (here read in a
// noinline function, where inlining cannot fold it); a static that is only written is
// dead and gone from .bss; statics that are read and written, or whose address is
// passed on, stay. .data and .bss are compared byte for byte with clang's.
// @O2-only: which statics stay in .data and .bss is an optimization (GlobalOpt), as in clang
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0b0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

static __u32 limit = 40;
static __u64 scale = 3;
static __u32 write_only;
static __u32 hits;
static __u32 via_helper = 9;
__u32 out_sum;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} store SEC(".maps");

static __noinline __u64 clamp_scaled(__u32 v)
{
	if (v > limit)
		v = limit;
	return v * scale;
}

SEC("xdp")
int static_globals(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 key = 0;

	write_only = p[0];
	hits += 1;
	out_sum = clamp_scaled(p[0] * 5) + hits;
	bpf_map_update_elem(&store, &key, &via_helper, BPF_ANY);
	return p[0] > 8 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
