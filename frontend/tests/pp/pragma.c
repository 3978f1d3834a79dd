/* #pragma and _Pragma: passed on to the parser at their place in the token stream,
   except the ones the preprocessor runs itself (once, push_macro, pop_macro,
   GCC system_header/poison/dependency/warning/error), which clang's -E drops too. */
#pragma GCC diagnostic push
_Pragma("GCC diagnostic ignored \"-Wunused\"")
#define DO_PRAGMA(x) _Pragma(#x)
DO_PRAGMA(unroll) int after_pragma;
#pragma GCC diagnostic pop
#define X 1
#pragma push_macro("X")
#undef X
#define X 2
int pushed = X;
#pragma pop_macro("X")
int popped = X;
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
struct s { int a; };
#pragma clang attribute pop
#pragma weak foo
#pragma pack(1)
int end;
