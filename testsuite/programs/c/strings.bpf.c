// String literals: a char array initialized from a literal, a pointer into a literal in
// .rodata indexed by packet data, sizeof of literals, adjacent literal concatenation,
// escapes, __builtin_strlen of literals (a constant, as clang folds it), and a
// hand-written string compare against packet bytes.
// @input: 68656c6c6f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a
// @input: 68656c700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000ff
// @input: 776f726c640a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40414243
#include "feature.h"

static const char hex_digits[] = "0123456789abcdef";

static __noinline int starts_with(const __u8 *p, const char *word, int n)
{
	for (int i = 0; i < n && i < 8; i++)
		if (p[i] != (__u8)word[i])
			return 0;
	return 1;
}

SEC("xdp")
int strings(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	char greeting[] = "hel" "lo\t!";
	int kind = 0;

	if (starts_with(p, "hello", 5))
		kind = 1;
	else if (starts_with(p, "world", 5))
		kind = 2;
	p[32] = hex_digits[p[5] >> 4];
	p[33] = hex_digits[p[5] & 15];
	p[34] = greeting[p[6] & (sizeof(greeting) - 1)];
	p[35] = sizeof("abc\0def");
	p[36] = "\x41\102C"[p[7] & 3];
	p[37] = kind;
	p[38] = __builtin_strlen("hello") * 10 + __builtin_strlen("ab\0cd");
	return kind ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
