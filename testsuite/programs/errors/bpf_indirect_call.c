// EXPECT: E0320 at 7:9
// A call through a function pointer: BPF has no indirect calls.
static int one(void) { return 1; }
int (*pick)(void) = one;
int f(void)
{
	return pick();
}
