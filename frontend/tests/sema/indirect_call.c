int apply(int (*fn)(int), int x) {
    return fn(x);
}
