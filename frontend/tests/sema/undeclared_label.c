int f(int x) {
    if (x)
        goto out;
    return 1;
}
