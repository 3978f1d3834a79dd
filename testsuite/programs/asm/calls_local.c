// bpf-to-bpf calls: static functions in .text, a global function, calls across sections.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int square(int x) { return x * x; }
static __attribute__((noinline)) int cube(int x) { return square(x) * x; }
__attribute__((noinline)) int poly(int x) { return cube(x) + 3 * square(x) + 1; }

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	int a = poly(skb->len & 7);
	int b = cube(skb->protocol & 3);
	return a + b > 100 ? 0 : skb->len;
}

SEC("socket/second")
int sock_prog2(struct __sk_buff *skb)
{
	return square(skb->len & 15) + poly(2);
}

char LICENSE[] SEC("license") = "GPL";
