/* A missing typedef reads as clang's "unknown type name". */
struct s { my_u32 field; };
void f(my_u64 x);
void g(void) {
    my_u8 local = 1;
    int fine = 2;
}
