// Every loop form with bounds the verifier can see: for, while, do-while, nested loops,
// break and continue, a loop whose trip count comes from the packet (bounded by a
// constant), and a loop over the packet guarded by a bounds check on each step.
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3c2c1c0
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @input: 27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe2955e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb0102030405
#include "feature.h"

SEC("xdp")
int loops(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *end = (void *)(long)ctx->data_end;
	__u8 *p = XDP_BYTES(ctx, 64);
	__u32 sum = 0, evens = 0, n, k;
	int i, j;

	for (i = 0; i < 16; i++) {
		if (p[i] == 0x55)
			break;
		if (p[i] & 1)
			continue;
		evens++;
		sum += p[i];
	}
	n = p[16] & 15;
	k = 0;
	while (k < n) {
		sum = sum * 31 + p[17 + k];
		k++;
	}
	j = 0;
	do {
		sum ^= sum >> 7;
		j++;
	} while (j < (p[18] & 7));
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			if (j > i)
				break;
			sum += (i * 4 + j) * p[20 + j];
		}
	/* Walk the whole packet; each access is checked against data_end. */
	k = 0;
	for (i = 0; i < 128; i++) {
		if (data + i + 1 > end)
			break;
		k += data[i];
	}
	*(__u32 *)(p + 40) = sum;
	*(__u32 *)(p + 44) = evens;
	*(__u32 *)(p + 48) = k;
	*(__u32 *)(p + 52) = i;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
