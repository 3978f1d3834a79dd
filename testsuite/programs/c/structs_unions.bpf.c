// Structs, unions, enums, typedefs and bit-fields: nested structs copied by value,
// a union read through another member, enum constants with explicit values, typedef'd
// struct pointers, bit-field reads and writes (packed into the packet).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

enum color { RED = 1, GREEN = 4, BLUE = GREEN * 3, LAST };

typedef struct point {
	__s16 x, y;
} point_t;

struct shape {
	enum color color;
	point_t corner[2];
	__u8 tag;
};

union word {
	__u32 whole;
	__u16 halves[2];
	__u8 bytes[4];
};

struct flags {
	__u32 low : 3, mid : 9, high : 20;
};

static __noinline __s32 area(const struct shape *s)
{
	__s32 w = s->corner[1].x - s->corner[0].x;
	__s32 h = s->corner[1].y - s->corner[0].y;
	return w * h;
}

SEC("xdp")
int structs_unions(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	struct shape s, t;
	union word w;
	struct flags f;
	point_t *pt;

	s.color = (p[0] & 1) ? BLUE : LAST;
	s.corner[0].x = p[1];
	s.corner[0].y = p[2];
	s.corner[1].x = p[3] + 100;
	s.corner[1].y = p[4] + 50;
	s.tag = p[5];
	t = s;                 /* struct assignment */
	pt = &t.corner[1];
	pt->x += 3;

	w.whole = *(__u32 *)(p + 8);
	w.halves[0] ^= 0x5555;

	f.low = p[12];
	f.mid = *(__u16 *)(p + 13);
	f.high = *(__u32 *)(p + 15);
	f.mid += 7;

	*(__s32 *)(p + 32) = area(&s) - area(&t);
	*(__u32 *)(p + 36) = w.whole + w.bytes[3];
	*(__u32 *)(p + 40) = f.low + f.mid * 8 + f.high;
	*(__u32 *)(p + 44) = t.color + sizeof(struct shape) + t.tag;
	*(struct flags *)(p + 48) = f;
	return t.color == BLUE ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
