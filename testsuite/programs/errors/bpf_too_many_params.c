// EXPECT: E0308 at 4:12
// CLANG-ACCEPTS: it inlines the static function; ebpfc rejects the definition itself
// BPF passes at most five arguments in registers.
static int sum6(int a, int b, int c, int d, int e, int g)
{
	return a + b + c + d + e + g;
}
int f(void) { return sum6(1, 2, 3, 4, 5, 6); }
