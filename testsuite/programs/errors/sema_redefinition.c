// EXPECT: E0310 at 5:5
// A function defined twice.
int f(int x) { return x; }
int g(void) { return 1; }
int f(int x) { return x + 1; }
