#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

int ppid_seen;
int has_field;

SEC("tracepoint/syscalls/sys_enter_openat")
int handle(void *ctx)
{
    struct task_struct *t = (void *)bpf_get_current_task();
    ppid_seen = BPF_CORE_READ(t, real_parent, tgid);
    has_field = bpf_core_field_exists(t->pid) + bpf_core_type_size(struct task_struct) > 0;
    return 0;
}
char LICENSE[] SEC("license") = "GPL";
