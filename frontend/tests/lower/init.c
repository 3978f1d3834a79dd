struct inner { short s; char c; };
struct outer { int a; struct inner in; int arr[3]; unsigned int f : 4; };

int locals(int x) {
    struct outer o = { .a = x, .in = { 1, 2 }, .arr[1] = 5, .f = 3 };
    int arr[] = { 1, 2, 3, x };
    char name[8] = "abc";
    struct inner elided[2] = { 1, 2, 3, 4 };
    int *cl = (int[]){ 4, 5 };
    return o.a + o.in.c + o.arr[1] + o.f + arr[3] + name[1] + elided[1].s + cl[1];
}

struct outer g = { 1, { 2, 3 }, { 4, 5, 6 }, 7 };
struct inner garr[] = { [1] = { .c = 9 }, { 5 } };
