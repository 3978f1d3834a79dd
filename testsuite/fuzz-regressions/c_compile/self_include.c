#include "self_include.c"
int x;
