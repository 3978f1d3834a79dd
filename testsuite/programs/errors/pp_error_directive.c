// EXPECT: E0109 at 5:1
// An #error directive stops the compile at its line.
#define VERSION 1
#if VERSION < 2
#error "this program needs VERSION 2"
#endif
int f(void) { return 0; }
