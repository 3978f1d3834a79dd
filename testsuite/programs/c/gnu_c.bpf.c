// GNU C and C11 forms real BPF programs use: case ranges, typeof / __auto_type,
// anonymous struct and union members, offsetof, #pragma unroll, aligned locals,
// _Generic, a void conditional expression, comma expressions in for, and bpf_printk
// (libbpf's macro: a static const format string in .rodata passed to bpf_trace_printk,
// whose return value, the formatted length, depends on the packet).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 617a5a3039fefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;
#define bpf_printk(fmt, ...)                                              \
	({                                                                \
		static const char ____fmt[] = fmt;                        \
		bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__); \
	})
#define offsetof(T, m) __builtin_offsetof(T, m)
#define kind_of(x) _Generic((x), __u8: 1, __u16: 2, __u32: 4, default: 8)

struct msg {
	__u8 type;
	union {
		__u16 port;
		struct {
			__u8 lo, hi;
		};
	};
	__u32 len;
	__u8 data[];
};

static int classify(__u8 c)
{
	switch (c) {
	case '0' ... '9': return 1;
	case 'a' ... 'z': return 2;
	case 'A' ... 'Z': return 3;
	case 0x80 ... 0xff: return 4;
	default: return 0;
	}
}

static __noinline void note(__u8 *out, int v)
{
	*out += v;
}

SEC("xdp")
int gnu_c(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct msg *m = (struct msg *)(p + 8);
	__u32 counts[5] __attribute__((aligned(8))) = {};
	typeof(m->len) len = m->len;
	__auto_type first = p[0];
	int i, j;
	long n;

#pragma unroll
	for (i = 0; i < 5; i++)
		counts[classify(p[i])]++;
	for (i = 0, j = 4; i < j; i++, j--)
		counts[0] += p[i] ^ p[j];
	p[40] = counts[0] + counts[1] * 2 + counts[2] * 4 + counts[3] * 8 + counts[4] * 16;
	p[41] = offsetof(struct msg, len) * 16 + offsetof(struct msg, data) + sizeof(struct msg);
	p[42] = m->lo + m->hi + (m->port >> 8) + m->data[0];
	p[43] = kind_of(first) + kind_of(len) * 16 + kind_of(m->port) * 4;
	p[44] = 0;
	first & 1 ? note(p + 44, 1) : note(p + 44, 7);
	n = bpf_printk("ebpfc test %u %x %d", first, len, (int)p[1] - 100);
	*(__s32 *)(p + 48) = (__s32)n;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
