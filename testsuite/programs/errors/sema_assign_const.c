// EXPECT: E0303 at 6:2
// Assigning to a const-qualified variable.
const int limit = 10;
int f(void)
{
	limit = 20;
	return limit;
}
