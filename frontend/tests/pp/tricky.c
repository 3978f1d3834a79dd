/* Harder expansion cases: `##` producing `##`, pasting chains with empty operands,
   rescans that pick up a `(` after the expansion, stringizing string literals with
   escapes, __VA_OPT__ around pasting, and interleaved function-like names. */
#define hh # ## #
#define mkstr(a) # a
#define between(a) mkstr(a)
#define join(c, d) between(c hh d)
char joined[] = join(left, right);

#define t3(x, y, z) x ## y ## z
int tab[] = { t3(1, 2, 3), t3(, 4, 5), t3(6, , 7), t3(8, 9, ), t3(10, , ), t3(, 11, ), t3(, , 12), t3(, , ) };

#define f(a) a * g
#define g(a) f(a)
int rescan = f(2)(9);

#define str(s) # s
#define xstr(s) str(s)
const char *esc = str(strncmp("abc\0d", "abc", '\4') == 0);
const char *ws = str(  a   "b  c"   'd'  );
const char *nested = xstr(str(x));

#define F(a, ...) call(a __VA_OPT__(,) __VA_ARGS__)
#define G(X, ...) X __VA_OPT__(- X ## __VA_ARGS__)
F(1) F(1, 2) F(1, 2, 3) G(a) G(a, b)
#define EMPTY
#define LPAREN (
#define RPAREN )
#define CALL_ID(x) x
int delayed = CALL_ID EMPTY (5);
#define APPLY(m, x) m(x)
int applied = APPLY(CALL_ID, APPLY(CALL_ID, 6));
#define NOARGS() 7
int noargs = NOARGS( );
#define COMMA ,
#define FIRST(a, ...) a
int first = FIRST(1 COMMA 2, 3);
#define PAREN_ARGS(x) [x]
int parens = PAREN_ARGS((a, b)) ;
