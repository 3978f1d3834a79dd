// Initialized globals of structs with bit-fields: each symbol (and its BTF DATASEC
// variable) is sizeof its type, so the globals after it keep clang's .data offsets.
// Once a bit-field's initializer counted its declared type's whole size from the byte
// the field starts in (`b : 8` at bit 24 of a 4-byte struct made 7 bytes); the cases:
// a field ending the storage unit, an array of such structs, a field whose storage
// unit would end past the last named field, and a packed struct.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0180ff0381fefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3
#include "feature.h"

struct split {
	unsigned int a : 24;
	unsigned int b : 8;
};
struct tail {
	unsigned char c;
	unsigned int x : 4;
};
struct __attribute__((packed)) packed20 {
	char c;
	unsigned int x : 20;
};

struct split g = { .a = 1, .b = 2 };
__u32 after_g = 0x11111111;
struct split pairs[2] = { { 3, 4 }, { .b = 6 } };
__u32 after_pairs = 0x22222222;
struct tail t = { 7, 9 };
__u32 after_t = 0x33333333;
struct packed20 q = { 1, 0xabcde };
__u32 after_q = 0x44444444;

SEC("xdp")
int bitfield_globals(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);

	g.b += p[0];
	pairs[p[1] & 1].a += p[2];
	t.x ^= p[3];
	q.x += p[4];
	after_g += g.b;
	after_pairs += pairs[1].b;
	after_t += t.x;
	after_q += q.c;
	return g.b + pairs[0].b + t.c + q.x;
}

char LICENSE[] SEC("license") = "GPL";
