/* BTF dedup case (not a test-run program; built against a vmlinux.h generated from the running kernel): see link_btf.rs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
extern int seen_pid;
struct sock *last_sk;
SEC("kprobe/tcp_v4_connect") int probe2(struct pt_regs *ctx) {
  struct task_struct *t = (void *)bpf_get_current_task();
  struct file *f = BPF_CORE_READ(t, files, fdt, fd[0]);
  return f && BPF_CORE_READ(t, pid) == seen_pid;
}
