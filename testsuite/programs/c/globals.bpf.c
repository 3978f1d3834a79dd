// Global variables in every section libbpf maps: initialized .data, zero .bss, .rodata
// (const tables indexed by packet data, so they are really read), and `const volatile`
// configuration that the loader may set before load. The .data/.bss maps are compared
// after the runs, so every write is visible.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

__u64 total_bytes = 1000;            /* .data */
__u32 runs;                          /* .bss */
struct { __u16 lo, hi; } range = { 3, 60 };  /* .data */
static __u32 histogram[4];           /* .bss, static */
/* clang places tentative definitions in the order of their first use, ebpfc in the order
 * of declaration: both orders agree here, so the .bss maps compare equal. */
__u8 last_first_byte;                /* .bss */
const volatile __u32 multiplier = 3; /* .rodata, set by the loader */
const volatile __u8 enabled = 1;
static const __u16 weights[8] = { 1, 2, 3, 5, 8, 13, 21, 34 }; /* .rodata */

SEC("xdp")
int globals(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 w;

	if (!enabled)
		return XDP_PASS;
	runs++;
	total_bytes += (ctx->data_end - ctx->data) * multiplier;
	w = weights[p[0] & 7] + weights[p[1] % 8];
	histogram[p[2] & 3] += w;
	if (p[3] < range.lo)
		range.lo = p[3];
	if (p[3] > range.hi)
		range.hi = p[3];
	last_first_byte = p[0];
	*(__u32 *)(p + 32) = w;
	*(__u32 *)(p + 36) = histogram[0] + histogram[1] + histogram[2] + histogram[3];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
