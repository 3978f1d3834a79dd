// EXPECT: E0303 at 5:3
// Assigning to the value of an expression, which has no storage.
int f(int x)
{
	(x + 1) = 5;
	return x;
}
