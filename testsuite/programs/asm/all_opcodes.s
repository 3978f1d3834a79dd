# Every BPF instruction form, in LLVM syntax, for assembler parity with llvm-mc-19 -mcpu=v4.
	.text
	.globl	all_ops
	.type	all_ops,@function
all_ops:
# ALU64, immediate and register
	r0 = 1
	r1 = r2
	r1 += 2
	r1 += r2
	r1 -= 3
	r1 -= r3
	r1 *= 4
	r1 *= r4
	r1 /= 5
	r1 /= r5
	r1 %= 6
	r1 %= r6
	r1 |= 7
	r1 |= r7
	r1 &= 8
	r1 &= r8
	r1 ^= 9
	r1 ^= r9
	r1 <<= 10
	r1 <<= r2
	r1 >>= 11
	r1 >>= r2
	r1 s>>= 12
	r1 s>>= r2
	r1 = -r1
	r1 s/= 3
	r1 s/= r2
	r1 s%= 3
	r1 s%= r2
	r1 = (s8)r2
	r1 = (s16)r2
	r1 = (s32)r2
# ALU32
	w0 = 1
	w1 = w2
	w1 += 2
	w1 += w2
	w1 -= 3
	w1 -= w3
	w1 *= 4
	w1 *= w4
	w1 /= 5
	w1 /= w5
	w1 %= 6
	w1 %= w6
	w1 |= 7
	w1 |= w7
	w1 &= 8
	w1 &= w8
	w1 ^= 9
	w1 ^= w9
	w1 <<= 10
	w1 <<= w2
	w1 >>= 11
	w1 >>= w2
	w1 s>>= 12
	w1 s>>= w2
	w1 = -w1
	w1 s/= 3
	w1 s/= w2
	w1 s%= 3
	w1 s%= w2
	w1 = (s8)w2
	w1 = (s16)w2
# byte swaps
	r1 = be16 r1
	r1 = be32 r1
	r1 = be64 r1
	r1 = le16 r1
	r1 = le32 r1
	r1 = le64 r1
	r1 = bswap16 r1
	r1 = bswap32 r1
	r1 = bswap64 r1
# loads and stores
	r0 = *(u8 *)(r1 + 1)
	r0 = *(u16 *)(r1 - 2)
	r0 = *(u32 *)(r1 + 4)
	r0 = *(u64 *)(r10 - 8)
	w0 = *(u8 *)(r1 + 1)
	w0 = *(u16 *)(r1 + 2)
	w0 = *(u32 *)(r1 + 4)
	r0 = *(s8 *)(r1 + 1)
	r0 = *(s16 *)(r1 + 2)
	r0 = *(s32 *)(r1 + 4)
	*(u8 *)(r10 - 1) = r1
	*(u16 *)(r10 - 2) = r1
	*(u32 *)(r10 - 4) = r1
	*(u64 *)(r10 - 8) = r1
	*(u8 *)(r10 - 1) = w1
	*(u16 *)(r10 - 2) = w1
	*(u32 *)(r10 - 4) = w1
	*(u8 *)(r10 - 1) = 1
	*(u16 *)(r10 - 2) = 2
	*(u32 *)(r10 - 4) = 3
	*(u64 *)(r10 - 8) = 4
# atomics
	lock *(u32 *)(r10 - 4) += w1
	lock *(u64 *)(r10 - 8) += r1
	lock *(u32 *)(r10 - 4) &= w1
	lock *(u64 *)(r10 - 8) &= r1
	lock *(u32 *)(r10 - 4) |= w1
	lock *(u64 *)(r10 - 8) |= r1
	lock *(u32 *)(r10 - 4) ^= w1
	lock *(u64 *)(r10 - 8) ^= r1
	w1 = atomic_fetch_add((u32 *)(r10 - 4), w1)
	r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
	w1 = atomic_fetch_and((u32 *)(r10 - 4), w1)
	r1 = atomic_fetch_and((u64 *)(r10 - 8), r1)
	w1 = atomic_fetch_or((u32 *)(r10 - 4), w1)
	r1 = atomic_fetch_or((u64 *)(r10 - 8), r1)
	w1 = atomic_fetch_xor((u32 *)(r10 - 4), w1)
	r1 = atomic_fetch_xor((u64 *)(r10 - 8), r1)
	w1 = xchg32_32(r10 - 4, w1)
	r1 = xchg_64(r10 - 8, r1)
	w0 = cmpxchg32_32(r10 - 4, w0, w1)
	r0 = cmpxchg_64(r10 - 8, r0, r1)
