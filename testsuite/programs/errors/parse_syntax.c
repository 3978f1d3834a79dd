// EXPECT: E0201 at 5:15
// A missing semicolon after a statement.
int f(int x)
{
	int y = x + 1
	return y;
}
