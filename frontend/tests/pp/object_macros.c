/* Object-like macros: definition, use, redefinition with the same body, #undef. */
#define ZERO 0
#define ONE (ZERO + 1)
#define EMPTY
#define SAME  a   b
#define SAME a /* comment is whitespace */ b
#define MAX_ENTRIES 1024

int x = ONE;
int y EMPTY = ZERO;
SAME
unsigned long map[MAX_ENTRIES];
#undef ONE
int z = ONE;
#define ONE 1
int w = ONE;
