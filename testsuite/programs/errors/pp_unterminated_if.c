// EXPECT: E0105 at 4:1
// An #ifdef without its #endif.
int f(void) { return 0; }
#ifdef DEBUG
int g(void) { return 1; }
