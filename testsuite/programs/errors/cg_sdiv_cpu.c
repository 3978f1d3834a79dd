// ARGS: -mcpu=v3
// EXPECT: E0502 at 7:9
// Signed division needs -mcpu=v4 (sdiv/smod); clang rejects it below v4 as well.
int f(int a, int b)
{
	a += 3;
	return a / b;
}
