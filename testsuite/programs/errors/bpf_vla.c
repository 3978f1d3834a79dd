// EXPECT: E0306 at 6:11
// CLANG-ACCEPTS: -O2 folds the array away; ebpfc rejects every VLA
// A variable-length array: its size is only known at run time.
int f(int n)
{
	char buf[n];
	buf[0] = 1;
	return buf[0];
}
