int f(void) {
    return counter + 1;
}
