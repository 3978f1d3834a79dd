// Link case over three files: each of .data, .rodata and .bss gets an 8- or 4-aligned
// piece here and 1-aligned pieces from b.bpf.c and c.bpf.c. As libbpf does, c.bpf.c's
// piece is placed at a multiple of the output section's alignment so far (0x10 in
// .data), not of its own (0x9).
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 a_data = 0x1122334455667788;
const volatile __u32 a_ro = 7;
__u64 a_bss;

extern __u8 b_data, c_data;
extern const volatile __u8 b_ro[3], c_ro;
extern __u8 b_bss, c_bss;

SEC("xdp")
int xdp_align(struct xdp_md *ctx)
{
	__u8 len = ctx->data_end - ctx->data;

	a_bss = a_data + a_ro + b_ro[2] + c_ro;
	b_bss = b_data + len;
	c_bss = c_data + b_ro[0];
	b_data++;
	c_data += 2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
