// CO-RE: preserve_access_index field reads become .BTF.ext field relocations.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct { int pid; int tgid; struct task_struct *parent; char comm[16]; } __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	struct task_struct *t = (void *)ctx[1];
	int pid = BPF_CORE_READ(t, pid);
	int ppid = BPF_CORE_READ(t, parent, tgid);
	if (bpf_core_field_exists(t->comm))
		pid += 1;
	return pid + ppid + bpf_core_field_size(t->comm);
}

char LICENSE[] SEC("license") = "GPL";
