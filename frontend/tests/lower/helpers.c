struct ctx { unsigned long data; };
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (* const bpf_loop)(unsigned int nr_loops, void *callback_fn, void *callback_ctx, unsigned long flags) = (void *) 181;

struct { int type; } counts __attribute__((section(".maps")));

static __attribute__((always_inline)) inline int twice(int x) { return x * 2; }
static __attribute__((noinline)) int helper(int x) { return x + 1; }
__attribute__((weak)) int tunable(void) { return 7; }

static long loop_cb(unsigned int i, void *ctx) { return 0; }

__attribute__((section("xdp"), used))
int prog(struct ctx *c) {
    int key = 0;
    int *v = bpf_map_lookup_elem(&counts, &key);
    if (!v)
        return 1;
    bpf_loop(10, loop_cb, 0, 0);
    return twice(*v) + helper(2) + tunable();
}
