/* A small XDP program in the shape real ones have (no headers). */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct xdp_md { __u32 data; __u32 data_end; };
struct ethhdr { unsigned char h_dest[6]; unsigned char h_source[6]; __u16 h_proto; };
#define SEC(n) __attribute__((section(n), used))
#define bpf_htons(x) __builtin_bswap16(x)
static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;
SEC("xdp")
int xdp_prog(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return 1;
    if (eth->h_proto == bpf_htons(0x0800)) {
        char fmt[] = "ipv4 %d\n";
        bpf_trace_printk(fmt, sizeof(fmt), eth->h_proto);
    }
    return 2;
}
char _license[] SEC("license") = "GPL";
