/* Operator precedence and associativity (C17 6.5). */
int a, b, c, d, *p, **pp, arr[4];
struct s { int m; struct s *next; } sv, *sp;
int f2(int, int, int);
typedef long TL;
void f(void) {
    a = b + c * d;
    a = (b + c) * d;
    a = b - c - d;
    a = b = c = d;
    a += b -= c;
    a = b << 1 + c;
    a = b < c == c > d;
    a = b & c ^ d | a;
    a = b && c || d && a;
    a = b ? c : d ? a : b;
    a = b ?: c;
    a = -b * ~c / !d % +a;
    a = *p++ + ++*p - (*p)--;
    a = **pp + *&a;
    a = arr[1] + 2[arr];
    a = sv.m + sp->m + sp->next->next->m;
    a = (char)b + (unsigned long)(short)c;
    a = sizeof a + sizeof(a) + sizeof(int[2]);
    a = f2(1, (2, 3), b = 4);
    a = b, c = d;
    a = 1 + 2 * 3 - 4 / 5 % 6 << 7 >> 8 < 9 > 10 <= 11 >= 12 == 13 != 14;
    a = b >= c ? b <= d : -1;
    p = &arr[a & 3];
    a = (TL)-b + (a)-b + (TL)+c * (c)+d + sizeof(TL) - sizeof(a) + (TL)(a);
    a %= 3; a *= 2; a /= 2; a <<= 1; a >>= 1; a &= 1; a ^= 1; a |= 1;
}
