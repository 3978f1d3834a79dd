enum color { RED, GREEN = 5, BLUE };
typedef unsigned int u32;
_Static_assert(sizeof(u32) == 4, "u32");

static int max(int a, int b) {
    return ({ int t = a; t > b ? t : b; });
}

int use_enum(enum color c) {
    typeof(c) d = BLUE;
    u32 mask = (1u << GREEN) | d;
    return c == RED ? (int)mask : max(c, 2);
}

#define KIND(x) _Generic((x), int: 1, long: 2, default: 3)
int generic(long l, char c) {
    return KIND(l) * 10 + KIND(c) + __builtin_choose_expr(1, 5, 6) + __builtin_types_compatible_p(int, const int);
}
