// EXPECT: E0309 at 10:38
// A struct larger than two registers (16 bytes), passed by value to a function that stays
// a call (noinline): clang-19 reports "pass by value not supported" at the call. (Inlined
// callees and structs of up to 16 bytes are fine: see programs/c/struct_by_value.bpf.c.)
struct big { long a, b, c; };
static __attribute__((noinline)) long first(struct big b)
{
	return b.a;
}
long f(struct big *p) { return first(*p); }
