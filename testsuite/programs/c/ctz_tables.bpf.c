// Run-time __builtin_ctz/ctzl/ctzll and __builtin_ffs/ffsl/ffsll. BPF has no bit-counting
// instruction: clang expands ctz as LLVM's de Bruijn table lookup, with the 32-entry table
// in .rodata.cst32 and the 64-entry one in .rodata, one copy per function that still uses
// it after inlining (a function's constant pool, emitted before its code). libbpf makes
// maps of those sections, so the tables must match byte for byte, next to the program's
// own read-only constants (a static const array, a 32-byte local initializer copy).
// ctz(0) is undefined: arguments are made non-zero or tested first.
// @input: 0200000000020200000000010800ff80fffe7f0001020304050607f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00112233
// @input: 020000000002020000000001080001020304050607080910111213141516171819202122232425262728293031323334
// @input: 0200000000020200000000010800800080000000008000000000000000fffffffffffffffe7ffffffffffffffd0102
// @input: 02000000000202000000000108000000000000000000000000000000000000000000000000000000000000000000000000
#include "feature.h"

__u64 r[16];
static const __u16 weights[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

/* Inlined: its table lookups become the caller's (one copy there). */
static __always_inline int low_bit_pos(__u32 x)
{
	return __builtin_ctz(x | 0x80000000u);
}

/* Kept as a call: its own copies of both tables. */
static __noinline __u64 mix(__u64 x, __u32 y)
{
	return __builtin_ctzll(x | (1ULL << 63)) * 100 + __builtin_ffs(y);
}

SEC("xdp")
int ctz_tables(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (p + 48 > end) return 0;
	__u32 a = *(__u32 *)(p + 14), b = *(__u32 *)(p + 18);
	__u64 c = *(__u64 *)(p + 22), d = *(__u64 *)(p + 30);
	const __u8 order[32] = { 31, 7, 3, 29, 0, 1, 2, 5, 8, 13, 21, 4, 9, 16, 25, 6,
				 11, 30, 14, 17, 19, 23, 28, 10, 12, 15, 18, 20, 22, 24, 26, 27 };

	r[0] = __builtin_ctz(a | 0x100) + 100 * __builtin_ctz(b | (1u << 31));
	r[1] = __builtin_ctzll(c | (1ULL << 60)) + 100 * __builtin_ctzl(d | 0x10000);
	r[2] = __builtin_ffs(a) + 100 * __builtin_ffsll(c) + 10000 * __builtin_ffsl(d);
	r[3] = b ? __builtin_ctz(b) : 32;
	r[4] = d ? __builtin_ctzll(d) : 64;
	r[5] = weights[(a >> 5) & 7] + order[(b >> 3) & 31];
	r[6] = low_bit_pos(a) + low_bit_pos(b >> 3);
	r[7] = mix(c, a) + mix(d >> 5, b);
	r[8] = __builtin_ffs(p[14]) + __builtin_ffsll((__u64)p[15] << 40);
	r[9] = __builtin_ctz(0x80) + __builtin_ffsll(1ULL << 63); /* folded */
	return __builtin_ctz(a | 4) & 3;
}

/* A second program: its own copy of the 64-entry table. */
SEC("xdp")
int ctz_second(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (p + 40 > end) return 0;
	__u64 x = *(__u64 *)(p + 30);
	r[10] = __builtin_ffsll(x) + weights[x & 7];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
