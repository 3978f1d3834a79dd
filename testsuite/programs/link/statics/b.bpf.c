// Link case, second file: same static names as a.bpf.c, other contents.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static const char tag[8] = "bravo!!";
static __u32 calls = 10;
static volatile __u32 pick_idx = 5;
const char banner[] = "shared rodata";

static __noinline int helper(int x)
{
	calls += 2;
	return x * 3 + tag[pick_idx & 7] + banner[1];
}

SEC("xdp")
int xdp_b(struct xdp_md *ctx)
{
	return helper(ctx->data_end - ctx->data) & 3;
}
