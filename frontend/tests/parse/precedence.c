/* Every binary operator level against its neighbours; clang compiles this and our
   re-printed, fully parenthesized version to the same code (parse_roundtrip.rs). */
unsigned long p1(unsigned long a, unsigned long b, unsigned long c) { return a - b - c; }
unsigned long p2(unsigned long a, unsigned long b, unsigned long c) { return a * (b - c) / 3 % 7; }
unsigned long p3(unsigned long a, unsigned long b, unsigned long c) { return a << b + c >> 1; }
unsigned long p4(unsigned long a, unsigned long b, unsigned long c) { return a < b == b > c != a <= c >= b; }
unsigned long p5(unsigned long a, unsigned long b, unsigned long c) { return a & b ^ c | a & ~b; }
unsigned long p6(unsigned long a, unsigned long b, unsigned long c) { return a && b || c && !a || b; }
unsigned long p7(unsigned long a, unsigned long b, unsigned long c) { return a ? b : c ? a : b ? c : 0; }
unsigned long p8(unsigned long a, unsigned long b, unsigned long c) { return a ?: b - c; }
unsigned long p9(unsigned long a, unsigned long b, unsigned long c) { a += b *= c -= 2; return a; }
unsigned long p10(unsigned long a, unsigned long b, unsigned long c) { return -a * -b - - c + !a - ~b; }
unsigned long p11(unsigned long a, unsigned long b, unsigned long c) { return (a, b, c) + (a = b, c); }
unsigned long p12(unsigned char a, unsigned long b, unsigned long c) { return (long)(char)a + (unsigned)b * c; }
unsigned long p13(unsigned long *p, unsigned long i, unsigned long c) { return *p++ + p[i] - *&p[c] + (*p)++ + ++*p; }
unsigned long p14(unsigned long a, unsigned long b, unsigned long c) { return a - b + c - a * b / c + a % b * c; }
unsigned long p15(unsigned long a, unsigned long b, unsigned long c) { return a >> 1 << b >> c & a - 1 | b ^ c + 1; }
unsigned long p16(unsigned long a, unsigned long b, unsigned long c) { return sizeof a + sizeof(long[3]) * a + _Alignof(long) - b; }
