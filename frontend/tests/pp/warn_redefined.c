#define A 1
#define A 1
#define A 2
#define F(x) x
#define F(y) y
int a = A;
