// EXPECT: E0304 at 6:19
// Calling a two-argument function with three arguments.
static int add(int a, int b) { return a + b; }
int f(void)
{
	return add(1, 2, 3);
}
