// cflags: -mcpu=v2 (with alu32, clang-19 -S prints `r1 = w1`, which llvm-mc-19 cannot read back)
// .rodata strings: bpf_printk formats, a const table, and mergeable string literals.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const char names[4][8] = { "zero", "one", "two", "three" };
const volatile int verbose = 1;

static __attribute__((noinline)) int describe(int i)
{
	if (i < 0 || i > 3)
		return -1;
	bpf_printk("name %s", names[i]);
	return i * 2;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_open(void *ctx)
{
	int r = 0;
	if (verbose)
		bpf_printk("openat called, ctx=%p", ctx);
	for (int i = 0; i < 4; i++)
		r += describe(i);
	bpf_printk("sum %d %s", r, "done");
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
