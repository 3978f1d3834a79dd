// EXPECT: E0312 at 4:41
// An enumerator must fit the enum's fixed underlying type (C23 6.7.2.2): 255 + 1 does
// not fit `unsigned char`.
enum small : unsigned char { TOP = 255, OVER };

int f(void)
{
	return OVER;
}
