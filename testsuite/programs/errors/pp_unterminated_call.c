// EXPECT: E0111 at 6:9
// A macro invocation whose closing parenthesis never comes.
#define ID(x) (x)
int f(int y)
{
	return ID(y;
}
