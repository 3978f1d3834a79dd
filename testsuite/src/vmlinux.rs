//! A real CO-RE program for benchmarks: `vmlinux.h` dumped from the running kernel's BTF
//! by bpftool (never committed: it is ~134k lines and kernel-specific) plus libbpf's
//! `bpf_helpers.h`, `bpf_core_read.h` and `bpf_tracing.h`, as libbpf-bootstrap programs
//! include them.
//!
//! Invariant: needs nothing from outside the tree but bpftool, `/sys/kernel/btf/vmlinux`
//! and the libbpf headers; when one is missing it says which instead of failing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The program's source: a tracepoint reading task fields through CO-RE relocations.
/// `__TARGET_ARCH_x86` is defined in the source, so no `-D` flag is needed.
const PROGRAM: &str = r#"#define __TARGET_ARCH_x86
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct event {
	int pid;
	int ppid;
	char comm[16];
	unsigned long long ts;
};

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
"#;

/// Writes `vmlinux.h` and `vmlinux_core.bpf.c` into `dir` and returns the program's
/// path, or why it cannot.
pub fn write_core_program(dir: &Path) -> Result<PathBuf, String> {
    let btf = "/sys/kernel/btf/vmlinux";
    if !Path::new(btf).is_file() {
        return Err(format!("{btf} missing (kernel without BTF)"));
    }
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file() {
        return Err("libbpf headers missing (/usr/include/bpf/bpf_helpers.h)".into());
    }
    let bpftool = crate::tools::find("bpftool").ok_or("bpftool not found")?;
    let dump = Command::new(bpftool)
        .args(["btf", "dump", "file", btf, "format", "c"])
        .output()
        .map_err(|e| format!("bpftool: {e}"))?;
    if !dump.status.success() {
        return Err(format!(
            "bpftool btf dump failed: {}",
            String::from_utf8_lossy(&dump.stderr).trim()
        ));
    }
    std::fs::write(dir.join("vmlinux.h"), &dump.stdout)
        .map_err(|e| format!("cannot write vmlinux.h: {e}"))?;
    let prog = dir.join("vmlinux_core.bpf.c");
    std::fs::write(&prog, PROGRAM).map_err(|e| format!("cannot write {}: {e}", prog.display()))?;
    Ok(prog)
}
