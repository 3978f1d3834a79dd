// 32-bit wrap-around and promotion corner cases: u32 sums that overflow before being
// widened, u8/u16 shifted past their width after promotion to int, negative int
// constants compared with unsigned values, unsigned subtraction going below zero, and
// 32-bit multiplication whose high half must be dropped. (No signed overflow anywhere:
// that would be undefined, and clang and ebpfc may then legitimately differ.)
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffffffffffffffff7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: ffffff7f0100000080000000ff00ff00d91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
#include "feature.h"

SEC("xdp")
int wrap32(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 a = *(__u32 *)p, b = *(__u32 *)(p + 4);
	__u16 h = *(__u16 *)(p + 8);
	__u8 c = p[10];
	__u64 *out = (__u64 *)(p + 16);
	int r = 0;

	out[0] = (__u64)(a + b);            /* wraps at 32 bits first */
	out[1] = (__u64)a + b;              /* no wrap */
	out[2] = (__u64)(a * b) + (__u64)((__u32)h * h) + (__u64)((__u32)c << 24);
	out[3] = (__u64)(b - a) + (__u32)(c - 200);
	out[4] = ((__u64)h << 20) + (c << 20) + ((__u32)h << 20);
	if (a > -1)          /* -1 converts to 0xffffffff: never true */
		r |= 1;
	if ((int)a > -1)
		r |= 2;
	if (c - 200 < 0)     /* int arithmetic after promotion */
		r |= 4;
	if ((__u8)(c + 100) < 50)
		r |= 8;
	if (h * 2 > 0xffff)
		r |= 16;
	if ((__u16)(h * 2) > 0x8000)
		r |= 32;
	p[56] = r;
	*(__u32 *)(p + 60) = ~a >> (c & 31);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
