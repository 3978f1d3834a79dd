/* GNU statement expressions and the builtins libbpf's macros use. */
#define max(a, b) ({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define offsetof(t, m) __builtin_offsetof(t, m)
struct pkt { int len; struct { int a[4]; } in; };
typedef struct pkt pkt_t;
int f(int x, int y) {
    int m = max(x, y);
    int n = ({ int t = x; t * 2; });
    long off = offsetof(struct pkt, in.a[2]) + __builtin_offsetof(pkt_t, len);
    int same = __builtin_types_compatible_p(typeof(x), int);
    int pick = __builtin_choose_expr(1, x, y);
    int g = _Generic(x, int: 1, long: 2, default: 3);
    int e = __extension__ ({ 1; });
    return m + n + (int)off + same + pick + g + e;
}
