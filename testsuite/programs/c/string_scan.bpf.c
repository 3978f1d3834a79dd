// Loops over string literals whose trip count is in the string itself: a strlen and a
// character count written as always_inline loops. clang unrolls them whole (it reads
// the constant bytes while deciding) and the string disappears from the object; the
// unroller's simulation reads constant globals too.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 6c0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

__u64 lens[3];

static __always_inline int slen(const char *s)
{
	int i;

	for (i = 0; i < 32 && s[i]; i++)
		;
	return i;
}

static __always_inline int count(const char *s, char c)
{
	int n = 0;

	for (int i = 0; s[i]; i++)
		n += s[i] == c;
	return n;
}

SEC("xdp")
int string_scan(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);

	lens[0] = slen("hello from a");
	lens[1] = count("hello, world", 'l');
	lens[2] = count("hello", p[0]);
	return lens[2] ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
