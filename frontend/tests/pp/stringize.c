/* `#` stringizing: spacing is normalised, quotes and backslashes in literals are
   escaped, the argument is not expanded first, and the xstr trick expands it. */
#define STR(x) #x
#define XSTR(x) STR(x)
#define VERSION 3

const char *a = STR(hello   world);
const char *b = STR( leading and trailing  );
const char *c = STR("quoted\n" 'c');
const char *d = STR(VERSION);
const char *e = XSTR(VERSION);
const char *f = STR();
const char *g = STR(a+b  * c);
const char *h = XSTR(__LINE__);
