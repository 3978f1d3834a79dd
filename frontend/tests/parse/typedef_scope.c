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
typedef int V;
void k(void) {
    for (int V = 0; V < 3; V++) { V * 2; }   /* the for scope shadows V ... */
    V * w;                                   /* ... and ends with the loop */
}
void m(void) { enum { V = 1 }; V * 3; }     /* an enumerator shadows the typedef */
int (*fn(int V))(V);                        /* fn's prototype scope ends before `(V)` */
void n(int (*cb)(int V), V last);           /* nested prototype scopes do not leak */
void q(void) {
    int z = ({ typedef long L; L y = 1; y; });
    V * L;                                   /* L is not visible here: declaration */
}
