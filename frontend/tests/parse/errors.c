/* Syntax errors: each is reported once, and parsing resumes after `;` or `}`. */
int missing_semi = 1
int next = 2;
void f(void) {
    int x = (1 + ;
    x = 3;
    if (x) { x = ; }
    return x
}
int ok_after = 3;
struct s { int a b; };
int last = ;
