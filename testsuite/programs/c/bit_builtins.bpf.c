// The bit builtins clang offers on BPF (no bit-counting instructions; both compilers
// expand them): __builtin_popcount/clz/ctz/ffs/parity with their l and ll forms and
// __builtin_abs/labs/llabs, on packet words, and folded in constant expressions
// (_Static_assert, an array size). ctz and ffs run only folded here; their run-time
// de Bruijn table lookups are in ctz_tables.bpf.c.
// @input: 0200000000020200000000010800ff80fffe7f0001020304050607f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00112233
// @input: 020000000002020000000001080001020304050607080910111213141516171819202122232425262728293031323334
// @input: 0200000000020200000000010800800080000000008000000000000000fffffffffffffffe7ffffffffffffffd0102
#include "feature.h"

__u64 r[16];
_Static_assert(__builtin_popcount(0xff00ff) == 16, "fold");
_Static_assert(__builtin_ctzll(1ULL << 40) == 40, "fold");
static const int tbl[__builtin_clz(1) - 28] = { 1, 2, 3 };
SEC("xdp")
int bits(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (p + 48 > end) return 0;
	__u32 a = *(__u32 *)(p + 14) | 1, b = *(__u32 *)(p + 18);
	__u64 c = *(__u64 *)(p + 22) | (1ULL << 50), d = *(__u64 *)(p + 30);
	int s = *(int *)(p + 38);
	long l = *(long *)(p + 38);
	r[0] = __builtin_popcount(b) + 100 * __builtin_popcountll(d) + 10000 * __builtin_popcountl(c);
	r[1] = __builtin_clz(a) + 100 * __builtin_clzll(c) + 10000 * __builtin_clzl(c >> 3);
	r[2] = __builtin_ctz(0x80) + 100 * __builtin_ctzll(1ULL << 50) + 10000 * __builtin_ctzl(6);
	r[3] = __builtin_ffs(-4) + 100 * __builtin_ffsll(1ULL << 63) + 10000 * __builtin_ffsl(0);
	r[4] = __builtin_abs(s) + ((__u64)__builtin_llabs(l) << 1) + __builtin_labs(-l);
	r[5] = tbl[2] + sizeof(tbl);
	r[6] = __builtin_popcount(p[14]) + __builtin_clz((unsigned)p[15] + 1);
	r[7] = __builtin_parity(b) + 2 * __builtin_parityll(d) + 4 * __builtin_parityl(c) +
	       8 * __builtin_parity(0x7);
	return __builtin_popcount(b) & 3;
}
char LICENSE[] SEC("license") = "GPL";
