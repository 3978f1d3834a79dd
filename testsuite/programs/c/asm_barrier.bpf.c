// Empty inline asm with register operands, as libbpf's bpf_helpers.h spells them:
// `barrier_var(v)` is `asm volatile("" : "+r"(v))` in newer libbpf and
// `asm volatile("" : "=r"(v) : "0"(v))` in libbpf 1.1 (the compiler forgets what it knew
// about v, so a bounds check is done on the value as the verifier sees it), and
// `asm volatile("" :: "r"(x))` makes x computed. `barrier()` (a "memory" clobber)
// is a plain compiler barrier. Results go to .bss.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0b0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 07ff0203f405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

#define barrier() asm volatile("" ::: "memory")
#define barrier_var(var) asm volatile("" : "+r"(var))
#define barrier_var_tied(var) asm volatile("" : "=r"(var) : "0"(var))

__u32 table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
__u32 picked;
__u32 folded;
__u64 scaled;

SEC("xdp")
int asm_barrier(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 idx = p[0];
	__u32 k = 5;
	__u64 wide = p[1];
	__u8 *q = p + 2;

	barrier_var(idx);
	if (idx < 8)
		picked = table[idx];
	/* k is 5 for the compiler no more: the sum is computed at run time */
	barrier_var_tied(k);
	folded = k * 3 + 1;
	barrier_var(wide);
	barrier_var(q);
	scaled = wide * 1000 + *q;
	asm volatile("" : : "r"(idx + 1));
	barrier();
	return idx < 8 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
