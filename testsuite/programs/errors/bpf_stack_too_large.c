// EXPECT: E0501 at 7:2
// EXPECT: E0501 at 
// A frame larger than BPF's 512-byte stack.
int f(int i)
{
	volatile char buf[600];
	buf[i & 511] = 1;
	return buf[0];
}
