struct point { int x; int y; };
struct flags { unsigned int a : 3; int b : 5; unsigned int c : 24; };

int sum_array(int *arr, int n) {
    int s = 0;
    int *end = arr + n;
    for (int *p = arr; p < end; p++)
        s += *p;
    return s + (int)(end - arr);
}

int members(struct point *p) {
    p->x = p->y * 2;
    return p->x + (*p).y;
}

int bits(struct flags *f) {
    f->a = 5;
    f->b = -3;
    return f->a + f->b + f->c;
}

int local_addr(void) {
    int v = 1;
    int *pv = &v;
    *pv = 7;
    int arr[4];
    arr[2] = v;
    return arr[2];
}

struct twelve { int a, b, c; };
long ptrdiff12(struct twelve *a, struct twelve *b) { return b - a; }
