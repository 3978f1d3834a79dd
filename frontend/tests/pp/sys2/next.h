/* Second next.h (tests/pp/sys2), reached only through #include_next. */
int next_from_sys2;
#if !__has_include_next(<next.h>)
int no_third_next;
#endif
