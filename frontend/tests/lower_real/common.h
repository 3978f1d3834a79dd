typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
#define SEC(name) __attribute__((section(name), used))
struct xdp_md { __u32 data; __u32 data_end; __u32 data_meta; __u32 ingress_ifindex; __u32 rx_queue_index; __u32 egress_ifindex; };
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) 181;
#define LOAD(ctx, n) ({ __u8 *d = (void *)(long)(ctx)->data; __u8 *e = (void *)(long)(ctx)->data_end; if ((void *)(d + (n)) > (void *)e) return 2; d; })
