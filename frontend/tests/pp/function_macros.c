/* Function-like macros: arguments, nesting, parentheses in arguments, empty arguments,
   a name without `(` is not an invocation, arguments across lines. */
#define ADD(a, b) ((a) + (b))
#define ID(x) x
#define NONE() nothing
#define TWO(a, b) [a|b]
#define CALL(f, x) f(x)

int a = ADD(1, 2);
int b = ADD(ADD(1, 2), ADD(3, 4));
int c = ID((1, 2));
int d = ID(ID)(5);
NONE() NONE ( ) NONE
TWO(,) TWO(x,) TWO(,y)
int e = ADD(
    10,
    20
);
int f = CALL(ID, 7);
int g = ID(ADD)(1, 2);
#define PICK(a, b) a + b
int h = PICK(1,
#ifdef ADD
    100
#else
    2
#endif
);
