void f(char *d, const char *s, int n) {
    __builtin_memcpy(d, s, n);
}
