// __builtin_memmove between overlapping bytes of one object, both ways (the copy to a
// higher address is where a forward copy goes wrong: it reads bytes it has already
// overwritten), on a global and on a stack array, with 1-byte and 8-byte alignment.
// .data and .bss are compared with clang's.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f
#include "feature.h"

char text[12] = "ABCDEFGHIJK";
__u64 words[4] = { 1, 2, 3, 4 };
__u64 from_stack;
__u64 from_stack_down;

SEC("xdp")
int memmove_overlap(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	char b[8];
	char c[8];

	__builtin_memcpy(b, p, 8);
	__builtin_memcpy(c, p + 8, 8);
	__builtin_memmove(text + 2, text, 6);
	__builtin_memmove(words + 1, words, 24);
	__builtin_memmove(b + 1, b, 7);
	__builtin_memmove(c, c + 3, 5);
	__builtin_memcpy(&from_stack, b, 8);
	__builtin_memcpy(&from_stack_down, c, 8);
	return b[1] == p[0] ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
