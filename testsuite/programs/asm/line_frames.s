# .file/.loc line rows and .cfi frames (see asm_dump.rs).

	.text
	.file	0 "/src" "a.c" md5 0x00112233445566778899aabbccddeeff
	.globl	f
	.type	f,@function
f:
	.loc	0 3 0
	.cfi_sections .debug_frame
	.cfi_startproc
	r0 = 0
	.loc	0 4 5 prologue_end
	r0 += 1
	.loc	0 40 2 is_stmt 0
	exit
.Lend:
	.size	f, .Lend-f
	.cfi_endproc
