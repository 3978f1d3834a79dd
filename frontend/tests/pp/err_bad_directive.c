#define OK 1
#frobnicate this
#if 0
#frobnicate is fine when skipped
#endif
int x = OK;
