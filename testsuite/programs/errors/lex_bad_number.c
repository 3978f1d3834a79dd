// EXPECT: E0204 at 5:9
// A decimal constant with a digit its base does not have.
int f(void)
{
	return 0x12g4;
}
