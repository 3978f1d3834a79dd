// Link case: externs whose types libbpf's linker accepts though they differ from the
// definitions in b.bpf.c: an array of unknown size (`extern __u32 table[];`), an array
// of another size (`extern int arr[4];` for `int arr[8]`), and a function declared
// with `unsigned int` for a definition with `int` (only sizes are compared).
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern __u32 table[];
extern int arr[4];
extern int scale(unsigned int x);

SEC("xdp")
int xdp_arrays(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	table[1] += len;
	arr[3] = scale(len) + arr[1];
	return table[0];
}

char LICENSE[] SEC("license") = "GPL";
