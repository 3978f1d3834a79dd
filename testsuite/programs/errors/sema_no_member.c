// EXPECT: E0315 at 6:12
// A member that the struct does not have.
struct point { int x, y; };
int f(struct point *p)
{
	return p->z;
}
