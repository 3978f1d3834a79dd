// EXPECT: E0320 at 4:12
// CLANG-ACCEPTS: it inlines the static function; ebpfc rejects the definition itself
// A variadic function: BPF passes a fixed number of arguments in registers.
static int sum(int n, ...)
{
	return n;
}
int f(void) { return sum(1, 2); }
