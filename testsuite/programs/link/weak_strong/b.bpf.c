// Link case, second file: the strong `pick` that replaces a.bpf.c's weak one.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int pick(int x)
{
	return 2 + x;
}
