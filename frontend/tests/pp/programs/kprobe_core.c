/* A CO-RE program using the libbpf macros (SEC, __uint, BPF_KPROBE, BPF_PROG,
   BPF_CORE_READ, bpf_printk, bpf_core_*): pp_diff.rs preprocesses it next to a
   bpftool-generated vmlinux.h and compares with clang-19. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	const char *filename = BPF_CORE_READ(name, name);
	bpf_printk("KPROBE ENTRY pid = %d, filename = %s\n", pid, filename);
	bpf_printk("no args");
	u32 k = bpf_ntohl(7);
	u64 *v = bpf_map_lookup_elem(&counts, &k);
	if (v) __sync_fetch_and_add(v, 1);
	return bpf_core_field_exists(name->name);
}

SEC("fentry/do_unlinkat")
int BPF_PROG(fentry_unlink, int dfd, struct filename *name, long ret)
{
	bpf_printk("a %d %d %d %d", 1, 2, 3, 4);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	int x = BPF_CORE_READ(prev, mm, exe_file, f_path.dentry, d_name.len);
	bpf_core_read(&x, sizeof(x), &next->pid);
	return x + bpf_core_type_exists(struct task_struct) + bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_HASH);
}
