// EXPECT: E0301 at 5:13
// Use of a name that was never declared.
int f(int x)
{
	return x + counter;
}
