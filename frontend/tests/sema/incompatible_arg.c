struct a { int x; };
struct b { int x; };
static int take(struct a *p) { return p->x; }
struct a ga;
struct b gb;
int f(void) {
    struct a va = gb;
    return take(&ga) + take(gb);
}
