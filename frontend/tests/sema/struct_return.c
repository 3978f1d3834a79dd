struct pair { int a, b; };
struct pair make(int a) {
    struct pair p = { a, a };
    return p;
}
