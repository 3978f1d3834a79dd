/* Keywords are identifiers to the preprocessor: they can be macro names and
   parameters; after expansion, identifiers spelled as keywords are keywords. */
#define inline inline __attribute__((always_inline))
#define __always_inline inline
#define KW(t) t
#define PASTE(a, b) a##b
#define asm_volatile asm volatile
static __always_inline KW(int) f(void) { return 0; }
PASTE(un, signed) PASTE(lo, ng) v;
