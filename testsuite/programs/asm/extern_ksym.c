// Extern symbols: a kfunc (__ksym), a weak extern, a kconfig variable.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern int bpf_missing_helper(int) __ksym __weak;

SEC("tc")
int use_externs(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	int v = LINUX_KERNEL_VERSION > 0x50f00 ? 1 : 0;
	if (bpf_missing_helper)
		v += bpf_missing_helper(v);
	bpf_rcu_read_unlock();
	return v;
}

char LICENSE[] SEC("license") = "GPL";
