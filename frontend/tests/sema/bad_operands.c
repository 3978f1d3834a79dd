struct s { int a; };
int f(struct s v, int *p) {
    return v + 1;
}
