/* Declarators (C17 6.7.6): pointers, arrays, functions, and their nesting. */
int a, *b, **c, *const d, *volatile *restrict e;
int arr[3], *ptrs[4], (*parr)[5], grid[2][3];
int f(void), g(), h(int, char *), v(const char *fmt, ...);
int (*fp)(int);
void (*signal(int sig, void (*handler)(int)))(int);
int *(*(*complex)[2])(long);
char *const *(*pp)[1];
void arr_param(int a[static 4], int b[const], int c[]);
long long unsigned int llu;
unsigned u; signed char sc; short int si; long double ld;
_Bool flag;
__int128 wide; unsigned __int128 uwide;
extern const volatile int cv;
_Alignas(8) char aligned_buf[16];
_Alignas(long) char aligned_buf2[16];
typeof(a) ta;
__typeof__(int *) tp;
const char *const names[] = { "a", "b" };
