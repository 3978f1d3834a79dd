// CO-RE field relocations of every kind (byte_off, byte_sz, field_exists, signed,
// lshift_u64, rshift_u64) through nested structs, arrays, unions, anonymous members,
// bitfields, typedefs and pointers, in a program section and in a .text subprogram.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef unsigned int u32;
typedef struct inner { short s; u32 flags : 3, mode : 5; int sflag : 4; } inner_t;

struct outer {
	long id;
	inner_t in[2];
	union { int i; char c[4]; } u;
	struct { int a; union { long b; int b2; }; };
	struct outer *next;
	int mat[3][4];
	const volatile inner_t cin;
} __attribute__((preserve_access_index));

typedef struct outer outer_t;

static __attribute__((noinline)) long sub(outer_t *o)
{
	long r = BPF_CORE_READ(o, next, in[1].s);
	r += bpf_core_field_size(o->mat[2]);
	r += bpf_core_field_offset(o->b2);
	r += bpf_core_field_exists(o->u.c[2]);
	return r;
}

SEC("kprobe/fields")
int fields(struct pt_regs *ctx)
{
	outer_t *o = (void *)ctx;
	long r = BPF_CORE_READ_BITFIELD_PROBED(&o->in[0], flags);
	r += BPF_CORE_READ_BITFIELD_PROBED(&o->cin, sflag);
	r += bpf_core_field_exists(o->a);
	r += __builtin_preserve_field_info(o->in[1].mode, BPF_FIELD_SIGNED);
	r += __builtin_preserve_field_info(o->mat[1][2], BPF_FIELD_LSHIFT_U64);
	r += __builtin_preserve_field_info(o->u.i, BPF_FIELD_RSHIFT_U64);
	r += BPF_CORE_READ(o, id);
	return r + sub(o);
}

char LICENSE[] SEC("license") = "GPL";
