// EXPECT: E0301 at 7:9
// A call to a function that was never declared: one error, worded as clang-19 words
// it (implicit declarations are not C99), not an undeclared identifier followed by a
// complaint that an int cannot be called.
int f(int x)
{
	return bar(x) + 1;
}
