#define
#define 123 bad
#define F(a, a) a
#define G(a b) a
#define H(x) #y
#define I ## x
#define J x ##
#define K(x, ...) __VA_ARGS__
#define defined 1
#undef
#define OK 1
int ok = OK;
