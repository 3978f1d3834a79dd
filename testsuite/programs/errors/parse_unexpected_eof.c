// EXPECT: E0202 at 6:12
// The file ends inside a function body.
int f(int x)
{
	if (x)
		return 1;
