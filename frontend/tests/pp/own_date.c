/* __DATE__ and __TIME__ are fixed (reproducible builds), unlike clang's wall clock. */
const char *d = __DATE__;
const char *t = __TIME__;
const char *base = __BASE_FILE__;
