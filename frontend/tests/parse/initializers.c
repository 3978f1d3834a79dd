/* Initializers (C17 6.7.9) with GNU designator ranges. */
struct point { int x, y; };
struct line { struct point a, b; int tags[4]; };
struct point p1 = { 1, 2 };
struct point p2 = { .y = 2, .x = 1 };
struct line l1 = { .a.x = 1, .b = { 3, 4 }, .tags[2] = 7, };
int arr[10] = { [0] = 1, [3] = 4, [5 ... 8] = 9 };
int nested[2][2] = { { 1, 2 }, { 3 } };
struct point empty = {};
char s[] = "abc";
struct point old_style = { x: 1, y: 2 };
int scalar = { 5 };
void f(void) {
    struct point *p = &(struct point){ .x = 1 };
    int n = ((int[]){ 1, 2, 3 })[1];
}
