/* BTF dedup case (not a test-run program; built against a vmlinux.h generated from the running kernel): see link_btf.rs. */
struct task_struct;
struct file;
struct holder { struct task_struct *t; struct file *f; int n; };
struct holder hold3;
