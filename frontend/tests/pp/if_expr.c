/* #if arithmetic: intmax_t/uintmax_t, unsigned promotion, shifts, ?:, short-circuit,
   character constants, undefined identifiers are 0, macros expand first. */
#define TWO 2
#define NEG -1

#if -1 > 0u
int unsigned_promotion;
#endif
#if (TWO << 62) < 0
int signed_shift_wraps;
#endif
#if 0xffffffffffffffff == -1
int all_ones;
#endif
#if 0 && (1 / 0)
int never;
#elif 1 || (1 % 0)
int short_circuit;
#endif
#if (NEG ? 10 : 20) == 10 && (0 ? 1 : 2) == 2
int ternary;
#endif
#if 'A' == 65 && '\n' == 10 && '\377' < 0
int char_constants;
#endif
#if UNDEFINED_THING == 0 && !UNDEFINED_THING
int undefined_is_zero;
#endif
#if 7 / 2 == 3 && -7 / 2 == -3 && -7 % 2 == -1 && 1000000 * 1000000 == 1000000000000
int division_truncates;
#endif
#if (~0 & 0xff) == 255 && (5 ^ 3) == 6 && (5 | 3) == 7 && 010 == 8 && 0b101 == 5
int bit_ops;
#endif
#if TWO >= 2 && TWO <= 2 && TWO != 3 && !(TWO < 2) && !(TWO > 2)
int comparisons;
#endif
#if 18446744073709551615u / 2 == 9223372036854775807
int unsigned_division;
#endif
#define HAS_TWO defined(TWO) && defined TWO
#if HAS_TWO
int defined_from_macro;
#endif
#define EMPTY_ARG(x) x + 0
#if EMPTY_ARG() == 0 && EMPTY_ARG(3) == 3
int function_macro_in_if;
#endif
#if (2 || 1 / 0) && !(0 && 1 / 0) && (1 ? 2 : 1 / 0)
int unevaluated_division;
#endif
