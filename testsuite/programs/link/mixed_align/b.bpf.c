// 1-aligned pieces of .data, .rodata and .bss, after a.bpf.c's wider ones.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u8 b_data = 0x21;
const volatile __u8 b_ro[3] = {1, 2, 3};
__u8 b_bss;
