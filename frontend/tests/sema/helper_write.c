static long (* const bpf_ktime_get_ns)(void) = (void *) 5;
void f(void) {
    bpf_ktime_get_ns = 0;
}
