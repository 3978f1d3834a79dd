// EXPECT: E0307 at 7:13
// A function that calls itself.
static int fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}
int f(void) { return fact(5); }
