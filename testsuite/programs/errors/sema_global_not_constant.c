// EXPECT: E0318 at 4:15
// A global initialized with a value only known at run time.
int seed = 3;
int derived = seed * 2;
int f(void) { return derived; }
