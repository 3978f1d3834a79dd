	.section a,"a",@progbits
	.byte 1
	.zero 100000000000
	.byte 2
	.section b,"a",@progbits
	.p2align 40
	.align 2147483648
	.space 4000000000
