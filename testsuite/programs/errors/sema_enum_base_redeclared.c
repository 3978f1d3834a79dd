// EXPECT: E0310 at 4:6
// A redeclaration of an enum must repeat its fixed underlying type.
enum e : int;
enum e : long { A };

int f(void)
{
	return A;
}
