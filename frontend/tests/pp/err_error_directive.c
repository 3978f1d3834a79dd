#ifndef __bpf__
#error not compiling for BPF
#endif
#if __BPF_CPU_VERSION__ < 4
#error "this program needs -mcpu=v4" (got an older CPU)
#endif
#warning just a warning, it's fine
int x;
