// A local array with a constant initializer, written through a pointer that a
// conditional chose between two of its elements: the store becomes a store to each
// element under the condition, the array then lives in registers, and its constant
// (`.L__const...`, once left in a `.rodata.cst16` that nothing referred to, of which
// libbpf made a map) is gone from the object, as with clang. The choice here is made
// before any branch: clang's SROA sees the select; after a packet bounds check it
// would see an indexed array instead and keep the constant (const_locals.bpf.c).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

__u32 out;

SEC("xdp")
int const_local_select(struct xdp_md *ctx)
{
	__u32 te[4] = { 7, 7, 7, 7 };
	__u32 *bp = ctx->data_end - ctx->data > 60 ? te : te + 2;

	bp[1] = 3;
	out = te[1] * 100 + te[3];
	return ctx->ingress_ifindex > 5 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
