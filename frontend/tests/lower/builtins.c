struct hdr { unsigned char a; unsigned short b; unsigned int c; };

unsigned int swap(unsigned int x) { return __builtin_bswap32(x) + __builtin_bswap16((unsigned short)x); }

unsigned long swap64(unsigned long x) { return __builtin_bswap64(x); }

int mem(struct hdr *dst, struct hdr *src) {
    __builtin_memcpy(dst, src, sizeof(*dst));
    __builtin_memset(src, 0, sizeof(*src));
    return __builtin_memcmp(dst, src, 2);
}

long atomics(long *p, int *q) {
    __sync_fetch_and_add(p, 1);
    long old = __sync_fetch_and_or(p, 4);
    __sync_fetch_and_xor(q, 3);
    __sync_lock_test_and_set(q, 9);
    return old + __sync_val_compare_and_swap(p, 5, 6);
}

int misc(int x) {
    if (__builtin_expect(x > 3, 0))
        return __builtin_offsetof(struct hdr, c);
    return __builtin_constant_p(x) + __builtin_constant_p(3);
}

long more_atomics(long *p, unsigned int *q) {
    __sync_fetch_and_sub(p, 2);
    long a = __atomic_fetch_add(p, 3, __ATOMIC_RELAXED);
    unsigned int b = __atomic_fetch_sub(q, 1, __ATOMIC_SEQ_CST);
    return a + b + __atomic_exchange_n(p, 8, __ATOMIC_ACQ_REL);
}
