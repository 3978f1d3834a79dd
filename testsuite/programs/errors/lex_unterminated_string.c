// EXPECT: E0102 at 3:14
// A string literal that is not closed on its line.
char msg[] = "hello;
int f(void) { return 0; }
