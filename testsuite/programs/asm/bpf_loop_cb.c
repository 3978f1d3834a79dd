// cflags: -mcpu=v2 (with alu32, clang-19 -S prints `r1 = w1`, which llvm-mc-19 cannot read back)
// Callbacks through bpf_loop: a static callback whose address is loaded with ld_imm64.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ctx_t { __u64 acc; __u32 n; };

static int step(__u32 idx, void *data)
{
	struct ctx_t *c = data;
	c->acc += idx * c->n;
	return idx > 50;
}

static int step2(__u32 idx, struct ctx_t *c)
{
	c->acc ^= idx;
	return 0;
}

SEC("tc")
int loop_prog(struct __sk_buff *skb)
{
	struct ctx_t c = { .acc = 0, .n = skb->len & 7 };
	bpf_loop(100, step, &c, 0);
	bpf_loop(10, step2, &c, 0);
	return c.acc & 1;
}

char LICENSE[] SEC("license") = "GPL";
