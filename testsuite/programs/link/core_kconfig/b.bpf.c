// Link case, second file: a global function reading the context through a CO-RE
// ("preserve_access_index") view of struct xdp_md, so .BTF.ext carries core_relo
// records for code placed after a.bpf.c's.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct xdp_md___view {
	__u32 data;
	__u32 data_end;
} __attribute__((preserve_access_index));

static __noinline int pad(int x)
{
	return x + 1;
}

__noinline int core_len(struct xdp_md *ctx)
{
	struct xdp_md___view *v = (void *)ctx;

	return pad(v->data_end - v->data) - 1;
}
