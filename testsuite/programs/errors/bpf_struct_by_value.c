// EXPECT: E0309 at 4:45
// A struct larger than the registers can carry, passed by value to a non-inlined function.
struct big { long a, b, c; };
static __attribute__((noinline)) long first(struct big b)
{
	return b.a;
}
long f(struct big *p) { return first(*p); }
