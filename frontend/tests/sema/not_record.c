int f(int *p) {
    return p->len;
}
