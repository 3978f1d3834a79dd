// Differential input for codegen (diffc.py): compiled by clang-19 and by ebpfc, run in the kernel.
#include "../../../examples/ebpfc_bpf.h"
struct pt { __u32 x, y; __u16 tag; __u8 flags; __u64 w; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, struct pt); } pts SEC(".maps");
struct pt g_last;
static __noinline int update(struct pt *p, __u32 k) {
  struct pt n = *p;
  n.x += k; n.y ^= k; n.tag++; n.flags |= 1; n.w = (__u64)n.x << 32 | n.y;
  g_last = n;
  return bpf_map_update_elem(&pts, &k, &n, 0);
}
SEC("xdp") int structs(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  if (d + 16 > e) return XDP_PASS;
  struct pt p = { .x = *(__u32 *)d, .y = *(__u32 *)(d + 4), .tag = 3, .flags = 0, .w = 0 };
  __u32 k = d[12] & 63;
  int r = update(&p, k);
  struct pt *q = bpf_map_lookup_elem(&pts, &k);
  if (!q) return XDP_DROP;
  return (q->tag == 4 && r == 0) ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
