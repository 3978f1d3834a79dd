// Floating types as BPF programs can use them (clang -target bpf compiles no float
// operation, but declares, lays out, copies and constant-initializes them): float,
// double and long double (8 bytes on BPF) fields in a map value and in globals,
// constant initializers (literals, negation, int-to-float, folded arithmetic),
// copies through pointers, locals, a call argument and a return, sizeof/_Alignof,
// and the BTF FLOAT entries clang emits.
// @input: 02000000000202000000000108004500002e12344000401114890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
// @input: 0200000000020200000000010800450000281234400001064b8b0a0908070a0000020fa00016000003e8000000005018020000000000
// @btf: FLOAT 'float' size=4
// @btf: FLOAT 'double' size=8
// @btf: FLOAT 'long double' size=8

#include "feature.h"

typedef double real_t;

struct sample {
	float ratio;
	__u32 count;
	real_t mean;
	long double wide;
	float hist[2];
};

_Static_assert(sizeof(struct sample) == 32, "float layout");
_Static_assert(sizeof(long double) == 8 && _Alignof(long double) == 8, "long double on BPF");
_Static_assert((int)(2.5 * 3) == 7 && 1.0 / 4 < 0.5, "constant folding");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct sample);
} samples SEC(".maps");

struct sample defaults = { 0.5f, 3, -1.25, 1e10, { 1, -0.0f } };
double scale = 1.0 / 3;
float bias = -2;
/* Out-of-range conversions (undefined in C) fold as clang folds them: saturated to the
 * type's range, so .data matches clang's byte for byte. */
int sat_int = 1e10;
int sat_int_neg = -1e10;
unsigned sat_uint_neg = -1.0;
unsigned char sat_uchar = 300.0;
signed char sat_schar = -300.0;
short sat_short = 40000.5;
unsigned long long sat_u64 = 1e30;
long long sat_i64 = -1e30;
real_t last;

static __noinline real_t pick(const struct sample *s, int which)
{
	return which ? s->mean : scale;
}

SEC("xdp")
int float_decls(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct sample s = defaults;
	float raw;
	__u32 k;

	if (p + 24 > end)
		return XDP_ABORTED;
	k = p[23] & 1;
	__builtin_memcpy(&raw, p + 16, sizeof(raw));
	s.ratio = raw;
	s.hist[1] = bias;
	s.count = sizeof(float) + sizeof(real_t) * 10;
	last = pick(&s, p[23] == 6);
	s.wide = 0.25L;
	bpf_map_update_elem(&samples, &k, &s, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
