/* ebpfc's own built-in headers (clang's differ, so this file is not compared). */
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stdnoreturn.h>
#include <iso646.h>
#include <float.h>
size_t n = sizeof(ptrdiff_t) + offsetof(struct { int a; int b; }, b);
bool flag = true;
uint64_t big = UINT64_MAX;
int32_t small = INT32_MIN;
uint8_t byte = UINT8_C(255);
int64_t wide = INT64_C(1);
int lim = INT_MAX + CHAR_BIT + LONG_MAX + ULLONG_MAX;
void *p = NULL;
