int f(int n) {
    char buf[n];
    buf[0] = 1;
    return buf[0];
}
