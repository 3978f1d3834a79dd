	.text
	.p2align	3
	.type	callee,@function
callee:
.Lfunc_begin0:
	r1 += r2
	r1 += r3
	r1 += r4
	r0 = r1
	r0 += r5
	exit
.Lfunc_end0:
	.size	callee, .Lfunc_end0-callee
	.p2align	3
	.type	cb,@function
cb:
.Lfunc_begin1:
	r0 = 0
	exit
.Lfunc_end1:
	.size	cb, .Lfunc_end1-cb
	.section	xdp,"ax",@progbits
	.globl	prog
	.p2align	3
	.type	prog,@function
prog:
.Lfunc_begin2:
	r2 = *(u64 *)(r1 + 0)
	*(u64 *)(r10 - 24) = r2
	r4 = *(u64 *)(r1 + 8)
	*(u64 *)(r10 - 32) = r4
	r6 = *(u64 *)(r1 + 16)
	r9 = *(u64 *)(r1 + 24)
	r8 = *(u64 *)(r1 + 32)
	r7 = *(u64 *)(r1 + 40)
	*(u64 *)(r10 - 16) = r1
	*(u32 *)(r10 - 4) = 0
	r1 = m ll
	r2 = r10
	r2 += -4
	call 1
	if r0 == 0 goto LBB2_2
	r1 = *(u64 *)(r10 - 24)
	r2 = *(u64 *)(r10 - 32)
	r3 = r6
	r4 = r9
	r5 = r8
	call callee
	r1 = r0
	r4 = *(u64 *)(r10 - 32)
	r5 = r6
	r2 = r7
	r3 = *(u64 *)(r10 - 24)
	call callee
	r0 += r9
	r0 += r8
	r0 += r7
	r1 = counter ll
	*(u64 *)(r1 + 0) = r0
	r6 = r0
	r1 = 3
	r2 = cb ll
	r4 = 0
	r3 = r4
	call 181
	r1 = fmt ll
	r2 = 4
	r3 = *(u64 *)(r10 - 24)
	call 6
	r1 = *(u64 *)(r10 - 16)
	call bpf_task_acquire
	r0 = r6
	r0 <<= 32
	r0 >>= 32
	exit
LBB2_2:
	r0 = 2
	exit
.Lfunc_end2:
	.size	prog, .Lfunc_end2-prog
	.section	.bss,"aw",@nobits
	.type	counter,@object
	.globl	counter
	.p2align	3, 0x0
counter:
	.zero	8
	.size	counter, 8
	.section	.maps,"aw",@progbits
	.type	m,@object
	.globl	m
	.p2align	3, 0x0
m:
	.zero	32
	.size	m, 32
	.section	.rodata,"a",@progbits
	.type	fmt,@object
fmt:
	.byte	09, 100, 10, 0
	.size	fmt, 4
	.addrsig
	.addrsig_sym cb
	.addrsig_sym prog
	.addrsig_sym m
