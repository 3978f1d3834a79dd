/* Abstract declarators in type names (C17 6.7.7). */
void f(void) {
    long n;
    n = sizeof(int);
    n = sizeof(int *);
    n = sizeof(int *[3]);
    n = sizeof(int (*)[3]);
    n = sizeof(int (*)(void));
    n = sizeof(int (*[2])(int, long));
    n = sizeof(char (*(*)(void))[4]);
    n = (long)(unsigned char *)0;
    n = _Alignof(long long);
    n = sizeof n;
    n = sizeof(n) + sizeof(struct { int x; });
}
void params(int, char *, void (*)(int), int [], int (*)[4]);
