// Structs and unions passed and returned by value: always_inline and plain static
// helpers (inlined, any size, results used directly, nested calls), static noinline
// subprograms taking structs of up to 16 bytes in one or two registers (bit-fields,
// odd sizes, unions), struct assignment, struct-valued `?:`, compound literals as
// arguments, and a callee that modifies its copy.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

struct pair {
	__u32 a, b;
};
struct vec3 {
	__s16 x, y, z;
};
struct trio {
	__u32 a, b, c;
};
struct big {
	__u64 k[4];
	__u8 tag;
};
struct cfg {
	__u8 shift;
	__u8 flags : 3, mode : 5;
	__u16 limit;
};
union word {
	__u32 w;
	__u8 b[4];
};

static __always_inline struct pair mkpair(__u32 a, __u32 b)
{
	struct pair p = { a, b };
	return p;
}

static __always_inline __u32 sum(struct pair p)
{
	return p.a + p.b;
}

/* Modifies its own copy: the caller's struct must not change. */
static __always_inline __u32 bump(struct pair p)
{
	p.a += 100;
	p.b *= 3;
	return p.a ^ p.b;
}

static __always_inline struct vec3 add3(struct vec3 u, struct vec3 v)
{
	struct vec3 r = { u.x + v.x, u.y + v.y, u.z + v.z };
	return r;
}

/* Larger than two registers: fine while inlined. Two returns. */
static inline struct big scale(struct big b, __u64 f)
{
	if (b.tag & 1)
		return b;
	for (int i = 0; i < 4; i++)
		b.k[i] *= f;
	b.tag = 0xee;
	return b;
}

static struct trio rot(struct trio t)
{
	struct trio r = { t.b, t.c, t.a };
	return r;
}

/* Calls that stay calls: one register (8 and 6 bytes, bit-fields, a union) or two
 * (12 bytes), next to scalar arguments. */
static __noinline __u64 pair_mul(struct pair p, __u32 k)
{
	return (__u64)p.a * k + p.b;
}

static __noinline __s64 vec_dot(struct vec3 u, struct vec3 v)
{
	return (__s64)u.x * v.x + (__s64)u.y * v.y + (__s64)u.z * v.z;
}

static __noinline __u32 trio_mix(__u8 s, struct trio t, struct pair p)
{
	return (t.a >> (s & 7)) + t.b * 3 - t.c + p.a - p.b;
}

static __noinline __u32 cfg_apply(struct cfg c, __u32 v)
{
	return ((v >> (c.shift & 15)) & c.limit) + c.mode * 10 + c.flags;
}

static __noinline __u32 word_hi(union word w)
{
	return w.b[3] + w.w;
}

__u64 out[8];

SEC("xdp")
int struct_by_value(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);

	struct pair a = mkpair(p[0] | p[1] << 8, p[2] * 3);
	struct pair b = mkpair(p[3], p[4]);
	struct vec3 u = { (__s8)p[5], (__s8)p[6], (__s8)p[7] };
	struct vec3 v = { (__s8)p[8], -(__s8)p[9], 100 };
	struct vec3 s = add3(u, v);
	struct trio t = { p[10], p[11] << 4, p[12] };
	struct cfg c = { p[13], p[14], p[15], p[16] | 0x100 };
	union word uw = { .w = *(__u32 *)(p + 16) };
	struct big g = { { p[20], p[21], p[22], p[23] }, p[24] };

	out[0] = sum(a) + bump(a) + a.a;
	out[1] = sum(mkpair(s.x & 0xff, b.b)) + mkpair(p[25], p[26]).b;
	out[2] = sum((struct pair){ p[27], p[28] }) + pair_mul((struct pair){ 7, p[29] }, 3);
	struct pair m = p[30] & 1 ? a : b;
	b = a;
	a.a = 5;
	out[3] = sum(m) + b.a + (p[31] > 128 ? a : b).b;
	out[4] = trio_mix(p[17], rot(t), p[18] > 0x40 ? a : m) + cfg_apply(c, *(__u32 *)(p + 4));
	out[5] = word_hi(uw) + vec_dot(s, u);
	g = scale(g, p[19] | 1);
	out[6] = g.k[0] + g.k[3] + g.tag;
	out[7] = pair_mul(a, p[20]) + pair_mul(mkpair(1, 2), 5) + sum(b);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
