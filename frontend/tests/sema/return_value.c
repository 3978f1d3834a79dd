void f(int x) {
    return x;
}
int g(void) {
    return;
}
