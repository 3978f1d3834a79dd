// Link case: kconfig externs (resolved by libbpf at load time, so the linker must keep
// them undefined) and CO-RE relocations in a second file whose code lands after this
// file's code (their .BTF.ext offsets must be rebased).
// @input: 02000000000202000000000108004500003212344000401114850a0000010a00000204d20035001e0000000102030405060708090a0b0c0d0e0f101112131415
// @input: 020000000002020000000001080045000014
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_EBPFC_NOT_A_REAL_OPTION __kconfig __weak;

int core_len(struct xdp_md *ctx);

static __noinline int local_twice(int x)
{
	return 2 * x;
}

SEC("xdp")
int xdp_core(struct xdp_md *ctx)
{
	int len = core_len(ctx);

	if (LINUX_KERNEL_VERSION == 0 || CONFIG_EBPFC_NOT_A_REAL_OPTION)
		return XDP_ABORTED;
	return local_twice(len) > 100 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
