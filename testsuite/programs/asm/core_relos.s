# CO-RE relocation records of every kind, well-formed and malformed, for `objdump -d -r`
# (llvm-objdump-19 lists each under the instruction it patches). The .BTF and .BTF.ext
# sections are spelled out as numbers, written by a throwaway script: the comments name
# every type and record. String offsets index the .BTF string table at its end; insn
# offsets are bytes into the named section.
	.text
	.globl	helper
	.type	helper,@function
helper:
	r0 = 0
	r0 = 1
	r0 = 2
	r0 = 3
	r0 = 4
	r0 = 5
	r0 = 6
	r0 = 7
	r0 = 8
	r0 = 9
	r0 = 10
	exit
	.size	helper, .-helper
	.section	"kprobe/prog","ax",@progbits
	.globl	prog
	.type	prog,@function
prog:
	r1 = 1 ll
	r1 = 2 ll
	r0 = 1
	r0 = 16
	r1 = 5 ll
	r1 = -3 ll
	r1 = 2147483648 ll
	r1 = 4294967296 ll
	r1 = -5 ll
	r0 = 0
	r0 = 7
	r0 = 1
	r0 = 1
	r0 = 8
	r0 = 1
	r0 = 1
	r0 = 1
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r0 = 0
	r1 = map ll
	.zero	16
	r0 = 64
	call	helper
	exit
	.size	prog, .-prog
	.data
	.globl	map
