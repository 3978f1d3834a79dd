// Pointers and arrays: local arrays indexed by packet data (masked into range), pointer
// arithmetic and differences, pointers to stack slots passed to calls, arrays of arrays, array parameters.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb
#include "feature.h"

static __noinline __u32 sum_array(__u32 *arr, int n)
{
	__u32 s = 0;
	for (int i = 0; i < n && i < 8; i++)
		s += arr[i] * (i + 1);
	return s;
}

static __noinline void bump(__u32 *arr, __u32 *pos, __u32 by)
{
	arr[*pos & 7] += by;
	*pos += 1;
}

SEC("xdp")
int pointers_arrays(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 arr[8];
	__u8 grid[4][4];
	__u32 *cursor;
	__u32 pos = 0;
	__u8 *q;
	int i, j;

	for (i = 0; i < 8; i++)
		arr[i] = p[i] + (p[i + 8] << 8);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			grid[i][j] = p[16 + i * 4 + j] ^ (i * 4 + j);

	bump(arr, &pos, p[40]);
	bump(arr, &pos, p[41]);
	cursor = &arr[pos];
	*(__u32 *)(p + 32) = sum_array(arr, 8);
	*(__u32 *)(p + 36) = arr[p[42] & 7] + (__u32)(cursor - arr);
	q = &grid[p[43] & 3][0];
	p[44] = q[1] + q[3] + grid[3][p[45] & 3];
	p[46] = *((__u8 *)arr + (p[47] & 31));
	p[48] = (__u8)(&arr[5] - &arr[1]);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
