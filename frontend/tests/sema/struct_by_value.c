struct big { long a, b, c; };
__attribute__((noinline)) long first(struct big b) { return b.a; }
long f(struct big *p) { return first(*p); }
