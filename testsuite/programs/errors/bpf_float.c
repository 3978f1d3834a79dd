// EXPECT: E0305 at 5:2
// BPF has no floating point.
int f(int x)
{
	double scale = 1.5;
	return x * scale;
}
