/* Every statement kind (C17 6.8) plus GNU case ranges and asm. */
int f(int n) {
    int i, sum = 0;
    ;
    { }
    if (n) sum = 1;
    if (n) sum = 1; else sum = 2;
    if (n) if (n > 1) sum = 3; else sum = 4;  /* else binds to the inner if */
    while (n--) sum += n;
    do sum++; while (sum < 10);
    for (i = 0; i < 4; i++) sum += i;
    for (int j = 0; j < 4; j++) { if (j == 2) continue; if (j == 3) break; }
    for (;;) break;
    switch (n) {
    case 0: sum = 0; break;
    case 1 ... 5: sum = 1;
    case 'a': { sum = 2; break; }
    default: sum = -1;
    }
again:
    if (sum < 0) goto again;
    asm volatile("r0 = 0" ::: "memory");
    asm("%[out] = %[in]" : [out] "=r"(sum) : [in] "r"(n));
    asm goto("if r0 == 0 goto %l0" :::: again);
    __asm__ __volatile__("" : "+r"(sum));
    _Static_assert(sizeof(int) == 4, "int is 32 bits");
    return sum;
}
void g(void) { return; }
asm(".globl top_level_asm");
int c23_labels(int x) {
here:
    int y = x;                 /* a label before a declaration (C23, clang accepts) */
    switch (y) { case 1: y++; default: }   /* a label before `}` */
    return y;
}
