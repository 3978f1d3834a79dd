struct a { int x; };
struct b { int x; };
void f(void) {
    struct a va;
    struct b vb = { 1 };
    va = vb;
}
