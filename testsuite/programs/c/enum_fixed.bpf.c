// C23 enums with a fixed underlying type (`enum e : T`, a clang extension in C17 mode):
// sizes and signedness of 8-, 16-, 32- and 64-bit bases, enumerator values converted to
// the base (-1 in an unsigned base), the enumerators' type (sizeof, promotions),
// `enum e : T;` forward declarations completed later, a typedef as the base, unnamed
// bit-fields after an enum type (`enum e : 3`), and the BTF clang emits for them
// (ENUM64 exactly when the base is 64-bit, kind_flag = signed), also for an enum without
// a base whose values make it 64-bit (`mixed`: once a 32-bit ENUM with wrong values).
// @input: 02000000000202000000000108004500002e12344000401114890a0000010a00000204d20035001a0000030a11181f262d343b424950575e656c737a
// @input: 0200000000020200000000010800450000281234400001064b8b0a0908070a0000020fa00016000003e8000000005018020000000000
// @btf: ENUM64 'big' encoding=UNSIGNED size=8 vlen=3
// @btf: ENUM64 'wide_neg' encoding=SIGNED size=8 vlen=2
// @btf: ENUM 'tiny' encoding=SIGNED size=1 vlen=3
// @btf: ENUM 'half' encoding=UNSIGNED size=2 vlen=2
// @btf: ENUM 'word' encoding=UNSIGNED size=4 vlen=2
// @btf: ENUM 'later' encoding=SIGNED size=2 vlen=2
// @btf: ENUM 'decl_only' encoding=UNSIGNED size=8 vlen=0
// @btf: ENUM64 'mixed' encoding=SIGNED size=8 vlen=2
#include "feature.h"

enum big : unsigned long long { BIG_A = 1, BIG_B = 0x100000000ULL, BIG_C = 0xffffffffffffffffULL };
enum wide_neg : long long { WN_A = -5, WN_B = 7 };
enum tiny : signed char { T_NEG = -128, T_ZERO = 0, T_MAX = 127 };
enum half : unsigned short { H_TOP = 0x8000, H_NEXT };
typedef __u32 u32_t;
enum word : u32_t { W_ALL = -1, W_ONE = 1 };
enum later : short;
enum decl_only : long long;
enum mixed { M_NEG = -1, M_BIG = 0xffffffff };

struct rec {
	enum big b;
	enum tiny t;
	enum half h;
	enum later l;
	enum later : 3;
	__u8 flag : 1;
	enum word w;
	enum wide_neg n;
	enum decl_only *fwd;
};

enum later : short { L_MINUS = -3, L_PLUS = 3 };

_Static_assert(sizeof(enum big) == 8 && sizeof(enum tiny) == 1, "base sizes");
_Static_assert(sizeof(enum half) == 2 && sizeof(enum later) == 2, "base sizes");
_Static_assert(sizeof(T_MAX) == 1 && sizeof(H_TOP) == 2 && sizeof(BIG_A) == 8, "enumerator types");
_Static_assert(sizeof(T_MAX + 0) == 4 && sizeof(BIG_A + 0) == 8, "promotions");
_Static_assert(W_ALL == 0xffffffffu && H_NEXT == 0x8001, "converted values");
_Static_assert(sizeof(struct rec) == 40, "layout with an unnamed enum bit-field");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct rec);
} recs SEC(".maps");

enum mixed mixed_seen;
__u64 summary;
__s64 signed_sum;

SEC("xdp")
int enum_fixed(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct rec r = {};
	__u32 k;

	if (p + 24 > end)
		return XDP_ABORTED;
	k = p[23] & 1;
	r.b = p[22] > 10 ? BIG_B : BIG_C;
	r.t = p[23] == 6 ? T_NEG : T_MAX;
	r.h = (enum half)(H_TOP | p[22]);
	r.l = p[23] == 6 ? L_MINUS : L_PLUS;
	r.flag = r.t < 0;
	r.w = p[14] == 0x45 ? W_ALL : W_ONE;
	r.n = (enum wide_neg)(WN_A * p[23]);
	bpf_map_update_elem(&recs, &k, &r, BPF_ANY);
	mixed_seen = p[23] == 6 ? M_NEG : M_BIG;
	summary = (r.b >> 32) + r.h + r.w;
	signed_sum = r.t + r.l + r.n;
	return r.t < 0 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
