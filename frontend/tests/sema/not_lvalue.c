int f(int a, int b) {
    (a + b) = 3;
    return a;
}
