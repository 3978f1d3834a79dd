// EXPECT: E0307 at 8:13
// CLANG-ACCEPTS: the verifier rejects it at load time; ebpfc says so at compile time
// A function that calls itself.
static int fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}
int f(void) { return fact(5); }
