// EXPECT: E0320 at 6:2
// CLANG-ACCEPTS: LLVM assembles BPF inline asm; ebpfc does not support it yet
// Inline assembly is not supported.
int f(int x)
{
	asm volatile("r0 = 1");
	return x;
}