map:
	.quad	0
	.section	.BTF,"",@progbits
	.short	60319		# magic 0xeb9f
	.byte	1
	.byte	0
	.long	24		# header length
	.long	0
	.long	1004		# type bytes
	.long	1004		# string offset
	.long	297		# string bytes
	.long	1, 16777216, 4, 16777248	# [1] INT 'int'
	.long	5, 16777216, 1, 16777224	# [2] INT 'char'
	.long	10, 16777216, 4, 32	# [3] INT 'unsigned int'
	.long	0, 50331648, 0, 2, 1, 16	# [4] ARRAY '' char[16]
	.long	0, 67108866, 8, 23, 1, 0, 25, 1, 32	# [5] STRUCT ''
	.long	0, 83886082, 8, 27, 1, 0, 0, 5, 0	# [6] UNION ''
	.long	0, 50331648, 0, 1, 1, 3	# [7] ARRAY '' int[3]
	.long	0, 50331648, 0, 7, 1, 2	# [8] ARRAY '' int[2][3]
	.long	0, 33554432, 10	# [9] PTR '' -> struct task
	.long	56, 2214592518, 64, 29, 1, 0, 33, 4, 32, 0, 6, 160, 38, 3, 50331872, 44, 3, 83886307, 49, 9, 256	# [10] STRUCT 'task'
	.long	61, 134217728, 10	# [11] TYPEDEF 'task_t'
	.long	0, 167772160, 11	# [12] CONST ''
	.long	0, 150994944, 12	# [13] VOLATILE ''
	.long	0, 184549376, 9	# [14] RESTRICT ''
	.long	68, 301989888, 10	# [15] TYPE_TAG 'user'
	.long	77, 67108865, 24, 73, 8, 0	# [16] STRUCT 'grid'
	.long	97, 2248146947, 4, 82, 0, 86, 5, 92, 4294967293	# [17] ENUM 'color'
	.long	112, 100663298, 4, 103, 1, 107, 2147483648	# [18] ENUM 'mask'
	.long	128, 318767106, 8, 117, 1, 0, 123, 0, 1	# [19] ENUM64 'big'
	.long	136, 2466250753, 8, 132, 4294967291, 4294967295	# [20] ENUM64 'sbig'
	.long	0, 100663297, 4, 0, 7	# [21] ENUM ''
	.long	141, 134217728, 17	# [22] TYPEDEF 'color_t'
	.long	149, 117440512, 0	# [23] FWD 'later'
	.long	155, 2264924160, 0	# [24] FWD 'ulater'
	.long	162, 268435456, 8	# [25] FLOAT 'double'
	.long	0, 218103809, 1, 169, 9	# [26] FUNC_PROTO ''
	.long	173, 201326593, 26	# [27] FUNC 'prog'
	.long	0, 167772160, 28	# [28] CONST '' -> itself
	.long	0, 150994944, 30	# [29] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 31	# [30] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 32	# [31] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 33	# [32] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 34	# [33] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 35	# [34] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 36	# [35] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 37	# [36] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 38	# [37] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 39	# [38] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 40	# [39] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 41	# [40] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 42	# [41] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 43	# [42] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 44	# [43] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 45	# [44] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 46	# [45] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 47	# [46] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 48	# [47] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 49	# [48] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 50	# [49] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 51	# [50] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 52	# [51] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 53	# [52] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 54	# [53] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 55	# [54] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 56	# [55] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 57	# [56] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 58	# [57] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 59	# [58] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 60	# [59] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 61	# [60] VOLATILE '' 33 volatiles, then int
	.long	0, 150994944, 1	# [61] VOLATILE '' 33 volatiles, then int
	.byte	0			# string 0: ""
	.asciz	"int"		# string 1
	.asciz	"char"		# string 5
	.asciz	"unsigned int"		# string 10
	.asciz	"b"		# string 23
	.asciz	"c"		# string 25
	.asciz	"a"		# string 27
	.asciz	"pid"		# string 29
	.asciz	"comm"		# string 33
	.asciz	"flags"		# string 38
	.asciz	"mode"		# string 44
	.asciz	"parent"		# string 49
	.asciz	"task"		# string 56
	.asciz	"task_t"		# string 61
	.asciz	"user"		# string 68
	.asciz	"mat"		# string 73
	.asciz	"grid"		# string 77
	.asciz	"RED"		# string 82
	.asciz	"GREEN"		# string 86
	.asciz	"BLUE"		# string 92
	.asciz	"color"		# string 97
	.asciz	"LOW"		# string 103
	.asciz	"HIGH"		# string 107
	.asciz	"mask"		# string 112
	.asciz	"SMALL"		# string 117
	.asciz	"HUGE"		# string 123
	.asciz	"big"		# string 128
	.asciz	"NEG"		# string 132
	.asciz	"sbig"		# string 136
	.asciz	"color_t"		# string 141
	.asciz	"later"		# string 149
	.asciz	"ulater"		# string 155
	.asciz	"double"		# string 162
	.asciz	"ctx"		# string 169
	.asciz	"prog"		# string 173
	.asciz	"0"		# string 178
	.asciz	"0:1"		# string 180
	.asciz	"0:0"		# string 184
	.asciz	"0:1:3"		# string 188
	.asciz	"0:2:1:1"		# string 194
	.asciz	"0:3"		# string 202
	.asciz	"0:4"		# string 206
	.asciz	"1:5"		# string 210
	.asciz	"0:0:1:2"		# string 214
	.asciz	"1"		# string 222
	.asciz	"2"		# string 224
	.asciz	"0:9"		# string 226
	.asciz	"0:0:1"		# string 230
	.asciz	"0:x"		# string 236
	.asciz	"0;1"		# string 240
	.asciz	"3"		# string 244
	.asciz	"00:0004294967297"		# string 246
	.asciz	"0:1:"		# string 263
	.asciz	"0:5"		# string 268
	.asciz	".text"		# string 272
	.asciz	"kprobe/prog"		# string 278
	.asciz	"nosuch"		# string 290
	.section	.BTF.ext,"",@progbits
	.short	60319
	.byte	1
	.byte	0
	.long	32		# header length
	.long	0, 0		# func_info
	.long	0, 0		# line_info
	.long	0, 884	# core_relo
	.long	16		# record size
	.long	272, 11	# section ".text", 11 records
	.long	0, 10, 184, 0	# byte_off [10] '0:0': task->pid
	.long	8, 10, 188, 1	# byte_sz [10] '0:1:3': task->comm[3]
	.long	16, 11, 194, 2	# field_exists [11] '0:2:1:1': anonymous union, anonymous struct, c
	.long	24, 13, 202, 3	# signed [13] '0:3': bitfield through volatile const typedef
	.long	32, 10, 206, 4	# lshift_u64 [10] '0:4'
	.long	40, 10, 206, 5	# rshift_u64 [10] '0:4'
	.long	48, 10, 210, 0	# byte_off [10] '1:5': task[1].parent
	.long	56, 16, 214, 0	# byte_off [16] '0:0:1:2': grid.mat[1][2]
	.long	64, 15, 184, 0	# byte_off [15] '0:0': through a type tag
	.long	72, 14, 178, 1	# byte_sz [14] '0': a restrict pointer
	.long	72, 10, 184, 0	# byte_off [10] '0:0': second record at 72: not shown
	.long	278, 40	# section "kprobe/prog", 40 records
	.long	0, 10, 178, 6	# local_type_id [10] '0'
	.long	16, 9, 178, 7	# target_type_id [9] '0'
	.long	32, 11, 178, 8	# type_exists [11] '0'
	.long	40, 4, 178, 9	# type_size [4] '0'
	.long	48, 17, 222, 10	# enumval_exists [17] '1'
	.long	64, 17, 224, 11	# enumval_value [17] '2': signed enum
	.long	80, 18, 222, 11	# enumval_value [18] '1': unsigned enum, high bit set
	.long	96, 19, 222, 11	# enumval_value [19] '1'
	.long	112, 20, 178, 11	# enumval_value [20] '0': signed enum64
	.long	128, 22, 178, 11	# enumval_value [22] '0': enum through a typedef
	.long	136, 21, 178, 10	# enumval_exists [21] '0': anonymous enum and enumerator
	.long	144, 23, 178, 12	# type_matches [23] '0'
	.long	152, 24, 178, 8	# type_exists [24] '0'
	.long	160, 25, 178, 9	# type_size [25] '0'
	.long	168, 27, 178, 8	# type_exists [27] '0'
	.long	176, 0, 178, 8	# type_exists [0] '0': void
	.long	184, 12, 178, 12	# type_matches [12] '0'
	.long	192, 999, 184, 0	# byte_off [999] '0:0': type id out of range
	.long	200, 10, 226, 0	# byte_off [10] '0:9': member index out of range
	.long	208, 10, 230, 0	# byte_off [10] '0:0:1': index into an int
	.long	216, 10, 236, 0	# byte_off [10] '0:x': not a number
	.long	224, 10, 240, 0	# byte_off [10] '0;1': bad delimiter
	.long	232, 10, 0, 0	# byte_off [10] '': empty field spec
	.long	240, 10, 180, 8	# type_exists [10] '0:1': type relocation with a field spec
	.long	248, 17, 180, 11	# enumval_value [17] '0:1': enum relocation with two numbers
	.long	256, 17, 244, 11	# enumval_value [17] '3': enumerator out of range
	.long	264, 10, 178, 10	# enumval_exists [10] '0': enum relocation on a struct
	.long	272, 10, 178, 13	# kind 13 [10] '0': unknown kind
	.long	280, 28, 178, 8	# type_exists [28] '0': const loop
	.long	288, 29, 178, 8	# type_exists [29] '0': 33 modifiers: too many
	.long	296, 30, 178, 8	# type_exists [30] '0': 32 modifiers
	.long	304, 10, 65535, 0	# byte_off [10] '?': access string offset outside the string table
	.long	312, 10, 246, 0	# byte_off [10] '00:0004294967297': numbers are u64, kept mod 2^32
	.long	320, 10, 263, 0	# byte_off [10] '0:1:': a trailing colon
	.long	324, 10, 178, 8	# type_exists [10] '0': not at an instruction start
	.long	328, 10, 178, 9	# type_size [10] '0': with an ELF relocation
	.long	336, 10, 178, 8	# type_exists [10] '0': second half of ld_imm64
	.long	352, 10, 178, 8	# type_exists [10] '0': inside a run of zeros
	.long	368, 10, 178, 9	# type_size [10] '0': on a call with an ELF relocation
	.long	384, 10, 178, 8	# type_exists [10] '0': past the end
	.long	290, 1	# section "nosuch", 1 records
	.long	0, 10, 178, 8	# type_exists [10] '0': no such section
	.long	272, 1	# section ".text", 1 records
	.long	80, 10, 268, 0	# byte_off [10] '0:5': second group for .text
