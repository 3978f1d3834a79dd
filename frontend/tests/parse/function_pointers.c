typedef unsigned int __u32;
/* Function pointers as libbpf's helper declarations use them. */
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;
typedef int (*handler_t)(void *ctx);
struct ops { int (*open)(void); void (*close)(int fd); handler_t handlers[4]; };
int call(handler_t h, void *ctx) { return h(ctx) + (*h)(ctx); }
int (*pick(int which))(void *);
