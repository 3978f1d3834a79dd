// EXPECT: E0307 at 7:22
// CLANG-ACCEPTS: the verifier rejects it at load time; ebpfc says so at compile time
// Two functions that call each other.
static int is_odd(int n);
static int is_even(int n)
{
	return n == 0 ? 1 : is_odd(n - 1);
}
static int is_odd(int n)
{
	return n == 0 ? 0 : is_even(n - 1);
}
int f(void) { return is_even(4); }
