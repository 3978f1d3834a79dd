/* First next.h in the search path; chains to the one in tests/pp/sys2. */
int next_from_sys;
#if __has_include_next(<next.h>)
#include_next <next.h>
#endif
