// EXPECT: E0302 at 6:10
// Initializing an int from a struct.
struct pair { int a, b; };
int f(struct pair *p)
{
	int v = *p;
	return v;
}
