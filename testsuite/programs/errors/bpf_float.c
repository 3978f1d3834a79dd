// EXPECT: E0305 at 7:9
// BPF has no floating point: floating values can be declared and copied, but not
// multiplied (clang: "A call to built-in function '__floatsidf' is not supported").
int f(int x)
{
	double scale = 1.5;
	return x * scale;
}
