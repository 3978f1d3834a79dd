// Locals with constant initializers, compiled as clang compiles them: a read-only table
// indexed by packet data becomes a constant in .rodata.cstN (no stack copy); so does one
// passed to a noinline function that only reads it; a local written after its
// initialization keeps a stack copy, and clang keeps its constant in .rodata; a char
// array and an equal string literal share one .rodata.str1.1 string; a NUL-terminated
// 16-bit array goes to .rodata.str2.2; large sparse or repeated-byte arrays become
// memsets. Statics are laid out in .bss/.data in the order of their first use (one only
// in a static function comes last), not in declaration order.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

static __u32 hits_late;      /* declared first, used last */
static __u32 hits_early;
static __u32 seen = 7;       /* .data */
static __u32 deferred_count; /* used only by sum_rules */

struct rule {
	__u16 port;
	__u8 proto;
	__u8 action;
};

static __noinline __u32 sum_rules(const struct rule *r, int n)
{
	__u32 s = 0;

	for (int i = 0; i < n && i < 4; i++)
		s = s * 31 + r[i].port + r[i].proto * 7 + r[i].action;
	deferred_count += s & 1;
	return s;
}

SEC("xdp")
int const_locals(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 squares[8] = { 0, 1, 4, 9, 16, 25, 36, 49 };
	struct rule rules[4] = { { 80, 6, 1 }, { 53, 17, 2 }, { 443, 6, 3 }, { 123, 17, 0 } };
	__u32 acc[6] = { 3, 1, 4, 1, 5, 9 };
	char word[] = "ebpfc";
	__u16 wide[4] = { 'a', 'b', 'c', 0 };
	__u8 small[4] = { 10, 20, 30, 40 };
	__u32 pair[2] = { 1000, 2000 };
	__u32 sparse[16] = { [3] = 5, [12] = 7 };
	__s32 minus[10] = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };

	hits_early += 1;
	p[32] = squares[p[0] & 7];
	*(__u32 *)(p + 36) = sum_rules(rules, p[1] & 3);
	acc[p[2] & 3] += p[3];
	*(__u32 *)(p + 40) = acc[(p[4] & 3) + 2] + acc[0];
	p[44] = word[p[5] & 3] ^ "ebpfc"[p[6] & 3];
	p[45] = wide[p[7] & 3];
	p[46] = small[p[8] & 3];
	*(__u32 *)(p + 48) = pair[p[9] & 1];
	*(__u32 *)(p + 52) = sparse[p[10] & 15] + sparse[3];
	*(__s32 *)(p + 56) = minus[p[11] & 7] + p[12];
	seen += p[13];
	hits_late += seen;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
