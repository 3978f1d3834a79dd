// EXPECT: E0320 at 3:12
// A variadic function: BPF passes a fixed number of arguments in registers.
static int sum(int n, ...)
{
	return n;
}
int f(void) { return sum(1, 2); }
