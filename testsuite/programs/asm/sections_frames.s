# .pushsection/.popsection/.previous, .ident (.comment), and .eh_frame + .debug_frame.
	.text
	r0 = 1
	.pushsection .data.x,"aw",@progbits
	.long 5
	.popsection
	exit
	.section .rodata,"a",@progbits
	.byte 1
	.previous
	r0 = 2
f:
	.cfi_sections .eh_frame, .debug_frame
	.cfi_startproc
	r0 = 0
	exit
	.cfi_endproc
g:
	.cfi_startproc
	exit
	.cfi_endproc
	.ident "ebpfc test"
	.ident "second"
