/* Declarator structure checked through sizes clang computes (parse_roundtrip.rs):
   any misread declarator changes a size below. */
struct s { char c; long l; int a[3]; struct { short x; } in; int (*fp)(int); };
long sizes[] = {
    sizeof(int *[3]), sizeof(int (*)[3]), sizeof(int *(*)[5]), sizeof(char (*(*)[2])[7]),
    sizeof(int (*[4])(void)), sizeof(struct s), sizeof(((struct s *)0)->a),
    sizeof(long long [2][3]), sizeof(char *(*(*)[4])[5]), __builtin_offsetof(struct s, a[2]),
    __builtin_offsetof(struct s, in.x), sizeof(int (**)[9]), sizeof(short [3][2][1]),
};
char (*pa)[11];
char *ap[13];
long more[] = { sizeof(pa), sizeof(*pa), sizeof(ap), sizeof(*ap) };
