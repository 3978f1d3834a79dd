long widen(int x, unsigned int y, char c, unsigned char uc) {
    return (long)x + (long)y + c + uc;
}
char narrow(long x) { return (char)x; }
_Bool to_bool(int *p) { return p; }
int comma(int a, int b) { return (a++, b--, a + b); }
unsigned short compound(unsigned short s) {
    s += 3;
    s <<= 1;
    s *= s;
    return s;
}
int ptr_int(void *p) { return (int)(long)p + (p == 0); }