# jumps, 64-bit compares
.Lloop:
	if r1 == 1 goto .Lloop
	if r1 == r2 goto .Lloop
	if r1 != 1 goto .Lloop
	if r1 != r2 goto .Lloop
	if r1 > 1 goto .Lloop
	if r1 > r2 goto .Lloop
	if r1 >= 1 goto .Lloop
	if r1 >= r2 goto .Lloop
	if r1 < 1 goto .Lloop
	if r1 < r2 goto .Lloop
	if r1 <= 1 goto .Lloop
	if r1 <= r2 goto .Lloop
	if r1 s> 1 goto .Lloop
	if r1 s> r2 goto .Lloop
	if r1 s>= 1 goto .Lloop
	if r1 s>= r2 goto .Lloop
	if r1 s< 1 goto .Lloop
	if r1 s< r2 goto .Lloop
	if r1 s<= 1 goto .Lloop
	if r1 s<= r2 goto .Lloop
	if r1 & 1 goto .Lloop
	if r1 & r2 goto .Lloop
# jumps, 32-bit compares
	if w1 == 1 goto .Lfwd
	if w1 == w2 goto .Lfwd
	if w1 != 1 goto .Lfwd
	if w1 != w2 goto .Lfwd
	if w1 > 1 goto .Lfwd
	if w1 > w2 goto .Lfwd
	if w1 >= 1 goto .Lfwd
	if w1 >= w2 goto .Lfwd
	if w1 < 1 goto .Lfwd
	if w1 < w2 goto .Lfwd
	if w1 <= 1 goto .Lfwd
	if w1 <= w2 goto .Lfwd
	if w1 s> 1 goto .Lfwd
	if w1 s> w2 goto .Lfwd
	if w1 s>= 1 goto .Lfwd
	if w1 s>= w2 goto .Lfwd
	if w1 s< 1 goto .Lfwd
	if w1 s< w2 goto .Lfwd
	if w1 s<= 1 goto .Lfwd
	if w1 s<= w2 goto .Lfwd
	if w1 & 1 goto .Lfwd
	if w1 & w2 goto .Lfwd
	goto .Lfwd
	gotol .Lfwd
	goto +1
	if r1 > 2 goto -3
.Lfwd:
# 64-bit immediates, calls, legacy packet loads
	r1 = 0x123456789abcdef0 ll
	r2 = table ll
	r3 = table+8 ll
	r4 = extern_obj ll
	call 1
	call helper_fn
	call local_fn
	call extern_fn
	r0 = *(u8 *)skb[1]
	r0 = *(u16 *)skb[2]
	r0 = *(u32 *)skb[4]
	r0 = *(u8 *)skb[r1]
	r0 = *(u16 *)skb[r1]
	r0 = *(u32 *)skb[r1]
	exit
.Lfunc_end0:
	.size	all_ops, .Lfunc_end0-all_ops

	.p2align	3
	.type	local_fn,@function
local_fn:
	r0 = 0
	exit
.Lfunc_end1:
	.size	local_fn, .Lfunc_end1-local_fn

	.section	.text.helpers,"ax",@progbits
	.globl	helper_fn
	.type	helper_fn,@function
helper_fn:
	call local_fn
	r0 = 1
	exit

	.data
	.globl	table
	.p2align	3, 0x0
table:
	.quad	1
	.quad	table
	.long	extern_obj
	.short	0x1234
	.byte	0xff, -1
	.size	table, 24
