/* _Pragma and #pragma: consumed, not passed to the parser. */
#pragma GCC diagnostic push
_Pragma("GCC diagnostic ignored \"-Wunused\"")
#define DO_PRAGMA(x) _Pragma(#x)
DO_PRAGMA(unroll) int after_pragma;
#pragma GCC diagnostic pop
int end;
