struct inner { int pad; int val; };
struct task { int pid; struct inner in; long arr[4]; union { int u1; short u2; }; };

static long (*bpf_probe_read_kernel)(void *dst, unsigned int size, const void *src) = (void *) 113;

long read_val(struct task *t) {
    int v = 0;
    bpf_probe_read_kernel(&v, sizeof(v), __builtin_preserve_access_index(&t->in.val));
    long a = 0;
    bpf_probe_read_kernel(&a, sizeof(a), __builtin_preserve_access_index(&t->arr[2]));
    return v + a;
}

unsigned long info(struct task *t) {
    return __builtin_preserve_field_info(t->u2, 2) + __builtin_preserve_field_info(t->in.val, 1)
         + __builtin_preserve_type_info(*(struct inner *)0, 1) + __builtin_btf_type_id(*t, 1);
}

struct __attribute__((preserve_access_index)) kstruct { int a; struct { int x, y; } sub; };
int pai(struct kstruct *k) { return k->a + k->sub.y; }

struct __attribute__((preserve_access_index)) inner2 { int a; int b; };
struct __attribute__((preserve_access_index)) outer2 { long pad; struct inner2 in; };
int nested(struct outer2 *o) { return o->in.b; }

enum kstate { K_IDLE = 1, K_RUN = 4, K_DEAD = 16 };
long enum_info(void) {
    return __builtin_preserve_enum_value(*(enum kstate *)K_RUN, 0)
         + __builtin_preserve_enum_value(*(enum kstate *)K_DEAD, 1);
}

/* An element of a relocated array member is relocated itself (access `0:1:1`). */
struct __attribute__((preserve_access_index)) kargs { long id; unsigned long args[6]; };
unsigned long arr_elem(struct kargs *k) { return k->args[1]; }
