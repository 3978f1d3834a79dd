/* Rescanning and the "blue paint" rule: a macro's own name is not expanded again
   inside its expansion, even after other macros run; it stays unexpanded later. */
#define self self + 1
#define a b
#define b a
#define f(x) x * f(x)
#define g f
#define lparen (
#define h(x) [x]
#define AGAIN(x) x
#define obj AGAIN(obj)

int r1 = self;
int r2 = a;
int r3 = f(2);
int r4 = g(3);
int r5 = h lparen 1);
int r6 = obj;
int r7 = AGAIN(AGAIN(AGAIN(9)));
#define q(x) x
#define r q(r)
int r8 = r;
