struct trio { int a, b, c; };
extern int f3(struct trio a, struct trio b, int c, int d);
int f(struct trio *p) { return f3(*p, *p, 1, 2); }
