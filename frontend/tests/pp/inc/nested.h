/* Includes a sibling by a path relative to this header's directory. */
#include "sibling.h"
#define NESTED_VALUE (SIBLING_VALUE + 1)
int nested_level = __INCLUDE_LEVEL__;
