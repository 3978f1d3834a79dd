#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
struct event { u32 pid; u32 ppid; char comm[TASK_COMM_LEN]; char fname[64]; int ret; };

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(u32));
    __uint(value_size, sizeof(u32));
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, u32);
    __type(value, struct event);
} heap SEC(".maps");

const volatile bool filter_enabled = false;
const volatile pid_t target_tgid = 0;

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(kprobe_openat, int dfd, const char *filename)
{
    u32 zero = 0;
    struct event *e = bpf_map_lookup_elem(&heap, &zero);
    if (!e)
        return 0;
    u64 id = bpf_get_current_pid_tgid();
    if (filter_enabled && (id >> 32) != target_tgid)
        return 0;
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    e->pid = id >> 32;
    e->ppid = BPF_CORE_READ(task, real_parent, tgid);
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_probe_read_user_str(e->fname, sizeof(e->fname), filename);
    e->ret = 0;
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
    return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(kretprobe_openat, long ret)
{
    bpf_printk("ret %ld", ret);
    return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(fentry_unlink, int dfd, struct filename *name)
{
    pid_t pid = bpf_get_current_pid_tgid() >> 32;
    const char *fn = BPF_CORE_READ(name, name);
    bpf_printk("unlink pid=%d %s", pid, fn);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
