/* #include: quoted (relative to this file), angled through -I (the test passes
   tests/pp/sys and tests/pp/sys2), #include_next, include guards, #pragma once, computed includes. */
#include "inc/guarded.h"
#include "inc/guarded.h"
#include "inc/once.h"
#include "inc/once.h"
#include "inc/nested.h"
#include <sysh.h>
#include <next.h>
#define HEADER "inc/plain.h"
#include HEADER
int main_after_includes = GUARDED_VALUE + ONCE_VALUE + NESTED_VALUE + PLAIN_VALUE + SYS_VALUE;
