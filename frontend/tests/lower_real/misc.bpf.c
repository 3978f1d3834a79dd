// @input: 0506070809
// @input: fffefdfcfb
#include "common.h"
__u64 out[10];
__u64 counter = 5;
__u32 counter32;
enum state { IDLE, BUSY = 10, DONE };
struct ctx2 { __u64 acc; __u8 step; };
static long step_cb(__u32 i, void *c) {
    struct ctx2 *x = c;
    x->acc += i * x->step;
    return i >= 5;
}
static inline __attribute__((always_inline)) int sq(int v) { return v * v; }
SEC("xdp") int prog(struct xdp_md *ctx) {
    __u8 *d = LOAD(ctx, 5);
    __sync_fetch_and_add(&counter, d[0]);
    out[0] = __sync_fetch_and_add(&counter, 1);
    __sync_fetch_and_or(&counter32, d[1]);
    out[1] = __sync_val_compare_and_swap(&counter, 100, 7);
    out[2] = __sync_lock_test_and_set(&counter32, 3);
    enum state s = d[2] > 8 ? DONE : BUSY;
    out[3] = s + sq(d[3]);
    struct ctx2 c = { 0, d[4] };
    bpf_loop(10, step_cb, &c, 0);
    out[4] = c.acc;
    out[5] = ({ int t = d[0]; t * 2 + 1; });
    typeof(d[0]) tt = d[1] + d[2];
    out[6] = tt;
    _Bool flag = d[3];
    out[7] = flag + (_Bool)0 + (_Bool)256;
    out[8] = __builtin_offsetof(struct ctx2, step);
    long neg = -(long)d[4];
    out[9] = (unsigned long)neg >> 60;
    return 2;
}
char LICENSE[] SEC("license") = "GPL";
