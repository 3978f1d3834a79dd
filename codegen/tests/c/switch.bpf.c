// Differential input for codegen (diffc.py): compiled by clang-19 and by ebpfc, run in the kernel.
#include "../../../examples/ebpfc_bpf.h"
__u64 counts[6];
static __noinline int classify(__u8 proto, __u16 port) {
  switch (proto) {
  case 6: return port == 80 || port == 443 ? 1 : 2;
  case 17: return port == 53 ? 3 : 4;
  case 1: return 5;
  default: return 0;
  }
}
SEC("xdp") int sw(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
  struct ethhdr *eth = (void *)d;
  if ((void *)(eth + 1) > (void *)e) return XDP_PASS;
  if (eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > (void *)e) return XDP_PASS;
  struct udphdr *udp = (void *)(ip + 1);
  if ((void *)(udp + 1) > (void *)e) return XDP_PASS;
  int c = classify(ip->protocol, bpf_ntohs(udp->dest));
  __sync_fetch_and_add(&counts[c], 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
