// goto: forward jumps to a shared error exit, a backward goto forming a bounded loop,
// and jumping out of nested loops.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: ff0002030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 01ff0203040506070809c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5
// @input: 0102ffff0405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
#include "feature.h"

SEC("xdp")
int goto_prog(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 acc = 0, n = 0;
	int i, j, code;

	if (p[0] == 0xff)
		goto bad_first;
	if (p[1] == 0xff)
		goto bad_second;
again:
	acc += p[8 + n] * (n + 1);
	n++;
	if (n < 8)
		goto again;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			if (p[16 + i * 4 + j] > 0xe0)
				goto found;
	i = j = 9;
found:
	p[40] = i;
	p[41] = j;
	*(__u32 *)(p + 44) = acc;
	code = XDP_PASS;
	goto out;

bad_first:
	code = XDP_DROP;
	p[40] = 0xaa;
	goto out;
bad_second:
	code = XDP_TX;
	p[40] = 0xbb;
out:
	p[42] = code;
	return code;
}

char LICENSE[] SEC("license") = "GPL";
