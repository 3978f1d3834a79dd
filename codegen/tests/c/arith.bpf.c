// Differential input for codegen (diffc.py): compiled by clang-19 and by ebpfc, run in the kernel.
#include "../../../examples/ebpfc_bpf.h"
__u64 out[8];
static __noinline __u32 mix(__u32 a, __u32 b) { return (a * 2654435761u) ^ (b >> 3) ^ (a << 7); }
static __noinline long smix(long a, int b) { return (a >> 3) + (long)(signed char)b - (a & 0xff) * 3; }
SEC("xdp") int arith(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  if (d + 32 > e) return XDP_PASS;
  __u32 a = *(__u32 *)d, b = *(__u32 *)(d + 4);
  __u16 h = *(__u16 *)(d + 8);
  signed char c = d[10];
  __u64 big = *(__u64 *)(d + 16);
  out[0] = mix(a, b);
  out[1] = smix((long)big, c);
  out[2] = (__u64)(__u16)(h + 0xfff0);
  out[3] = big / (b | 1) + big % (a | 1);
  out[4] = (__u64)((int)a >> 5) + (a >> 5);
  out[5] = bpf_htons(h);
  out[6] = (c < 0) ? 0x1234567890ull : 7;
  out[7] = (a > b) + (a <= b) * 2 + ((int)a < (int)b) * 4;
  return (a & 1) ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
