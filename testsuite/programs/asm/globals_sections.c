// Globals in custom sections, static (local) data, arrays of pointers to data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int counter SEC(".data.counters") = 1;
static int hidden_state = 5;
static const char greeting[] = "hello";
__u32 table[16] SEC(".bss.tables");
const __u32 primes[] = { 2, 3, 5, 7, 11, 13 };
static __u64 zeroed;

SEC("kprobe/do_sys_open")
int probe(void *ctx)
{
	counter++;
	hidden_state ^= counter;
	table[counter & 15] += primes[counter % 6];
	zeroed += greeting[counter & 3];
	return hidden_state;
}

char LICENSE[] SEC("license") = "GPL";
