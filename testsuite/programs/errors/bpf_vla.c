// EXPECT: E0306 at 5:11
// A variable-length array: its size is only known at run time.
int f(int n)
{
	char buf[n];
	buf[0] = 1;
	return buf[0];
}
