/* Variadic macros: __VA_ARGS__, named variadics (`args...`), GNU `, ## __VA_ARGS__`
   comma deletion, __VA_OPT__, counting arguments the way bpf_helpers.h does. */
#define LOG(fmt, ...) printk(fmt, __VA_ARGS__)
#define LOG2(fmt, args...) printk(fmt, ##args)
#define LOG3(fmt, ...) printk(fmt, ## __VA_ARGS__)
#define OPT(fmt, ...) printk(fmt __VA_OPT__(,) __VA_ARGS__)
#define ALL(...) { __VA_ARGS__ }
#define NTH(_0, _1, _2, _3, N, ...) N
#define COUNT(...) NTH(_, ##__VA_ARGS__, 3, 2, 1, 0)

LOG("a %d %d", 1, 2);
LOG2("b");
LOG2("b %d", 1);
LOG3("c");
LOG3("c %d %d", 1, (2, 3));
OPT("d");
OPT("d %d", 4);
ALL() ALL(1) ALL(1, 2, 3)
int n0 = COUNT(), n1 = COUNT(a), n2 = COUNT(a, b), n3 = COUNT(a, b, c);
#define INNER(...) __VA_OPT__(inner: __VA_ARGS__)
#define OUTER(...) __VA_OPT__([__VA_ARGS__])
OUTER(INNER(7)) OUTER(INNER()) OUTER()
