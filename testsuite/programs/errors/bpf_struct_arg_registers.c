// EXPECT: E0308 at 6:38
// Structs of 9 to 16 bytes travel in two registers each: three of them need six
// argument registers, one more than BPF has. clang-19: "stack arguments are not
// supported" at the definition.
struct trio { int a, b, c; };
static __attribute__((noinline)) int f3(struct trio a, struct trio b, struct trio c)
{
	return a.a + b.b + c.c;
}
int f(struct trio *p) { return f3(*p, *p, *p); }
