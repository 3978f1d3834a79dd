// EXPECT: E0320 at 5:2
// Inline assembly is not supported.
int f(int x)
{
	asm volatile("r0 = 1");
	return x;
}
