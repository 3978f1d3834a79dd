// The definitions behind a.bpf.c's externs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 table[4] = {XDP_PASS, 100};
int arr[8] = {1, 2, 3};

__noinline int scale(int x)
{
	return x * 3 + arr[0];
}
