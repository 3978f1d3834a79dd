// EXPECT: E0101 at 4:1
// A block comment that is never closed.
int f(void) { return 0; }
/* this comment
   runs to the end of the file
int g(void) { return 1; }
