// EXPECT: E0305 at 6:14
// A floating value read at run time cannot be converted to an integer on BPF (clang:
// "A call to built-in function '__fixdfsi' is not supported"); constants can.
int f(double *p)
{
	return (int)*p + (int)2.5;
}
