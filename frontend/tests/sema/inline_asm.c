int f(int x) {
    asm volatile("r0 = 1" ::: "r0");
    return x;
}
