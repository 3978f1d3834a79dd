// Local aggregates with constant initializers, initialized as clang does: all zero →
// memset 0; over 32 bytes with at most 6 non-zero leaves → memset 0 and a store per
// leaf; over 32 bytes of one repeated byte → memset; otherwise a copy of a private
// constant `.L__const.<function>.<variable>` in the section its contents call for
// (cst4..32, str1.1/str2.2, .rodata with relocations or other sizes). Initializers
// with run-time values keep their per-item stores. Globals are placed in clang's
// creation order: `early` (right side, used first) before `late`, the copies where
// their locals are declared, after the globals they name.
struct pair { int a, b; };
struct bits { unsigned a : 3, b : 5; unsigned c : 12; int d; };
int g;
static int late;
static int early;
int sink(const void *p);

int f(int x)
{
	int zero[8] = { 0 };
	int sparse[16] = { 1, 2, [9] = 3 };
	char text[40] = "abc";
	int fill[10] = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	int small[4] = { 1, 2, 3, 4 };
	char str[] = "hi";
	short wide[3] = { 7, 8, 0 };
	struct pair p = { 1, 2 };
	struct bits b = { 1, 2, 3, 4 };
	int *ptrs[2] = { &g, 0 };
	int many[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	int mixed[4] = { 1, x, 3, 4 };
	late = early;
	{
		int t[3] = { 1, 2, 3 };
		x += sink(t);
	}
	{
		int t[3] = { 4, 5, 6 };
		x += sink(t);
	}
	return x + sink(zero) + sink(sparse) + sink(text) + sink(fill) + sink(small) + sink(str) +
	       sink(wide) + sink(&p) + sink(&b) + sink(ptrs) + sink(many) + sink(mixed);
}
