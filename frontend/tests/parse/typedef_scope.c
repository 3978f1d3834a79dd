/* Typedef names are decided by the parser's scopes (C17 6.7.8p3). */
typedef int T;
T x;
void f(void) {
    int T;
    T * x;          /* multiplication: T is a variable here */
}
void g(void) {
    T * x;          /* declaration: T is the file-scope typedef */
    {
        int T;
        T * y;      /* multiplication */
    }
    T * z;          /* declaration again after the inner block */
}
struct s { T T; T y; };   /* members do not shadow typedefs */
void h(T T) { T * T; }    /* the parameter shadows the typedef in the body */
T k;                      /* ... but not after the function */
int p(int T);             /* prototype scope ends at `)` */
T q;
typedef T U, *UP;
UP r;
