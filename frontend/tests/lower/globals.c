int counter;
int initialized = 42;
const int limit = 100;
const volatile unsigned int tgid = 0;
static int hidden = 3;
char license[] __attribute__((section("license"), used)) = "GPL";
int table[4] = { 1, 2 };
int *ptr_to_counter = &counter;
const char *greeting = "hello";

struct {
    int type;
    int max_entries;
} my_map __attribute__((section(".maps")));

int use(void) {
    static int calls;
    calls++;
    counter += limit + tgid + hidden + table[1];
    return *ptr_to_counter + greeting[0] + calls;
}

int twice_static(void) {
    int r = 0;
    { static int n; n++; r += n; }
    { static int n; n += 2; r += n; }
    return r;
}

struct flex { int n; int vals[]; } gflex = { 2, { 7, 8 } };

static int unused_static = 5;
static const char unused_str[] = "never read";
unsigned long only_sizeof(void) { return sizeof("abc") + sizeof(unused_str); }

int renamed_var asm("real_var_name") = 3;
int renamed_fn(int x) asm("real_fn_name");
int renamed_fn(int x) { return x + renamed_var; }
