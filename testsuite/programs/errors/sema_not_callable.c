// EXPECT: E0317 at 6:9
// Calling something that is not a function.
int f(int x)
{
	int k = 2;
	return k(x);
}
