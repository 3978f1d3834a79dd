/* Error recovery does not leak scopes: after the broken parameter list, `W` is the
   file-scope typedef again outside `broken`. */
typedef int W;
void broken(void) {
    int W;
    void (*fp)(int a b);
    W * 2;
}
W after;
struct { int x; W; int y } s;
W last;
