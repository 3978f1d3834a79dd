#include "does_not_exist.h"
#include <no/such/header.h>
#include
#include nonsense
int after;
