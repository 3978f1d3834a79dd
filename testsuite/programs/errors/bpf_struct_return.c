// EXPECT: E0309 at 5:45
// A struct returned by value from a function that stays a call (noinline): clang-19
// reports "aggregate returns are not supported" (r0 holds a scalar only).
struct big { long a, b, c; };
static __attribute__((noinline)) struct big make(long v)
{
	struct big b = { v, v, v };
	return b;
}
long f(void) { return make(1).a; }
