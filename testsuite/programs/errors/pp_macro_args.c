// EXPECT: E0110 at 6:9
// A function-like macro called with too few arguments.
#define ADD(a, b) ((a) + (b))
int f(int x)
{
	return ADD(x);
}
