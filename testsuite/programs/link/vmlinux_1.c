/* BTF dedup case (not a test-run program; built against a vmlinux.h generated from the running kernel): see link_btf.rs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
int seen_pid;
SEC("kprobe/do_nanosleep") int probe1(struct pt_regs *ctx) {
  struct task_struct *t = (void *)bpf_get_current_task();
  seen_pid = BPF_CORE_READ(t, real_parent, tgid);
  struct mm_struct *mm = BPF_CORE_READ(t, mm);
  return mm ? 1 : 0;
}
char LICENSE[] SEC("license") = "GPL";
