/* The input ends inside a function body. */
int f(int x) {
    if (x) {
        return 1;
