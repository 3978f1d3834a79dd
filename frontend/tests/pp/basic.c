#define A 1
int a = A;
