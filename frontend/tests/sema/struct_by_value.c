struct pair { int a, b; };
int sum(struct pair p) {
    return p.a + p.b;
}
