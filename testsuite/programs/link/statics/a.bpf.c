// Link case: a.bpf.c and b.bpf.c both have a static function `helper`, a static
// `.rodata` array `tag` and a static counter `calls`, with different contents; each
// program must keep seeing its own.
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char tag[8] = "alpha";
static __u32 calls;
static volatile __u32 pick_idx = 1;

static __noinline int helper(int x)
{
	calls++;
	return x + tag[pick_idx & 7];
}

SEC("xdp")
int xdp_a(struct xdp_md *ctx)
{
	return helper(ctx->data_end - ctx->data) & 3;
}

char LICENSE[] SEC("license") = "GPL";
