// 1-aligned pieces again: each lands at the next multiple of 8 (of 4 in .rodata).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u8 c_data = 0x31;
const volatile __u8 c_ro = 9;
__u8 c_bss;
