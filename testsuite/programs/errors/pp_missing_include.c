// EXPECT: E0107 at 4:1
// An include that no search directory holds.
int x;
#include "no_such_header.h"
int f(void) { return x; }
