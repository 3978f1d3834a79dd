// EXPECT: E0320 at 8:9
// CLANG-ACCEPTS: it emits callx, which the kernel's verifier rejects
// A call through a function pointer: BPF has no indirect calls.
static int one(void) { return 1; }
int (*pick)(void) = one;
int f(void)
{
	return pick();
}
