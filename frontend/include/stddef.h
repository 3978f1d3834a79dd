/* ebpfc built-in <stddef.h> (C17 7.19) for the BPF target (LP64). */
#ifndef __EBPFC_STDDEF_H
#define __EBPFC_STDDEF_H

typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __SIZE_TYPE__ size_t;
typedef __WCHAR_TYPE__ wchar_t;

/* clang's second member is a long double; ebpfc rejects floating types, and on BPF a
 * long double is 8 bytes aligned to 8, so an aligned long long gives the same layout
 * (size 16, alignment 8). */
typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long long __max_align_ld __attribute__((__aligned__(8)));
} max_align_t;

#undef NULL
#define NULL ((void *)0)

#undef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)

#endif /* __EBPFC_STDDEF_H */
