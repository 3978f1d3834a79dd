void f(short *p) {
    __sync_fetch_and_add(p, 1);
}
