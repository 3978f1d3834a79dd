// Differential input for codegen (diffc.py): compiled by clang-19 and by ebpfc, run in the kernel.
#include "../../../examples/ebpfc_bpf.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hist SEC(".maps");
__u32 last_sum;
SEC("xdp") int loops(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  __u32 buf[16];
  __u32 sum = 0;
  for (int i = 0; i < 16; i++) buf[i] = i * i;
  for (int i = 0; i < 16; i++) sum += buf[i] ^ (sum << 1);
  for (int i = 0; i < 32; i++) {
    if (d + i + 1 > e) break;
    __u32 k = d[i] & 15;
    __u64 *v = bpf_map_lookup_elem(&hist, &k);
    if (v) *v += 1;
  }
  last_sum = sum;
  return sum & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
