// The freestanding <stddef.h> (ebpfc's built-in one, clang's own with clang): offsetof
// into the headers a program parses, size_t and ptrdiff_t arithmetic, NULL, and
// max_align_t, whose layout (size 16, alignment 8) must be clang's.
// @input: 02000000000202000000000108004500002e12344000401114890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
// @input: 020000000002020000000001080045000022123440004011
#include <stddef.h>
#include "feature.h"

struct hdr {
	__u8 ver_ihl;
	__u8 tos;
	__u16 len;
	__u32 pad[3];
	__u32 daddr;
};

size_t layout;
ptrdiff_t span;

SEC("xdp")
int stddef_prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct hdr *h = (void *)(data + 14);
	__u32 *dst = NULL;

	layout = sizeof(max_align_t) * 1000 + _Alignof(max_align_t) * 100 + offsetof(struct hdr, daddr);
	span = end - data;
	if ((void *)(h + 1) <= (void *)end)
		dst = (__u32 *)((__u8 *)h + offsetof(struct hdr, daddr));
	return dst != NULL ? (*dst & 3) : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
