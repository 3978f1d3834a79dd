int add(int a, int b) { return a + b; }
unsigned long mix(unsigned char c, short s, long l) {
    unsigned long r = c * 3 + s / 2 - l % 7;
    r <<= 2;
    r ^= ~l >> 3;
    return r;
}
int logic(int x, int y) { return (x && y) || !x; }
int cmp(unsigned a, int b) { return a < 5u && b >= -1; }
