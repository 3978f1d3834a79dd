// EXPECT: E0309 at 4:45
// A struct returned by value from a non-inlined function.
struct big { long a, b, c; };
static __attribute__((noinline)) struct big make(long v)
{
	struct big b = { v, v, v };
	return b;
}
long f(void) { return make(1).a; }
