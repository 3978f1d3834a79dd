// Constant arguments and read-only data as clang -O2 leaves them: a static table that
// every call passes to a noinline function becomes a constant inside it (IPSCCP, then
// the argument is dropped), so its address no longer escapes and it goes to
// .rodata.cst16; a constant count passed to a noinline compare lets its loop unroll;
// string literals compared with __builtin_memcmp (either side, in a static inline
// function too) and one copied into the packet stay in .rodata.str1.1 although the
// code reads none of them; a 1-byte memcmp's literal does not.
// @input: 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40
// @input: 68656c6c6f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a
// @input: 574f524bff0e0d0c0b0a0908070605040302010000010203040506070809a0b0c0d0e0f0ffeeddccbbaa99887766554433221100112233445566778899aabb
#include "feature.h"

static const __u8 sbox[16] = { 7, 3, 9, 1, 15, 0, 12, 4, 8, 2, 14, 6, 11, 13, 5, 10 };

static __noinline int lookup(const __u8 *t, int i)
{
	return t[i & 15];
}

static __noinline int prefix(const __u8 *p, const char *word, int n)
{
	for (int i = 0; i < n && i < 8; i++)
		if (p[i] != (__u8)word[i])
			return 0;
	return 1;
}

static inline int is_work(const __u8 *p)
{
	return __builtin_memcmp(p, "WORK", 4) == 0;
}

SEC("xdp")
int ipcp_rodata(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	int acc = 0;

	for (int i = 0; i < 4; i++)
		acc += lookup(sbox, p[8 + i]) * (i + 1);
	p[40] = acc;
	p[41] = prefix(p, "hello", 5) + prefix(p, "help", 5);
	p[42] = __builtin_memcmp(p, "\x01\x02\x03", 3) == 0;
	p[43] = __builtin_memcmp("hel", p, 3) < 0;
	p[44] = is_work(p);
	p[45] = __builtin_memcmp(p + 4, "\xff", 1) == 0;
	__builtin_memcpy(p + 48, "ebpfc!!", 7);
	return acc > 40 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
