void f(int x) {
    int *p = x;
    (void)p;
}
