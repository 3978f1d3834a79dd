# Relocation choice, call resolution, .comm, .set, section-name references (see asm_dump.rs).

	.file	"t.c"
	.text
	.globl	gf
	.type	gf,@function
gf:
	call gf
	call lf
	call ext
	r1 = lf ll
	r1 = gv ll
	r1 = lv+4 ll
	r1 = .L.str ll
	r1 = .L.str+2 ll
	if r1 == 0 goto .Lret
	r0 = 1
.Lret:
	exit
.Lgf_end:
	.size	gf, .Lgf_end-gf
lf:
	exit
	.data
	.globl	gv
	.hidden	gv
	.p2align	3
gv:
	.long	lv
	.quad	gv+1
	.long	.L.str
	.long	.debug_abbrev
lv:
	.byte	1
	.local	cnt
	.comm	cnt,8,8
	.set	answer, 42
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"abc"
	.section	.debug_abbrev,"",@progbits
	.byte	0
	.section	sec2,"ax",@progbits
	call lf
	.addrsig
	.addrsig_sym gv
