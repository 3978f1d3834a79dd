// Enums without an enum-base whose values need more than 32 bits, typed as clang types
// them: with no negative value the enum is the first of unsigned int / unsigned long
// that holds every value, so an enumerator above INT64_MAX stays positive (it once made
// the enum `long`: `TOP > 0` was false); with a negative one, int / long. After the
// closing brace an enumerator that fits `int` is an `int`, a larger one has the enum's
// type (unsigned division, logical shifts and unsigned compares follow from it). BTF:
// ENUM64 with clang's encoding (UNSIGNED for e64 and emax, once SIGNED).
// @input: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
// @input: 0180ff0381fefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0dfdedddcdbdad9d8d7d6d5d4d3d2d1d0cfcecdcccbcac9c8c7c6c5c4c3
// @input: a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714
// @btf: ENUM64 'e64' encoding=UNSIGNED size=8 vlen=3
// @btf: ENUM64 'emax' encoding=UNSIGNED size=8 vlen=1
// @btf: ENUM64 'eneg' encoding=SIGNED size=8 vlen=2
// @btf: ENUM 'e32' encoding=UNSIGNED size=4 vlen=2
#include "feature.h"

enum e64 { TOP = 0xffffffff00000000ULL, LOW = 1, BELOW_TOP = 0xfffffffe00000000ULL };
enum emax { ALL_ONES = 0xffffffffffffffffULL };
enum eneg { NEG = -2, BIG_POS = 0x7fffffffffffffffL };
enum e32 { U32_TOP = 0x80000000, U32_ONE = 1 };

_Static_assert(sizeof(enum e64) == 8 && sizeof(TOP) == 8 && sizeof(LOW) == 4, "e64 types");
_Static_assert(TOP > 0 && ALL_ONES > 0 && BELOW_TOP < TOP, "unsigned enumerators");
_Static_assert((TOP >> 60) == 0xf && (ALL_ONES >> 63) == 1, "logical shifts");
_Static_assert(NEG < 0 && sizeof(BIG_POS) == 8, "signed 64-bit enum");
_Static_assert(sizeof(enum e32) == 4 && U32_TOP > 0 && sizeof(U32_ONE) == 4, "e32 types");

enum e64 seen_e64 = TOP;
enum emax seen_max;
enum eneg seen_neg = NEG;
enum e32 seen_32;
__u64 results[4];

SEC("xdp")
int enum_wide(struct xdp_md *ctx)
{
	__u8 *p = XDP_BYTES(ctx, 64);
	enum e64 e = p[0] & 1 ? TOP : LOW;

	results[0] = e / 3;
	results[1] = e >> (p[1] & 63);
	results[2] = (e > p[2]) + (ALL_ONES > p[3]) * 2 + (seen_e64 > BELOW_TOP) * 4;
	results[3] = TOP / (p[4] | 1) + (seen_neg < 0);
	seen_e64 = p[5] > 0x80 ? BELOW_TOP : e;
	seen_max = p[6] > 0x80 ? ALL_ONES : 0;
	seen_neg = p[7] > 0x80 ? BIG_POS : NEG;
	seen_32 = p[8] > 0x80 ? U32_TOP : U32_ONE;
	return TOP > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
